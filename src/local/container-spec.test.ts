import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { containerSpec, gpuHostConfig } from './container-spec.js';
import { dockerHasGpus, hasNvidiaCdiSpec } from './engine/gpu.js';

const base = {
  name: 'sagekit-job-algo-2-1',
  image: 'img:1',
  hostName: 'algo-2',
  hostIndex: 1,
  hostNames: ['algo-1', 'algo-2', 'algo-3'],
  network: 'net',
  addresses: ['10.213.4.2', '10.213.4.3', '10.213.4.4'],
  env: ['A=1'],
  binds: [
    { source: '/state/hosts/algo-2', target: '/opt/ml' },
    { source: '/data/train', target: '/opt/ml/input/data/train', readOnly: true },
  ],
  labels: { 'sagekit.job': 'job' },
};

describe('containerSpec', () => {
  it('runs `train` as algo-i with a fixed address, the other hosts in its hosts file and the binds', () => {
    const spec = containerSpec(base);
    expect(spec).toMatchObject({ name: base.name, Image: 'img:1', Cmd: ['train'], Hostname: 'algo-2', Env: ['A=1'], Tty: false });
    expect(spec.Entrypoint).toBeUndefined();
    expect(spec.HostConfig).toEqual({
      Binds: ['/state/hosts/algo-2:/opt/ml', '/data/train:/opt/ml/input/data/train:ro'],
      NetworkMode: 'net',
      ExtraHosts: ['algo-1:10.213.4.2', 'algo-3:10.213.4.4'],
    });
    expect(spec.NetworkingConfig).toEqual({ EndpointsConfig: { net: { Aliases: ['algo-2'], IPAMConfig: { IPv4Address: '10.213.4.3' } } } });
  });

  it('an isolated one-host job has no network at all; entrypoint and command can be replaced', () => {
    const { addresses: _a, ...rest } = base;
    const spec = containerSpec({
      ...rest,
      network: 'none',
      hostIndex: 0,
      hostName: 'algo-1',
      hostNames: ['algo-1'],
      cmd: ['--epochs', '2'],
      entrypoint: ['python3', 'train.py'],
    });
    expect(spec.NetworkingConfig).toBeUndefined();
    expect(spec.HostConfig?.ExtraHosts).toBeUndefined();
    expect(spec).toMatchObject({ Cmd: ['--epochs', '2'], Entrypoint: ['python3', 'train.py'] });
  });

  it("a one-host job on the engine's default network: joined by name, no aliases (Docker refuses them there)", () => {
    const { addresses: _a, ...rest } = base;
    const spec = containerSpec({ ...rest, network: 'bridge', defaultNetwork: true, hostIndex: 0, hostName: 'algo-1', hostNames: ['algo-1'] });
    expect(spec.HostConfig?.NetworkMode).toBe('bridge');
    expect(spec.Hostname).toBe('algo-1');
    expect(spec.NetworkingConfig).toBeUndefined();
    expect(spec.HostConfig?.ExtraHosts).toBeUndefined();
  });

  it('GPUs: device requests on Docker, the CDI device on Podman', () => {
    expect(containerSpec({ ...base, gpu: 'docker' }).HostConfig?.DeviceRequests).toEqual([
      { Driver: '', Count: -1, Capabilities: [['gpu']], DeviceIDs: [], Options: {} },
    ]);
    expect(containerSpec({ ...base, gpu: 'podman' }).HostConfig?.Devices).toEqual([
      { PathOnHost: 'nvidia.com/gpu=all', PathInContainer: '', CgroupPermissions: '' },
    ]);
    expect(gpuHostConfig('podman').DeviceRequests).toBeUndefined();
  });

  it('GPU support: the nvidia runtime or an NVIDIA CDI spec', () => {
    const cdi = mkdtempSync(path.join(tmpdir(), 'sagekit-cdi-'));
    expect(hasNvidiaCdiSpec([cdi, path.join(cdi, 'missing')])).toBe(false);
    mkdirSync(path.join(cdi, 'sub'));
    writeFileSync(path.join(cdi, 'nvidia.yaml'), 'cdiVersion: 0.5.0\nkind: nvidia.com/gpu\ndevices: []\n');
    expect(hasNvidiaCdiSpec([cdi])).toBe(true);
    expect(dockerHasGpus({ Runtimes: { runc: {}, nvidia: {} } })).toBe(true);
    expect(dockerHasGpus({ Runtimes: { runc: {} } })).toBe(false);
    expect(dockerHasGpus({ Runtimes: { runc: {} }, CDISpecDirs: [cdi] })).toBe(true);
  });
});

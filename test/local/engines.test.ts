/**
 * What differs between engines, checked on the engine of this pass (test/run-engines.ts runs the
 * file on Podman and on Docker): job networks on an explicit subnet, `local_gpu` refused up front
 * where the engine has no GPUs, and the engine named in messages.
 */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Estimator } from '../../src/estimator/estimator.js';
import { EnvironmentError } from '../../src/errors.js';
import { JobEvents } from '../../src/events.js';
import { connectEngine } from '../../src/local/engine/connect.js';
import { hasNvidiaCdiSpec } from '../../src/local/engine/gpu.js';
import { engineInfo } from '../../src/local/engine/info.js';
import { createJobNetwork } from '../../src/local/engine/networks.js';
import { buildImage, ensureImage } from '../../src/local/image.js';
import { PROBE_IMAGE } from '../setup/images.js';

const root = mkdtempSync(path.join(tmpdir(), 'sagekit-engines-'));

describe(`engine specifics (${process.env.SAGEKIT_TEST_ENGINE ?? 'detected engine'})`, () => {
  it('SAGEKIT_TEST_ENGINE picked an engine of that kind', async () => {
    const { docker } = await connectEngine();
    const kind = process.env.SAGEKIT_TEST_ENGINE;
    if (kind) expect((await engineInfo(docker)).kind).toBe(kind);
  });

  it('job networks have the subnet sagekit chose, and two at once never share one', async () => {
    const { docker, networks } = await connectEngine();
    const labels = { 'sagekit.test': String(process.pid) };
    const [a, b] = await Promise.all(
      ['a', 'b'].map((n) => createJobNetwork(networks, { name: `sagekit-subnet-${n}-${process.pid}`, labels, internal: false, hosts: 3 })),
    );
    try {
      const subnet = async (name: string) =>
        ((await docker.getNetwork(name).inspect()) as { IPAM: { Config: Array<{ Subnet: string }> } }).IPAM.Config[0]!.Subnet;
      const [sa, sb] = [await subnet(a!.name), await subnet(b!.name)];
      expect(sa).toMatch(/^10\.213\.\d+\.0\/24$/);
      expect(sb).not.toBe(sa);
      expect(a!.addresses).toEqual([2, 3, 4].map((i) => sa.replace(/0\/24$/, String(i))));
    } finally {
      await Promise.all([a!.remove(), b!.remove()]);
    }
  });

  it.skipIf(hasNvidiaCdiSpec())('local_gpu without GPU support is refused before anything starts (exit 3), no record', async () => {
    const stateDir = path.join(root, 'state');
    const estimator = new Estimator({
      imageUri: PROBE_IMAGE,
      instanceType: 'local_gpu',
      outputPath: path.join(root, 'out'),
      jobName: 'gpu-job',
      local: { stateDir },
    });
    const error = await estimator.fit().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EnvironmentError);
    expect((error as EnvironmentError).exitCode).toBe(3);
    expect((error as Error).message).toMatch(/local_gpu: (this Docker Engine|Podman) has no GPU/);
    expect(existsSync(path.join(stateDir, 'jobs', 'gpu-job'))).toBe(false);
  });

  it('a build whose base image cannot be pulled says how to build one offline (FAULTS 23)', async () => {
    const engine = await connectEngine();
    const context = path.join(root, 'offline-build');
    mkdirSync(context, { recursive: true });
    // Nothing listens on port 1: the pull fails as it does without registry access.
    writeFileSync(path.join(context, 'Dockerfile'), 'ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\n');
    const error = await buildImage(engine, 'localhost/sagekit-offline-base:test', context, { BASE_IMAGE: '127.0.0.1:1/nothing:1' }, new JobEvents()).catch(
      (e: unknown) => e,
    );
    expect((error as Error).message).toContain(
      'The base image (BASE_IMAGE=127.0.0.1:1/nothing:1) could not be pulled; without registry access build one offline with bash scripts/build-base-image.sh',
    );
  });

  it("a missing image's hint names this engine's build command", async () => {
    const engine = await connectEngine();
    const { kind } = await engineInfo(engine.docker);
    const error = await ensureImage(engine, 'localhost/sagekit-no-such-image:none', { events: new JobEvents() }).catch((e: unknown) => e);
    expect((error as Error).message).toContain(`${kind} build -t localhost/sagekit-no-such-image:none DIR`);
  });
});

/**
 * A remote engine (`tcp://`, `ssh://`): bind mounts would name the other machine's disk, so the
 * job's files travel through the engine API. Here the engine of this pass is reached over
 * tcp://127.0.0.1 through a small relay to its socket — a real engine that sagekit must treat
 * as remote.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Estimator } from '../../src/estimator/estimator.js';
import { EnvironmentError } from '../../src/errors.js';
import { connectEngine } from '../../src/local/engine/connect.js';
import { PROBE_IMAGE } from '../setup/images.js';

const root = mkdtempSync(path.join(tmpdir(), 'sagekit-remote-'));
const stateDir = path.join(root, 'state');
let relay: Server;
let engineHost: string;

beforeAll(async () => {
  const socket = (await connectEngine()).host.replace(/^unix:\/\//, '');
  relay = createServer((client) => {
    const upstream = createConnection(socket);
    client.pipe(upstream).pipe(client);
    const close = () => (client.destroy(), upstream.destroy());
    client.on('error', close);
    upstream.on('error', close);
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  engineHost = `tcp://127.0.0.1:${(relay.address() as { port: number }).port}`;
});

afterAll(() => relay?.close());

function fitRemote(name: string, patch: Record<string, unknown>) {
  const estimator = new Estimator({
    imageUri: PROBE_IMAGE,
    instanceType: 'local',
    outputPath: path.join(root, 'output'),
    jobName: name,
    ...patch,
    local: { stateDir, pull: 'never', stopGracePeriodSeconds: 2, engineHost },
  });
  return estimator.fit(undefined, { throwOnFailure: false });
}

describe('a remote engine', () => {
  it('two hosts: channels and configs go in through the API, model and output come back, nothing bind-mounted', async () => {
    const data = path.join(root, 'train');
    mkdirSync(path.join(data, 'nested'), { recursive: true });
    writeFileSync(path.join(data, 'a.csv'), '1,2\n');
    writeFileSync(path.join(data, 'nested/b.csv'), '3,4\n');
    const job = await fitRemote('remote-two', { instanceCount: 2, hyperparameters: { mode: 'normal' }, inputs: { train: data } });
    const d = await job.describe();
    expect(d.TrainingJobStatus).toBe('Completed');
    const hostDir = (h: string) => path.join(stateDir, 'jobs', 'remote-two', 'hosts', h, 'model', h);
    for (const host of ['algo-1', 'algo-2']) {
      expect(JSON.parse(readFileSync(path.join(hostDir(host), 'resourceconfig.json'), 'utf8')).current_host).toBe(host);
      expect(readFileSync(path.join(hostDir(host), 'data.txt'), 'utf8')).toContain('./train/nested/b.csv');
    }
    const model = path.join(root, 'output', 'remote-two', 'output', 'model.tar.gz');
    const entries = execFileSync('tar', ['-tzf', model]).toString();
    expect(entries).toContain('algo-2/hyperparameters.json');
  });

  it('/opt/ml/output/failure still becomes the FailureReason', async () => {
    const d = await (await fitRemote('remote-fail', { hyperparameters: { mode: 'fail' } })).describe();
    expect(d.TrainingJobStatus).toBe('Failed');
    expect(d.FailureReason).toBe('the data was bad');
  });

  it('Pipe mode is refused up front (exit 3): FIFOs cannot cross to another machine', async () => {
    const error = await fitRemote('remote-pipe', { inputMode: 'Pipe', inputs: { train: root } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EnvironmentError);
    expect((error as Error).message).toContain(`Pipe-mode channels (train) need the container engine on this machine, and ${engineHost} is remote`);
  });
});

/**
 * The engine's API service restarted mid-job (FAULTS 4): the job still ends when its container
 * does — Completed, artifacts kept, nothing left behind — instead of waiting forever on a `wait`
 * whose connection died. Uses a Podman API service of its own on a private socket (same storage
 * as the shared one), so only that service is killed; skipped where `podman` is not installed.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { buildFaultImage, killStartedClis, endsWithin, faultWorkspace, leftoversOf, startCli } from './helpers.js';

// Hang detection bounds (60-120 s) stay below the test timeout, so a hang fails its own assertion.
vi.setConfig({ testTimeout: 180_000 });
afterAll(killStartedClis);

const hasPodman = spawnSync('podman', ['--version']).status === 0;
const ws = faultWorkspace('faults-engine');
const socket = path.join(ws.dir, 'engine.sock');
let service: ChildProcess | undefined;

async function startService(): Promise<void> {
  service = spawn('podman', ['system', 'service', '--time=0', `unix://${socket}`], { cwd: '/', stdio: 'ignore' });
  for (let i = 0; i < 100 && !existsSync(socket); i++) await new Promise((resolve) => setTimeout(resolve, 100));
  expect(existsSync(socket), 'own podman API service socket').toBe(true);
}

async function stopService(): Promise<void> {
  const running = service;
  service = undefined;
  if (!running || running.exitCode !== null) return;
  const exited = new Promise((resolve) => running.once('exit', resolve));
  running.kill('SIGKILL');
  await exited;
}

beforeAll(async () => {
  if (hasPodman) await buildFaultImage();
});
afterAll(stopService);

it.skipIf(!hasPodman)(
  'a job whose engine API service is killed and started again mid-job completes',
  async () => {
    await startService();
    const name = `fault-engine-${Date.now() % 100000}`;
    const script = 'echo ready; sleep 8; echo finishing; echo model > /opt/ml/model/m.txt';
    const file = ws.job(name, script, { local: { pull: 'never', stopGracePeriodSeconds: 3, engineHost: `unix://${socket}` } });
    const cli = startCli(['train', '--config', file, '--job-name', name], ws.env);
    await cli.waitFor(/ready/);
    // Mid-job: the output is attached before the start, so "ready" can arrive before the start's
    // own answer; a second later the start is long done and only the job is in flight.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await stopService();
    await startService();
    // Before the fix the CLI waited forever (record Training) although the container had exited 0.
    expect(await endsWithin(cli, 90_000), cli.output()).toEqual({ code: 0, signal: null });
    const record = await ws.record(name);
    expect(record.TrainingJobStatus).toBe('Completed');
    expect(existsSync(path.join(ws.dir, 'output', name, 'output', 'model.tar.gz'))).toBe(true);
    expect(await leftoversOf(name)).toEqual([]);
  },
  150_000,
);

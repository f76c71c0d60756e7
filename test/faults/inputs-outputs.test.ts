/**
 * Inputs and outputs under stress (issue 13's fault list): 20 000 small files and a symbolic-link
 * loop in an input, binary output, a program that traps SIGTERM and saves its model, an output
 * folder that fills up. Real jobs on the real engine through the CLI binary.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as tar from 'tar';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { buildFaultImage, killStartedClis, endsWithin, faultWorkspace, leftoversOf, startCli } from './helpers.js';

// Hang detection bounds (60-120 s) stay below the test timeout, so a hang fails its own assertion.
vi.setConfig({ testTimeout: 180_000 });
afterAll(killStartedClis);

const HANG_MS = 120_000;
const ws = faultWorkspace('faults-io');
const unique = (base: string) => `fault-${base}-${Date.now() % 100000}`;

beforeAll(() => buildFaultImage());

it('20 000 small files and a symbolic-link loop in a sharded input: every file staged, the loop skipped', async () => {
  const root = path.join(ws.dir, 'many');
  for (let d = 0; d < 20; d++) {
    mkdirSync(path.join(root, `d${d}`), { recursive: true });
    for (let f = 0; f < 1000; f++) writeFileSync(path.join(root, `d${d}`, `f${f}.txt`), `${d}/${f}\n`);
  }
  symlinkSync('..', path.join(root, 'd0', 'loop'));
  const name = unique('manyfiles');
  const file = ws.job(name, 'echo "files $(find /opt/ml/input/data/train -type f | wc -l)"', {
    inputs: { train: { s3Data: `file://${root}`, distribution: 'ShardedByS3Key' } },
  });
  const r = await runCli(['train', '--config', file, '--job-name', name], { env: ws.env, timeoutMs: HANG_MS });
  expect(r.code, r.stderr.slice(-500)).toBe(0);
  expect(r.stderr).toContain('files 20000');
  expect(await leftoversOf(name)).toEqual([]);
}, 150_000);

it('binary output: the job completes and its record stays readable', async () => {
  const name = unique('binary');
  const r = await runCli(['train', '--config', ws.job(name, 'head -c 200000 /dev/urandom; echo; echo after-binary'), '--job-name', name], {
    env: ws.env,
    timeoutMs: HANG_MS,
  });
  expect(r.code, r.stderr.slice(-300)).toBe(0);
  const logs = await runCli(['logs', name, '--json'], { env: ws.env });
  expect(logs.code).toBe(0);
  const lines = logs.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { message: string });
  expect(lines.at(-1)!.message).toBe('after-binary');
});

it('SIGTERM to the CLI with a program that traps TERM: it saves its model, Stopped, the model kept', async () => {
  const name = unique('trap');
  const script = "trap 'echo got TERM; echo saved > /opt/ml/model/saved.txt; exit 0' TERM; echo ready; while true; do sleep 0.2; done";
  const cli = startCli(['train', '--config', ws.job(name, script, { local: { pull: 'never', stopGracePeriodSeconds: 30 } }), '--job-name', name], ws.env);
  await cli.waitFor(/ready/);
  cli.child.kill('SIGTERM');
  expect(await endsWithin(cli, HANG_MS), cli.output()).toEqual({ code: 1, signal: null });
  expect(cli.output()).toContain('got TERM');
  expect((await ws.record(name)).TrainingJobStatus).toBe('Stopped');
  const archive = path.join(ws.dir, 'output', name, 'output', 'model.tar.gz');
  const entries: string[] = [];
  await tar.t({ file: archive, onReadEntry: (entry) => void entries.push(entry.path) });
  expect(entries.some((entry) => entry.endsWith('saved.txt'))).toBe(true);
  expect(await leftoversOf(name)).toEqual([]);
});

it.skipIf(process.getuid?.() !== 0)(
  'an output folder that fills up: Failed, the reason says where the model still is',
  async () => {
    const full = path.join(ws.dir, 'full');
    mkdirSync(full);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', full]);
    try {
      const name = unique('full');
      const r = await runCli(
        ['train', '--config', ws.job(name, 'head -c 2000000 /dev/urandom > /opt/ml/model/weights.bin', { outputPath: full }), '--job-name', name, '--json'],
        {
          env: ws.env,
          timeoutMs: HANG_MS,
        },
      );
      expect(r.code, r.stderr.slice(-500)).toBe(1);
      const doc = JSON.parse(r.stdout) as { TrainingJobStatus: string; FailureReason: string };
      expect(doc.TrainingJobStatus).toBe('Failed');
      expect(doc.FailureReason).toMatch(/could not save model\.tar\.gz: .*ENOSPC.*the files are kept in .*hosts/);
      expect(readFileSync(path.join(ws.stateDir, 'jobs', name, 'hosts', 'algo-1', 'model', 'weights.bin')).length).toBe(2_000_000);
      expect(existsSync(path.join(full, name, 'output', 'model.tar.gz'))).toBe(false);
      expect(await leftoversOf(name)).toEqual([]);
    } finally {
      execFileSync('umount', ['-l', full]);
    }
  },
  150_000,
);

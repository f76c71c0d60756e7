/** `sagekit rm` and `sagekit prune` on records written by hand (no engine needed). */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseAge } from '../../src/local/remove.js';
import { runCli } from '../helpers/cli.js';

let stateDir: string;
const DAY = 86_400_000;

function record(name: string, status: string, endedDaysAgo?: number, owner?: number): string {
  const dir = path.join(stateDir, 'jobs', name);
  mkdirSync(path.join(dir, 'hosts', 'algo-1', 'model'), { recursive: true });
  writeFileSync(path.join(dir, 'hosts', 'algo-1', 'model', 'weights.bin'), 'w');
  const ended = endedDaysAgo === undefined ? undefined : new Date(Date.now() - endedDaysAgo * DAY).toISOString();
  writeFileSync(
    path.join(dir, 'describe.json'),
    JSON.stringify({
      TrainingJobName: name,
      TrainingJobStatus: status,
      CreationTime: new Date(Date.now() - 30 * DAY).toISOString(),
      ...(ended && { TrainingEndTime: ended }),
    }),
  );
  if (owner !== undefined) writeFileSync(path.join(dir, 'owner.json'), JSON.stringify({ pid: owner }));
  return dir;
}

beforeEach(() => {
  stateDir = mkdtempSync(path.join(tmpdir(), 'sagekit-rm-'));
});

describe('sagekit rm', () => {
  it('removes ended jobs and their files; a running job is refused (exit 2) and kept', async () => {
    const done = record('done-1', 'Completed', 1);
    const failed = record('failed-1', 'Failed', 1);
    // Owned by this (live) test process: running as far as another process can tell.
    const running = record('running-1', 'InProgress', undefined, process.pid);
    const ok = await runCli(['--state-dir', stateDir, 'rm', 'done-1', 'failed-1', '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toEqual({ removed: ['done-1', 'failed-1'] });
    expect([existsSync(done), existsSync(failed)]).toEqual([false, false]);
    const refused = await runCli(['--state-dir', stateDir, 'rm', 'running-1']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("running-1 is InProgress: a running job's record cannot be removed");
    expect(refused.stderr).toContain('hint: stop it first: sagekit stop running-1 --wait');
    expect(existsSync(running)).toBe(true);
  });

  it('an unknown name is exit 2; with several names the others are still removed', async () => {
    record('keep-going', 'Stopped', 1);
    const r = await runCli(['--state-dir', stateDir, 'rm', 'nope', 'keep-going']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('nope: no local training job named nope');
    expect(r.stdout).toBe('keep-going\n');
  });
});

describe('sagekit prune', () => {
  it('removes ended jobs older than --older-than, never running ones; --dry-run removes nothing', async () => {
    const old = record('old-1', 'Completed', 10);
    const recent = record('recent-1', 'Completed', 1);
    const running = record('running-2', 'InProgress', undefined, process.pid);
    const dry = await runCli(['--state-dir', stateDir, 'prune', '--older-than', '7d', '--dry-run', '--json']);
    expect(JSON.parse(dry.stdout)).toEqual({ removed: [], wouldRemove: ['old-1'] });
    expect(existsSync(old)).toBe(true);
    const r = await runCli(['--state-dir', stateDir, 'prune', '--older-than', '7d']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^old-1\tCompleted\t/);
    expect(r.stderr).toContain('removed 1 job record');
    expect([existsSync(old), existsSync(recent), existsSync(running)]).toEqual([false, true, true]);
    const all = await runCli(['--state-dir', stateDir, 'prune', '--json']);
    expect(JSON.parse(all.stdout)).toEqual({ removed: ['recent-1'] });
    expect(existsSync(running)).toBe(true);
  });

  it('a bad --older-than is exit 2 naming the flag, the value and the rule', async () => {
    const r = await runCli(['--state-dir', stateDir, 'prune', '--older-than', 'a week']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--older-than "a week": must be a number with a unit s, m, h, d or w (e.g. 7d, 12h)');
    expect(parseAge('12h')).toBe(12 * 3600_000);
    expect(parseAge('2w')).toBe(14 * DAY);
  });
});

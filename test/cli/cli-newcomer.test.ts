/** What a new user meets first (FAULTS 22, 23, 27): init's Dockerfile, subcommand help, logs filters. */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSince } from '../../src/cli/commands/log-filter.js';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'sagekit-newcomer-'));

function recordWithLogs(stateDir: string, name: string, lines: Array<{ host: string; message: string; ago: number }>): void {
  const job = path.join(stateDir, 'jobs', name);
  mkdirSync(job, { recursive: true });
  writeFileSync(
    path.join(job, 'describe.json'),
    JSON.stringify({ TrainingJobName: name, TrainingJobStatus: 'Completed', CreationTime: new Date().toISOString(), ResourceConfig: { InstanceCount: 2 } }),
  );
  const now = Date.now();
  writeFileSync(
    path.join(job, 'logs.jsonl'),
    lines.map((l) => JSON.stringify({ host: l.host, message: l.message, timestamp: now - l.ago, stream: 'stdout' })).join('\n') + '\n',
  );
}

describe("a new user's first steps", () => {
  it("init --base-image makes it the Dockerfile's default too", async () => {
    const target = path.join(dir, 'offline-job');
    const r = await runCli(['init', target, '--base-image', 'localhost/sagekit-busybox:latest']);
    expect(r.code).toBe(0);
    expect(readFileSync(path.join(target, 'Dockerfile'), 'utf8')).toContain('ARG BASE_IMAGE=localhost/sagekit-busybox:latest\n');
  });

  it('subcommand help lists the global options', async () => {
    const r = await runCli(['describe', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Global Options:[\s\S]*--json[\s\S]*--debug[\s\S]*--state-dir/);
  });

  it('logs --host, --tail and --since filter the record; bad values exit 2 naming the flag', async () => {
    const stateDir = path.join(dir, 'state');
    recordWithLogs(stateDir, 'filtered', [
      { host: 'algo-1', message: 'a1 old', ago: 3_600_000 },
      { host: 'algo-2', message: 'a2 old', ago: 3_600_000 },
      { host: 'algo-1', message: 'a1 one', ago: 1000 },
      { host: 'algo-2', message: 'a2 one', ago: 900 },
      { host: 'algo-1', message: 'a1 two', ago: 800 },
      { host: 'algo-2', message: 'a2 two', ago: 700 },
    ]);
    const messages = async (...args: string[]) => {
      const r = await runCli(['--state-dir', stateDir, 'logs', 'filtered', '--json', ...args]);
      expect(r.code, r.stderr).toBe(0);
      return r.stdout
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as { message: string }).message);
    };
    expect(await messages('--host', 'algo-2')).toEqual(['a2 old', 'a2 one', 'a2 two']);
    expect(await messages('--tail', '2')).toEqual(['a1 two', 'a2 two']);
    expect(await messages('--since', '10m')).toEqual(['a1 one', 'a2 one', 'a1 two', 'a2 two']);
    expect(await messages('--host', 'algo-1', '--since', '10m', '--tail', '1')).toEqual(['a1 two']);
    for (const [flag, value, rule] of [
      ['--tail', 'x', 'must be a whole number of lines'],
      ['--since', 'yesterday', 'must be an ISO time'],
      ['--host', 'worker-1', 'must be a host name like algo-1'],
    ]) {
      const bad = await runCli(['--state-dir', stateDir, 'logs', 'filtered', flag!, value!]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain(`${flag} "${value}": ${rule}`);
    }
    expect(parseSince('2026-12-01T10:00:00Z')).toBe(Date.parse('2026-12-01T10:00:00Z'));
    expect(parseSince('2h', 10_000_000)).toBe(10_000_000 - 7_200_000);
  });
});

/**
 * Faults around the job record (issue 13, FAULTS 5-8, 10, 11, 13): a CLI killed or interrupted
 * hard, two starts racing for one name, a reader that closed the CLI's output, a 5 MiB line, a
 * damaged record, a read-only output folder. Real jobs on the real engine; waits are hang detection.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { buildFaultImage, killStartedClis, endsWithin, interruptThrice, faultWorkspace, leftoversOf, startCli } from './helpers.js';

// Hang detection bounds (60-120 s) stay below the test timeout, so a hang fails its own assertion.
vi.setConfig({ testTimeout: 180_000 });
afterAll(killStartedClis);

const HANG_MS = 60_000;
const ws = faultWorkspace('faults-records');
const ticking = 'echo ready; i=0; while [ $i -lt 300 ]; do echo "tick $i"; sleep 1; i=$((i+1)); done';
const unique = (base: string) => `fault-${base}-${Date.now() % 100000}`;

beforeAll(() => buildFaultImage());

describe('a CLI that is gone before its job ended', () => {
  it('kill -9 mid-job (FAULTS 5): the next look records Failed with an end time and removes the containers', async () => {
    const name = unique('kill9');
    const cli = startCli(['train', '--config', ws.job(name, ticking), '--job-name', name], ws.env);
    await cli.waitFor(/tick 1/);
    cli.child.kill('SIGKILL');
    await cli.ended;
    expect((await leftoversOf(name)).length).toBeGreaterThan(0);
    // What a kill during packaging leaves: a half-written archive under a temporary name.
    const outputDir = path.join(ws.dir, 'output', name, 'output');
    mkdirSync(outputDir, { recursive: true });
    const partial = path.join(outputDir, '.model.tar.gz.0123abcd.sagekit-part');
    writeFileSync(partial, Buffer.alloc(1024));
    const stop = await runCli(['stop', name, '--wait'], { env: ws.env, timeoutMs: HANG_MS });
    expect(stop.code, stop.stderr).toBe(0);
    const record = await ws.record(name);
    expect(record.TrainingJobStatus).toBe('Failed');
    expect(record.FailureReason).toMatch(/process running this job ended before the job did/);
    expect(record.TrainingEndTime).toEqual(expect.any(String));
    expect(existsSync(partial)).toBe(false);
    expect(await leftoversOf(name)).toEqual([]);
  });

  it('three Ctrl-C (FAULTS 6): recorded as Stopped, not Failed', async () => {
    const name = unique('int3');
    const cli = startCli(['train', '--config', ws.job(name, ticking, { local: { pull: 'never', stopGracePeriodSeconds: 30 } }), '--job-name', name], ws.env);
    await cli.waitFor(/tick 1/);
    await interruptThrice(cli);
    expect(await endsWithin(cli, HANG_MS)).toEqual({ code: 130, signal: null });
    const described = await runCli(['describe', name, '--json'], { env: ws.env });
    expect(JSON.parse(described.stdout).TrainingJobStatus).toBe('Stopped');
    expect(await leftoversOf(name)).toEqual([]);
  });

  it('File mode, output closed by its reader (FAULTS 8): the job is stopped, nothing left behind', async () => {
    const name = unique('epipe');
    const cli = startCli(['train', '--config', ws.job(name, ticking), '--job-name', name], ws.env);
    await cli.waitFor(/tick 1/);
    cli.child.stdout!.destroy();
    cli.child.stderr!.destroy();
    const end = await endsWithin(cli, HANG_MS);
    expect(end?.signal).toBeNull();
    expect((await ws.record(name)).TrainingJobStatus).toBe('Stopped');
    expect(await leftoversOf(name)).toEqual([]);
  });
});

it('two starts racing for one name (FAULTS 7): exactly one runs, the other is refused (exit 2)', async () => {
  const name = unique('dup');
  const file = ws.job(name, 'echo "run $$"; sleep 2');
  const runs = await Promise.all([1, 2].map(() => runCli(['train', '--config', file, '--job-name', name], { env: ws.env, timeoutMs: HANG_MS })));
  expect(runs.map((r) => r.code).sort()).toEqual([0, 2]);
  expect(runs.find((r) => r.code === 2)!.stderr).toContain(`a local training job named ${name} already exists`);
  expect(await leftoversOf(name)).toEqual([]);
});

it('a 5 MiB line without a break, then one more line (FAULTS 10): both kept whole', async () => {
  const name = unique('longline');
  const script = "head -c 5242880 /dev/zero | tr '\\\\0' x; sleep 1; echo; echo 'after long line'";
  const r = await runCli(['train', '--config', ws.job(name, script), '--job-name', name], { env: ws.env, timeoutMs: HANG_MS });
  expect(r.code, r.stderr.slice(-500)).toBe(0);
  const lines = readFileSync(path.join(ws.stateDir, 'jobs', name, 'logs.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { message: string });
  expect(lines.map((l) => l.message.length)).toContain(5 * 1024 * 1024);
  expect(lines.at(-1)!.message).toBe('after long line');
});

it('200 000 lines in a burst (FAULTS 9): every one kept in the record, in order', async () => {
  const name = unique('flood');
  const r = await runCli(['train', '--config', ws.job(name, "seq 1 200000 | sed 's/^/line /'; echo last"), '--job-name', name], {
    env: ws.env,
    timeoutMs: 120_000,
  });
  expect(r.code, r.stderr.slice(-300)).toBe(0);
  const logs = await runCli(['logs', name], { env: ws.env });
  const lines = logs.stdout.trimEnd().split('\n');
  expect(lines.length).toBe(200_001);
  expect(lines[0]).toBe('line 1');
  expect(lines[123_456]).toBe('line 123457');
  expect(lines.at(-1)).toBe('last');
}, 150_000);

describe('a damaged record (FAULTS 11)', () => {
  it('a truncated describe.json: list warns and shows the others, describe names the file; a torn log line is skipped', async () => {
    const good = unique('good');
    const torn = unique('torn');
    for (const name of [good, torn]) {
      const r = await runCli(['train', '--config', ws.job(name, 'echo first; echo second'), '--job-name', name], { env: ws.env, timeoutMs: HANG_MS });
      expect(r.code, r.stderr).toBe(0);
    }
    const describeFile = path.join(ws.stateDir, 'jobs', torn, 'describe.json');
    writeFileSync(describeFile, readFileSync(describeFile, 'utf8').slice(0, 300));
    const list = await runCli(['list', '--backend', 'local'], { env: ws.env });
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(good);
    expect(list.stderr).toContain(`warning: skipped ${torn}: the record of local job ${torn} is damaged: ${describeFile}`);
    const described = await runCli(['describe', torn, '--backend', 'local'], { env: ws.env });
    expect(described.code).toBe(1);
    expect(described.stderr).toContain(describeFile);

    const logFile = path.join(ws.stateDir, 'jobs', good, 'logs.jsonl');
    const [first, ...rest] = readFileSync(logFile, 'utf8').split('\n');
    writeFileSync(logFile, [first, '{"host":"algo-1","mess', ...rest].join('\n'));
    appendFileSync(logFile, '');
    const logs = await runCli(['logs', good], { env: ws.env });
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toContain('first');
    expect(logs.stdout).toContain('second');
    expect(logs.stdout).toContain('skipped a damaged line');
  });
});

it.skipIf(process.getuid?.() !== 0)('a read-only outputPath (FAULTS 13): refused before the job starts (exit 2), no record', async () => {
  const name = unique('readonly');
  const ro = path.join(ws.dir, 'ro');
  mkdirSync(ro);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', ro]);
  try {
    const r = await runCli(['train', '--config', ws.job(name, 'echo hi', { outputPath: path.join(ro, 'out') }), '--job-name', name], { env: ws.env });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('read-only file system');
    expect(existsSync(path.join(ws.stateDir, 'jobs', name))).toBe(false);
  } finally {
    execFileSync('umount', [ro]);
  }
});

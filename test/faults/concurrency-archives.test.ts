/**
 * Four 2-host jobs at once, and hostile model archives (`modelUri` with a `../` entry, with an
 * absolute symbolic link): real jobs on the real engine; nothing written outside the job's
 * folders, nothing left on the engine.
 */
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as tar from 'tar';
import { beforeAll, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { buildFaultImage, faultWorkspace, leftoversOf } from './helpers.js';

const ws = faultWorkspace('faults-conc');
const unique = (base: string) => `fault-${base}-${Date.now() % 100000}`;

beforeAll(() => buildFaultImage());

it('four 2-host jobs at once: all Completed, each host with its own model, nothing left behind', async () => {
  const names = [1, 2, 3, 4].map((i) => unique(`conc${i}`));
  const script = 'sleep 1; grep -q algo-1 /etc/hosts && grep -q algo-2 /etc/hosts && echo "$(hostname) ok" > /opt/ml/model/$(hostname).txt';
  const runs = await Promise.all(
    names.map((name) => runCli(['train', '--config', ws.job(name, script, { instanceCount: 2 }), '--job-name', name], { env: ws.env, timeoutMs: 240_000 })),
  );
  for (const [i, run] of runs.entries()) {
    expect(run.code, `${names[i]}: ${run.stderr.slice(-400)}`).toBe(0);
    const record = await ws.record(names[i]!);
    expect(record.TrainingJobStatus).toBe('Completed');
    for (const host of ['algo-1', 'algo-2']) {
      expect(existsSync(path.join(ws.stateDir, 'jobs', names[i]!, 'hosts', host, 'model', `${host}.txt`))).toBe(true);
    }
    expect(await leftoversOf(names[i]!)).toEqual([]);
  }
}, 280_000);

it.each([
  ['an entry with ../', 'dotdot'],
  ['an absolute symbolic link', 'abslink'],
])('a modelUri archive with %s: Failed with a ClientError naming the entry, nothing written outside', async (_, kind) => {
  const dir = path.join(ws.dir, `archive-${kind}`);
  const inner = path.join(dir, 'inner');
  mkdirSync(inner, { recursive: true });
  const archive = path.join(dir, 'model.tar.gz');
  if (kind === 'dotdot') {
    writeFileSync(path.join(dir, 'escaped.txt'), 'written outside\n');
    await tar.c({ gzip: true, file: archive, cwd: inner, preservePaths: true }, ['../escaped.txt']);
  } else {
    symlinkSync('/etc/passwd', path.join(inner, 'passwd'));
    await tar.c({ gzip: true, file: archive, cwd: inner }, ['passwd']);
  }
  const name = unique(`archive-${kind}`);
  const r = await runCli(['train', '--config', ws.job(name, 'ls -la /opt/ml/input/data/model', { modelUri: archive }), '--job-name', name, '--json'], {
    env: ws.env,
  });
  expect(r.code, r.stderr.slice(-400)).toBe(1);
  const doc = JSON.parse(r.stdout) as { FailureReason: string };
  expect(doc.FailureReason).toMatch(/^ClientError: .*refusing archive entry/);
  const jobDir = path.join(ws.stateDir, 'jobs', name);
  // The ../ entry would have landed next to the model channel's folders, inside the job's work dir.
  expect(existsSync(path.join(jobDir, 'work', 'inputs', 'model', 'escaped.txt'))).toBe(false);
  expect(existsSync(path.join(jobDir, 'work', 'inputs', 'model', 'shared', 'passwd'))).toBe(false);
  expect(await leftoversOf(name)).toEqual([]);
});

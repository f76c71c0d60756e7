/**
 * FAULTS 1-3: Pipe-mode readers in any order, and a CLI that answers every signal — also while a
 * Pipe channel was never opened and when nobody reads its output any more (EPIPE). Real jobs on
 * the real engine; every wait is hang detection with a bound far above the expected time.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildFaultImage, killStartedClis, endsWithin, interruptThrice, faultWorkspace, leftoversOf, startCli } from './helpers.js';

// Hang detection bounds (60-120 s) stay below the test timeout, so a hang fails its own assertion.
vi.setConfig({ testTimeout: 180_000 });
afterAll(killStartedClis);

const HANG_MS = 60_000;
const ws = faultWorkspace('faults-pipe');
let dataUri = '';

beforeAll(async () => {
  await buildFaultImage();
  const root = await ws.data('pipe-data', { 'a.bin': Buffer.alloc(300_000, 7), 'b.txt': 'hello\n' });
  dataUri = `file://${root}`;
});

const pipeInputs = () => ({ inputs: { train: { s3Data: dataUri, inputMode: 'Pipe' } } });

describe('Pipe-mode epochs opened in any order (FAULTS 1)', () => {
  it.each([
    [
      'later epoch first, then the first (find order)',
      'for f in /opt/ml/input/data/train_1 /opt/ml/input/data/train_0; do echo "$(basename $f) $(wc -c < $f)"; done',
      /train_1 300006[\s\S]*train_0 300006/,
    ],
    ['only a later epoch, part of it', 'echo "got $(head -c 100 /opt/ml/input/data/train_1 | wc -c)"', /got 100/],
    [
      'epoch 2 before 0 and 1',
      'cat /opt/ml/input/data/train_1 > /dev/null; echo "e2 $(wc -c < /opt/ml/input/data/train_2)"; echo "e0 $(wc -c < /opt/ml/input/data/train_0)"',
      /e2 300006[\s\S]*e0 300006/,
    ],
  ])('%s: the job completes with the data', async (_, script, expected) => {
    const name = `fault-pipe-order-${expect.getState().currentTestName!.length}-${Date.now() % 100000}`;
    // maxRun ends a deadlocked job, so a regression fails on the status instead of hanging the suite.
    const cli = startCli(['train', '--config', ws.job(name, script, { ...pipeInputs(), maxRun: 45 }), '--job-name', name], ws.env);
    const end = await endsWithin(cli, HANG_MS);
    expect(end, cli.output()).toEqual({ code: 0, signal: null });
    expect(cli.output()).toMatch(expected);
    expect((await ws.record(name)).TrainingJobStatus).toBe('Completed');
    expect(await leftoversOf(name)).toEqual([]);
  });
});

describe('signals while a Pipe channel is never opened (FAULTS 3)', () => {
  const neverOpens = 'ls /opt/ml/input/data; echo ready; i=0; while [ $i -lt 300 ]; do echo "tick $i"; sleep 1; i=$((i+1)); done';

  it('three SIGINTs, each once the previous was answered: the CLI exits at once (130)', async () => {
    const name = `fault-pipe-int3-${Date.now() % 100000}`;
    const cli = startCli(
      ['train', '--config', ws.job(name, neverOpens, { ...pipeInputs(), local: { pull: 'never', stopGracePeriodSeconds: 5 } }), '--job-name', name],
      ws.env,
    );
    await cli.waitFor(/ready/);
    await interruptThrice(cli);
    // Before the fix the exit hung for good: Node joined a worker blocked opening train_0.
    expect(await endsWithin(cli, HANG_MS), cli.output()).toEqual({ code: 130, signal: null });
    expect(cli.output()).toContain('interrupted again: exiting now');
  });

  it('three SIGINTs while the reader stopped half way (the feeder blocked in write): exits at once (130)', async () => {
    const name = `fault-pipe-half-${Date.now() % 100000}`;
    // Holds train_0 open after 1000 bytes: the worker copying 300 kB blocks in write() on the full pipe.
    const halfWay = 'exec 3< /opt/ml/input/data/train_0; head -c 1000 <&3 > /dev/null; echo ready; sleep 300';
    const cli = startCli(
      ['train', '--config', ws.job(name, halfWay, { ...pipeInputs(), local: { pull: 'never', stopGracePeriodSeconds: 5 } }), '--job-name', name],
      ws.env,
    );
    await cli.waitFor(/ready/);
    await interruptThrice(cli);
    expect(await endsWithin(cli, HANG_MS), cli.output()).toEqual({ code: 130, signal: null });
  });

  it('one SIGTERM: stop, grace, kill; Stopped with artifacts, nothing left behind', async () => {
    const name = `fault-pipe-term-${Date.now() % 100000}`;
    const cli = startCli(['train', '--config', ws.job(name, neverOpens, pipeInputs()), '--job-name', name], ws.env);
    await cli.waitFor(/ready/);
    cli.child.kill('SIGTERM');
    expect(await endsWithin(cli, HANG_MS), cli.output()).toEqual({ code: 1, signal: null });
    const record = await ws.record(name);
    expect(record.TrainingJobStatus).toBe('Stopped');
    expect(record.ModelArtifacts?.S3ModelArtifacts).toMatch(/model\.tar\.gz$/);
    expect(await leftoversOf(name)).toEqual([]);
  });

  it('stdout and stderr closed by the reader (`2>&1 | head`): the job is stopped cleanly, the CLI ends', async () => {
    const name = `fault-pipe-epipe-${Date.now() % 100000}`;
    const cli = startCli(['train', '--config', ws.job(name, neverOpens, pipeInputs()), '--job-name', name], ws.env);
    await cli.waitFor(/tick 1/);
    // As `head -n 6` exiting: the read ends of both pipes close; the CLI's next write gets EPIPE.
    cli.child.stdout!.destroy();
    cli.child.stderr!.destroy();
    const end = await endsWithin(cli, HANG_MS);
    expect(end).toBeDefined();
    expect(end!.signal).toBeNull();
    const record = await ws.record(name);
    expect(record.TrainingJobStatus).toBe('Stopped');
    expect(record.ModelArtifacts?.S3ModelArtifacts).toMatch(/model\.tar\.gz$/);
    expect(await leftoversOf(name)).toEqual([]);
  });
});

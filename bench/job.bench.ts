/**
 * Benchmarks of local jobs against baselines measured in the same run:
 * - one-host job wall time vs a bare `podman run --rm IMAGE true` of the same image (goal ≤ 1.3x);
 * - 4-host vs 1-host job wall time (goal ≤ 1.5x), with the engine's own 4-vs-1 scaling as context,
 *   and the 4-host job vs four parallel bare `podman run`s (goal ≤ 1.3x);
 * - peak RSS of the sagekit process with a 2 GiB file:// channel vs an empty one (goal ≤ 1.2x).
 * Job times are measured inside the process (import and start-up excluded, as `podman run`'s own
 * start-up is not a Node start-up); medians of several runs.
 *
 * Run alone: `node --import tsx bench/job.bench.ts` (needs the engine and the base image:
 * `eval "$(bash scripts/ensure-engine.sh)"; bash scripts/build-base-image.sh`).
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, open, rm, writeFile, mkdir, chmod } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { connectEngine } from '../src/local/engine/connect.js';
import { isMain, median, printResults, type BenchResult } from './result.js';

const execFileAsync = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '..');
const IMAGE = 'localhost/sagekit-bench:latest';
const RUNS = Number(process.env.SAGEKIT_BENCH_RUNS ?? 5);

async function buildImage(dir: string): Promise<void> {
  execFileSync('bash', [path.join(ROOT, 'scripts/build-base-image.sh')], { stdio: 'ignore' });
  const context = path.join(dir, 'image');
  await mkdir(context, { recursive: true });
  await writeFile(path.join(context, 'train'), '#!/bin/sh\necho trained > /opt/ml/model/model.txt\n');
  await chmod(path.join(context, 'train'), 0o755);
  await writeFile(path.join(context, 'Dockerfile'), 'FROM localhost/sagekit-busybox:latest\nCOPY train /usr/local/bin/train\n');
  const engine = execFileSync('sh', ['-c', 'command -v podman || command -v docker']).toString().trim();
  execFileSync(engine, ['build', '-q', '-t', IMAGE, context], { stdio: 'ignore' });
}

async function bareRun(): Promise<number> {
  const engine = (await execFileAsync('sh', ['-c', 'command -v podman || command -v docker'])).stdout.trim();
  const started = performance.now();
  await execFileAsync(engine, ['run', '--rm', IMAGE, 'true']);
  return performance.now() - started;
}

async function bareParallel(count: number): Promise<number> {
  const engine = (await execFileAsync('sh', ['-c', 'command -v podman || command -v docker'])).stdout.trim();
  const started = performance.now();
  await Promise.all(Array.from({ length: count }, () => execFileAsync(engine, ['run', '--rm', IMAGE, 'true'])));
  return performance.now() - started;
}

async function sagekitRun(dir: string, options: Record<string, unknown>): Promise<{ ms: number; maxRssKb: number }> {
  const full = {
    imageUri: IMAGE,
    instanceType: 'local',
    outputPath: path.join(dir, 'out'),
    local: { stateDir: path.join(dir, 'state'), pull: 'never' },
    ...options,
  };
  const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench/job-child.ts'), JSON.stringify(full)], {
    cwd: ROOT,
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout.trim().split('\n').pop()!) as { ms: number; maxRssKb: number };
}

async function medianOf(fn: () => Promise<number>): Promise<number> {
  const values: number[] = [];
  for (let i = 0; i < RUNS; i++) values.push(await fn());
  return median(values);
}

export async function run(): Promise<BenchResult[]> {
  await connectEngine();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sagekit-bench-job-'));
  try {
    await buildImage(dir);
    await bareRun(); // warm the image and the runtime
    await sagekitRun(dir, {});
    const bare = await medianOf(bareRun);
    const one = await medianOf(async () => (await sagekitRun(dir, {})).ms);
    const four = await medianOf(async () => (await sagekitRun(dir, { instanceCount: 4 })).ms);
    const bareFour = await medianOf(() => bareParallel(4));

    const empty = path.join(dir, 'empty');
    await mkdir(empty);
    await writeFile(path.join(empty, 'nothing.txt'), '');
    const big = path.join(dir, 'big');
    await mkdir(big);
    const handle = await open(path.join(big, 'data.bin'), 'w');
    await handle.truncate(2 * 1024 ** 3); // 2 GiB (sparse): bound into the container, never read by sagekit
    await handle.close();
    const rssEmpty = median(await Promise.all([0, 1, 2].map(async () => (await sagekitRun(dir, { inputs: { train: empty } })).maxRssKb)));
    const rssBig = median(await Promise.all([0, 1, 2].map(async () => (await sagekitRun(dir, { inputs: { train: big } })).maxRssKb)));

    return [
      {
        name: 'one-host job wall time',
        baseline: 'podman run --rm IMAGE true',
        ratio: one / bare,
        goal: '<= 1.3x',
        pass: one / bare <= 1.3,
        details: `sagekit ${one.toFixed(0)} ms, bare ${bare.toFixed(0)} ms (median of ${RUNS})`,
      },
      {
        name: '4-host vs 1-host job',
        baseline: '1-host sagekit job',
        ratio: four / one,
        goal: '<= 1.5x',
        pass: four / one <= 1.5,
        details: `4 hosts ${four.toFixed(0)} ms, 1 host ${one.toFixed(0)} ms; the engine alone: ${(bareFour / bare).toFixed(2)}x for 4 parallel runs vs 1`,
      },
      {
        name: '4-host job wall time',
        baseline: '4 parallel podman run --rm IMAGE true',
        ratio: four / bareFour,
        goal: '<= 1.3x',
        pass: four / bareFour <= 1.3,
        details: `sagekit ${four.toFixed(0)} ms, bare ${bareFour.toFixed(0)} ms`,
      },
      {
        name: 'peak RSS, 2 GiB file:// channel',
        baseline: 'same job, empty channel',
        ratio: rssBig / rssEmpty,
        goal: '<= 1.2x',
        pass: rssBig / rssEmpty <= 1.2,
        details: `${(rssBig / 1024).toFixed(0)} MB vs ${(rssEmpty / 1024).toFixed(0)} MB`,
      },
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) {
  printResults(await run());
}

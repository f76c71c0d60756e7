/**
 * Benchmark: packaging `model.tar.gz` with sagekit vs `tar -czf` of the same directory.
 *
 * Data (default ~200 MB, `SAGEKIT_BENCH_PACKAGE_MB` to change): half random bytes (incompressible,
 * like weights), half digit text (compressible, like CSV), plus 300 small JSON files. Both sides
 * run twice, interleaved, on a warm page cache; the faster run of each counts. Goal: sagekit's throughput is at
 * least 0.8x of tar's (both gzip level 6, tar's default).
 *
 * Run alone: `node --import tsx bench/packaging.bench.ts`.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { JobEvents } from '../src/events.js';
import { packageArtifacts } from '../src/local/data/artifacts.js';
import { isMain, printResults, type BenchResult } from './result.js';

const execFileAsync = promisify(execFile);

const GOAL = 0.8;
const RUNS = 2;

async function makeData(dir: string, totalMb: number): Promise<number> {
  const fileMb = 10;
  const files = Math.max(1, Math.round(totalMb / fileMb / 2));
  const alphabet = Buffer.from('0123456789,.\n0123456789,,,');
  let bytes = 0;
  await mkdir(path.join(dir, 'weights'), { recursive: true });
  await mkdir(path.join(dir, 'data'), { recursive: true });
  await mkdir(path.join(dir, 'small', 'nested'), { recursive: true });
  for (let i = 0; i < files; i += 1) {
    const random = randomBytes(fileMb << 20);
    await writeFile(path.join(dir, 'weights', `shard-${i}.bin`), random);
    const text = randomBytes(fileMb << 20);
    for (let j = 0; j < text.length; j += 1) text[j] = alphabet[text[j]! % alphabet.length]!;
    await writeFile(path.join(dir, 'data', `part-${i}.csv`), text);
    bytes += 2 * (fileMb << 20);
  }
  for (let i = 0; i < 300; i += 1) {
    const json = JSON.stringify({ i, payload: randomBytes(1500).toString('base64') });
    await writeFile(path.join(dir, 'small', i % 2 ? 'nested' : '', `f${i}.json`), json);
    bytes += json.length;
  }
  return bytes;
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** Runs the packaging benchmark. */
export async function run(): Promise<BenchResult[]> {
  const totalMb = Number(process.env.SAGEKIT_BENCH_PACKAGE_MB ?? 200);
  const root = await mkdtemp(path.join(os.tmpdir(), 'sagekit-bench-package-'));
  try {
    const source = path.join(root, 'model');
    const bytes = await makeData(source, totalMb);
    const tarOut = path.join(root, 'tar.tar.gz');
    const kitOut = path.join(root, 'kit.tar.gz');
    const events = new JobEvents();
    const noS3 = () => {
      throw new Error('no S3 in this benchmark');
    };
    // Interleaved runs, fastest of each: the machine's background noise hits both sides alike.
    let tarSeconds = Number.POSITIVE_INFINITY;
    let kitSeconds = Number.POSITIVE_INFINITY;
    for (let i = 0; i < RUNS; i += 1) {
      tarSeconds = Math.min(tarSeconds, await time(() => execFileAsync('tar', ['-czf', tarOut, '-C', source, '.'])));
      kitSeconds = Math.min(kitSeconds, await time(() => packageArtifacts({ sources: [source], destination: pathToFileURL(kitOut).href, s3: noS3, events })));
    }
    const mb = bytes / 1e6;
    const ratio = tarSeconds / kitSeconds;
    const [tarSize, kitSize] = [(await stat(tarOut)).size, (await stat(kitOut)).size];
    return [
      {
        name: 'model.tar.gz packaging throughput',
        baseline: 'tar -czf of the same dir',
        ratio,
        goal: `>= ${GOAL}x`,
        pass: ratio >= GOAL,
        details:
          `${mb.toFixed(0)} MB: sagekit ${kitSeconds.toFixed(2)} s (${(mb / kitSeconds).toFixed(1)} MB/s, ${(kitSize / 1e6).toFixed(1)} MB out), ` +
          `tar ${tarSeconds.toFixed(2)} s (${(mb / tarSeconds).toFixed(1)} MB/s, ${(tarSize / 1e6).toFixed(1)} MB out)`,
      },
    ];
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) {
  printResults(await run());
}

/**
 * Benchmark: Pipe-mode throughput of sagekit's FIFO feeder vs `cat file > fifo`, with the same
 * reader on the other end (`cat fifo > /dev/null`, standing in for the container).
 *
 * Data: one file of 1 GiB by default (`SAGEKIT_BENCH_PIPE_MB` to change), read once beforehand so
 * both sides read from the page cache. The sides run three times, interleaved; the fastest run of
 * each counts. Goal: sagekit
 * reaches at least 0.8x of `cat`'s throughput.
 *
 * Run alone: `node --import tsx bench/pipe.bench.ts`.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, open, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { JobEvents } from '../src/events.js';
import { makeFifo } from '../src/local/data/fifo.js';
import { stageInputs } from '../src/local/data/stage-inputs.js';
import { isMain, printResults, type BenchResult } from './result.js';

const GOAL = 0.8;
const RUNS = 3;

/** Runs a shell command and resolves when it exits successfully. */
function sh(script: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', script, 'sh', ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${script} exited with ${code}`))));
  });
}

const READER = 'cat "$1" > /dev/null';

async function makeFile(file: string, mb: number): Promise<void> {
  const block = randomBytes(16 << 20);
  const handle = await open(file, 'w');
  try {
    for (let written = 0; written < mb << 20; written += block.length) {
      await handle.write(block, 0, Math.min(block.length, (mb << 20) - written));
    }
  } finally {
    await handle.close();
  }
  // Warm the page cache so neither side pays for the disk.
  for await (const _ of createReadStream(file, { highWaterMark: 1 << 20 })) void _;
}

async function seconds(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** Runs the Pipe-mode benchmark. */
export async function run(): Promise<BenchResult[]> {
  const mb = Number(process.env.SAGEKIT_BENCH_PIPE_MB ?? 1024);
  const root = await mkdtemp(path.join(os.tmpdir(), 'sagekit-bench-pipe-'));
  try {
    const file = path.join(root, 'data.bin');
    await makeFile(file, mb);

    const fifo = path.join(root, 'baseline_0');
    const catRun = async () => {
      await makeFifo(fifo);
      return seconds(() => Promise.all([sh(READER, [fifo]), sh('cat "$1" > "$2"', [file, fifo])]));
    };

    const hostDir = path.join(root, 'algo-1');
    await mkdir(hostDir, { recursive: true });
    const kitRun = async () => {
      const staged = await stageInputs({
        channels: [
          {
            ChannelName: 'train',
            InputMode: 'Pipe',
            DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: pathToFileURL(file).href } },
          },
        ],
        jobInputMode: 'File',
        hostDirs: [hostDir],
        workDir: path.join(root, 'work'),
        s3: () => {
          throw new Error('no S3 in this benchmark');
        },
        events: new JobEvents(),
      });
      try {
        const pipe = path.join(hostDir, 'input', 'data', 'train_0');
        return await seconds(() => Promise.all([sh(READER, [pipe]), staged.feedPipes(0, new AbortController().signal)]));
      } finally {
        await staged.cleanup();
      }
    };
    // Interleaved runs, fastest of each: the machine's background noise hits both sides alike.
    let catSeconds = Number.POSITIVE_INFINITY;
    let kitSeconds = Number.POSITIVE_INFINITY;
    for (let i = 0; i < RUNS; i += 1) {
      catSeconds = Math.min(catSeconds, await catRun());
      kitSeconds = Math.min(kitSeconds, await kitRun());
    }

    const ratio = catSeconds / kitSeconds;
    return [
      {
        name: 'Pipe-mode throughput',
        baseline: 'cat file > fifo (same reader)',
        ratio,
        goal: `>= ${GOAL}x`,
        pass: ratio >= GOAL,
        details: `${mb} MiB: sagekit ${kitSeconds.toFixed(2)} s (${(mb / kitSeconds).toFixed(0)} MiB/s), cat ${catSeconds.toFixed(2)} s (${(mb / catSeconds).toFixed(0)} MiB/s)`,
      },
    ];
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) {
  printResults(await run());
}

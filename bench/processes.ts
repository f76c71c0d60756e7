/** Spawning a command fresh, timing it whole, and alternating it with a baseline (bench helpers). */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { median } from './result.js';

// SAGEKIT_BENCH_BIN: another build's bin/sagekit.js, to compare builds on the same machine.
const BIN = process.env.SAGEKIT_BENCH_BIN ?? path.resolve(import.meta.dirname, '../bin/sagekit.js');

/**
 * Runs the CLI as an installed `sagekit` runs: the bin file executed through its `#!` line, with
 * this benchmark's Node first on PATH. `preload`: a module loaded
 * first (NODE_OPTIONS=--import), e.g. the memory probe.
 */
export function runSagekit(args: readonly string[], env: NodeJS.ProcessEnv = process.env, preload?: string): Promise<ProcessRun> {
  const nodeOptions = preload ? `${env.NODE_OPTIONS ?? ''} --import=${preload}`.trim() : env.NODE_OPTIONS;
  const PATH = `${path.dirname(process.execPath)}${path.delimiter}${env.PATH ?? ''}`;
  return runProcess(BIN, args, { ...env, PATH, ...(nodeOptions && { NODE_OPTIONS: nodeOptions }) });
}

/** One finished process: wall time, exit code and the last lines it wrote on stderr. */
export interface ProcessRun {
  ms: number;
  code: number;
  tail: string[];
}

const TAIL_LINES = 5;

/** Runs `command` to its end; stdout is discarded, the last stderr lines are kept. */
export function runProcess(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let tail: string[] = [];
    let partial = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      tail = [...tail, ...lines.filter(Boolean)].slice(-TAIL_LINES);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const ms = performance.now() - started;
      if (partial) tail = [...tail, partial].slice(-TAIL_LINES);
      resolve({ ms, code: code ?? (signal ? 128 : 1), tail });
    });
  });
}

/** What {@link alternate} measured: medians of both sides, and the first failure of each. */
export interface Alternated {
  subject: number;
  baseline: number;
  runs: number;
  subjectFailure?: ProcessRun;
  baselineFailure?: ProcessRun;
}

/**
 * Runs baseline and subject one after the other, `runs` times, so both see the same machine;
 * medians of each. A failed run (non-zero exit) is remembered and ends the measurement.
 */
export async function alternate(runs: number, baseline: () => Promise<ProcessRun>, subject: () => Promise<ProcessRun>): Promise<Alternated> {
  const base: number[] = [];
  const sub: number[] = [];
  for (let i = 0; i < runs; i++) {
    const b = await baseline();
    if (b.code !== 0) return { subject: NaN, baseline: NaN, runs: i, baselineFailure: b };
    const s = await subject();
    if (s.code !== 0) return { subject: NaN, baseline: NaN, runs: i, subjectFailure: s };
    base.push(b.ms);
    sub.push(s.ms);
  }
  return { subject: median(sub), baseline: median(base), runs };
}

/** One line saying why a run failed, for a result row. */
export function failureText(run: ProcessRun): string {
  return `FAILED (exit ${run.code}): ${run.tail.at(-1) ?? 'no output'}`;
}

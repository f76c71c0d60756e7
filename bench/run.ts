/**
 * `npm run bench`: runs every `bench/*.bench.ts` (each exports `run()`) and prints one table of
 * ratios against baselines measured in the same run. `SAGEKIT_BENCH=job,pipe` selects some.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { printResults, type BenchResult } from './result.js';

const dir = import.meta.dirname;
const only = process.env.SAGEKIT_BENCH?.split(',').filter(Boolean);
const files = (await readdir(dir)).filter((f) => f.endsWith('.bench.ts') && (!only || only.includes(f.replace('.bench.ts', '')))).sort();
const results: BenchResult[] = [];
for (const file of files) {
  console.error(`running ${file}…`);
  const module = (await import(pathToFileURL(path.join(dir, file)).href)) as { run: () => Promise<BenchResult[]> };
  results.push(...(await module.run()));
}
printResults(results);
process.exitCode = results.every((r) => r.pass) ? 0 : 1;

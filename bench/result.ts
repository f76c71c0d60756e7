/** What every benchmark reports, and how `bench/run.ts` (or a benchmark run alone) prints it. */
import { pathToFileURL } from 'node:url';

/** One benchmark's outcome: a ratio against a baseline measured in the same run. */
export interface BenchResult {
  name: string;
  baseline: string;
  ratio: number;
  goal: string;
  pass: boolean;
  details?: string;
}

/** Prints results as a table. */
export function printResults(results: readonly BenchResult[]): void {
  console.table(
    results.map((r) => ({
      benchmark: r.name,
      baseline: r.baseline,
      ratio: Number.isFinite(r.ratio) ? `${r.ratio.toFixed(2)}x` : 'n/a',
      goal: r.goal,
      pass: r.pass ? 'yes' : 'NO',
      details: r.details ?? '',
    })),
  );
}

/** True when the module at `url` is the script node was started with. */
export function isMain(url: string): boolean {
  return Boolean(process.argv[1]) && url === pathToFileURL(process.argv[1]!).href;
}

/** Median of a list of numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

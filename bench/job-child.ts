/**
 * Runs one local job in its own process and prints {ms, maxRssKb} as JSON, so a benchmark can
 * measure the sagekit process alone. Usage: node --import tsx bench/job-child.ts '<options json>'
 */
import { Estimator } from '../src/estimator/estimator.js';
import type { EstimatorOptions } from '../src/estimator/options.js';

const options = JSON.parse(process.argv[2] ?? '{}') as EstimatorOptions;
// Time the job, not module loading (paid once per process, like podman's own start-up).
await import('../src/local/index.js');
const started = performance.now();
const job = await new Estimator(options).fit(undefined, { throwOnFailure: true });
const ms = performance.now() - started;
process.stdout.write(`${JSON.stringify({ name: job.name, ms, maxRssKb: process.resourceUsage().maxRSS })}\n`);

/**
 * Helpers of the example tests: the framework base images (built through
 * scripts/build-base-image.sh, cached per machine), the examples' job files run through the
 * Estimator, and the archives they leave.
 */
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import * as tar from 'tar';
import { loadJobFile } from '../../src/config/job-file.js';
import { Estimator } from '../../src/estimator/estimator.js';
import type { EstimatorOptions } from '../../src/estimator/options.js';
import { JobEvents, type LogLine } from '../../src/events.js';
import type { TrainingJob } from '../../src/job.js';
import { connectEngine } from '../../src/local/engine/connect.js';
import { fileUriToPath } from '../../src/s3/uri.js';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export { ensureFrameworkBase } from '../setup/framework-images.js';
/**
 * The global setup builds the bases first; run on its own, a test file's beforeAll builds its
 * base (once per machine, ≈2-3 min cold for torch), so the hook may wait that long.
 */
export const BASE_IMAGE_TIMEOUT_MS = 15 * 60_000;
/** Hang detection for one example test (a few jobs of seconds each; generous for a loaded machine). */
export const JOB_TIMEOUT_MS = 240_000;

/** A temp dir for one test file's outputs, checkpoints and job records. */
export async function scratchDir(prefix: string): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Options of an example's job.yaml with `patch` merged over them (hyperparameters merged too). */
export async function exampleOptions(example: string, patch: Partial<EstimatorOptions> & Record<string, unknown>): Promise<EstimatorOptions> {
  const { options } = await loadJobFile(path.join(ROOT, 'examples', example, 'job.yaml'));
  const base = options as unknown as EstimatorOptions;
  return {
    ...base,
    ...patch,
    hyperparameters: { ...base.hyperparameters, ...(patch.hyperparameters as object) },
    local: { ...base.local, ...(patch.local as object) },
  } as EstimatorOptions;
}

/** A started (not awaited) job with every log line recorded. */
export async function startJob(options: EstimatorOptions, jobName: string): Promise<{ job: TrainingJob; logs: LogLine[] }> {
  const events = new JobEvents();
  const logs: LogLine[] = [];
  events.on('log', (line) => logs.push(line));
  const job = await new Estimator(options).fit(undefined, { jobName, wait: false, events });
  return { job, logs };
}

/** Unpacks a `file://…tar.gz` artifact into `into` (created); returns it. */
export async function unpack(uri: string | undefined, into: string): Promise<string> {
  if (!uri) throw new Error('the job produced no artifact');
  await mkdir(into, { recursive: true });
  await tar.x({ file: fileUriToPath(uri), cwd: into });
  return into;
}

export const readJson = async (file: string): Promise<any> => JSON.parse(await readFile(file, 'utf8'));

/** The last value a metric took in a describe document. */
export function finalMetric(doc: { FinalMetricDataList?: Array<{ MetricName?: string; Value?: number }> }, name: string): number | undefined {
  return doc.FinalMetricDataList?.find((m) => m.MetricName === name)?.Value;
}

/** Runs `cmd` in `image` with `binds` (read-only) and returns its stdout; throws on a non-zero exit. */
export async function runInImage(image: string, cmd: string[], binds: string[]): Promise<string> {
  const { docker } = await connectEngine();
  const container = await docker.createContainer({
    Image: image,
    Cmd: cmd,
    Labels: { 'sagekit.test': 'examples' },
    HostConfig: { Binds: binds.map((b) => `${b}:ro`), NetworkMode: 'none' },
  });
  try {
    const stream = await container.attach({ stream: true, stdout: true, stderr: true });
    const out = new PassThrough();
    const err = new PassThrough();
    let stdout = '';
    let stderr = '';
    out.on('data', (d: Buffer) => (stdout += d.toString()));
    err.on('data', (d: Buffer) => (stderr += d.toString()));
    container.modem.demuxStream(stream, out, err);
    const ended = new Promise((resolve) => stream.on('end', resolve));
    await container.start();
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    await ended;
    if (StatusCode !== 0) throw new Error(`${cmd.join(' ')} exited with ${StatusCode}: ${stderr}`);
    return stdout;
  } finally {
    await container.remove({ force: true }).catch(() => undefined);
  }
}

/**
 * Local jobs as users run them: the whole `node bin/sagekit.js train --config job.json` process,
 * spawned fresh each run and alternated with the engine's own bare run of the same image
 * (`podman run --rm IMAGE train`, `docker run --rm IMAGE train`), medians. Once per engine that
 * answers (bench/engines.ts):
 * - one-host job vs one bare run (goal ≤ 1.3x);
 * - 4-host job vs four bare runs in parallel (goal ≤ 1.3x), and vs the 1-host job (≤ 1.5x);
 * - peak RSS of the CLI with a 2 GiB channel and with 200 000 log lines vs an empty job (≤ 1.2x).
 * A job that fails is reported as a failed row, not a crash.
 *
 * Run alone: `node --import tsx bench/cli-job.bench.ts` (needs `npm run build` and an engine).
 */
import { mkdir, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { availableEngines, bareRunArgs, BENCH_IMAGE, ensureBenchImage, type BenchEngine } from './engines.js';
import { alternate, failureText, runProcess, runSagekit, type ProcessRun } from './processes.js';
import { isMain, median, printResults, type BenchResult } from './result.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const RUNS = Number(process.env.SAGEKIT_BENCH_RUNS ?? 7);
const RSS_RUNS = 3;

/** Writes a job file and returns a function that runs it through the CLI. */
async function cliJob(dir: string, engine: BenchEngine, name: string, options: Record<string, unknown>, probe?: string) {
  const file = path.join(dir, `${name}.json`);
  const job = {
    imageUri: BENCH_IMAGE,
    instanceType: 'local',
    outputPath: path.join(dir, 'out'),
    local: { stateDir: path.join(dir, 'state'), pull: 'never' },
    ...options,
  };
  await writeFile(file, JSON.stringify(job));
  const env = { ...process.env, DOCKER_HOST: engine.host, ...(probe && { SAGEKIT_BENCH_PROBE_FILE: probe }) };
  return () => runSagekit(['train', '--config', file], env, probe && path.join(ROOT, 'bench/rss-probe.mjs'));
}

function bare(engine: BenchEngine, parallel = 1): () => Promise<ProcessRun> {
  return async () => {
    const started = performance.now();
    const runs = await Promise.all(Array.from({ length: parallel }, () => runProcess(engine.cli, bareRunArgs(), engine.cliEnv)));
    return { ...(runs.find((r) => r.code !== 0) ?? runs[0]!), ms: performance.now() - started };
  };
}

function row(name: string, baseline: string, subject: number, base: number, goal: number, details: string): BenchResult {
  const ratio = subject / base;
  return { name, baseline, ratio, goal: `<= ${goal}x`, pass: ratio <= goal, details };
}

function failedRow(name: string, baseline: string, goal: number, run: ProcessRun): BenchResult {
  return { name, baseline, ratio: NaN, goal: `<= ${goal}x`, pass: false, details: failureText(run) };
}

async function timeRows(engine: BenchEngine, dir: string): Promise<BenchResult[]> {
  const tag = `[${engine.name}]`;
  const one = await cliJob(dir, engine, 'one', {});
  const four = await cliJob(dir, engine, 'four', { instanceCount: 4 });
  const bareOne = `${engine.cli} run --rm IMAGE train`;
  const bareFour = `4 parallel ${engine.cli} run --rm IMAGE train`;
  await bare(engine)();
  const warm = await one(); // warms the image, the page cache and the engine
  if (warm.code !== 0) {
    return [failedRow(`${tag} one-host job, whole CLI`, bareOne, 1.3, warm), failedRow(`${tag} 4-host job, whole CLI`, bareFour, 1.3, warm)];
  }
  const single = await alternate(RUNS, bare(engine), one);
  const parallel = await alternate(RUNS, bare(engine, 4), four);
  const rows: BenchResult[] = [];
  const failure = single.baselineFailure ?? single.subjectFailure;
  rows.push(
    failure
      ? failedRow(`${tag} one-host job, whole CLI`, bareOne, 1.3, failure)
      : row(
          `${tag} one-host job, whole CLI`,
          bareOne,
          single.subject,
          single.baseline,
          1.3,
          `sagekit ${single.subject.toFixed(0)} ms, bare ${single.baseline.toFixed(0)} ms (medians of ${RUNS}, alternated)`,
        ),
  );
  const failure4 = parallel.baselineFailure ?? parallel.subjectFailure;
  if (failure4) {
    rows.push(failedRow(`${tag} 4-host job, whole CLI`, bareFour, 1.3, failure4));
  } else {
    rows.push(
      row(
        `${tag} 4-host job, whole CLI`,
        bareFour,
        parallel.subject,
        parallel.baseline,
        1.3,
        `sagekit ${parallel.subject.toFixed(0)} ms, bare ${parallel.baseline.toFixed(0)} ms`,
      ),
    );
    if (!failure) {
      const engineScaling = (parallel.baseline / single.baseline).toFixed(2);
      rows.push(
        row(
          `${tag} 4-host vs 1-host job`,
          '1-host sagekit job',
          parallel.subject,
          single.subject,
          1.5,
          `4 hosts ${parallel.subject.toFixed(0)} ms, 1 host ${single.subject.toFixed(0)} ms; the engine alone: ${engineScaling}x for 4 parallel runs vs 1`,
        ),
      );
    }
  }
  return rows;
}

/**
 * What bounds the one-host row where the engine has no default bridge (Docker started with
 * --bridge=none, as on this machine): sagekit then creates a network of its own, while a bare
 * run gets no network at all. This row compares the job with a bare run on a user-defined
 * network — the same engine work — so what sagekit itself adds shows apart from the network.
 */
async function ownNetworkRow(engine: BenchEngine, dir: string): Promise<BenchResult[]> {
  const defaultBridge = engine.name === 'podman' ? 'podman' : 'bridge';
  const inspect = await runProcess(engine.cli, ['network', 'inspect', defaultBridge], engine.cliEnv);
  if (inspect.code === 0) return []; // one-host jobs join the default bridge: the main row already compares like with like
  const network = `sagekit-bench-${process.pid}`;
  const created = await runProcess(engine.cli, ['network', 'create', network], engine.cliEnv);
  const name = `[${engine.name}] one-host job vs bare run on a network of its own`;
  const baseline = `${engine.cli} run --rm --network NET IMAGE train`;
  if (created.code !== 0) return [failedRow(name, baseline, 1.3, created)];
  try {
    const one = await cliJob(dir, engine, 'one-net', {});
    const onNetwork = () => runProcess(engine.cli, ['run', '--rm', '--network', network, BENCH_IMAGE, 'train'], engine.cliEnv);
    const measured = await alternate(RUNS, onNetwork, one);
    const failure = measured.baselineFailure ?? measured.subjectFailure;
    if (failure) return [failedRow(name, baseline, 1.3, failure)];
    const details = `sagekit ${measured.subject.toFixed(0)} ms, bare on a network ${measured.baseline.toFixed(0)} ms (no ${defaultBridge} network on this engine)`;
    return [row(name, baseline, measured.subject, measured.baseline, 1.3, details)];
  } finally {
    await runProcess(engine.cli, ['network', 'rm', network], engine.cliEnv);
  }
}

async function rssRows(engine: BenchEngine, dir: string): Promise<BenchResult[]> {
  const tag = `[${engine.name}]`;
  const empty = path.join(dir, 'empty');
  await mkdir(empty);
  await writeFile(path.join(empty, 'nothing.txt'), '');
  const big = path.join(dir, 'big');
  await mkdir(big);
  const handle = await open(path.join(big, 'data.bin'), 'w');
  await handle.truncate(2 * 1024 ** 3); // 2 GiB, sparse: bound into the container, never read by sagekit
  await handle.close();
  const probe = path.join(dir, 'probe.json');
  const kinds = {
    empty: await cliJob(dir, engine, 'rss-empty', { inputs: { train: empty } }, probe),
    big: await cliJob(dir, engine, 'rss-big', { inputs: { train: big } }, probe),
    logs: await cliJob(dir, engine, 'rss-logs', { inputs: { train: empty }, environment: { BENCH_LOG_LINES: '200000' } }, probe),
  };
  const peaks: Record<keyof typeof kinds, number[]> = { empty: [], big: [], logs: [] };
  for (let i = 0; i < RSS_RUNS; i++) {
    for (const [kind, run] of Object.entries(kinds) as Array<[keyof typeof kinds, () => Promise<ProcessRun>]>) {
      const result = await run();
      if (result.code !== 0) {
        return [
          failedRow(`${tag} peak RSS, 2 GiB channel`, 'empty job', 1.2, result),
          failedRow(`${tag} peak RSS, 200 000 log lines`, 'empty job', 1.2, result),
        ];
      }
      peaks[kind].push((JSON.parse(await readFile(probe, 'utf8')) as { maxRssKb: number }).maxRssKb);
    }
  }
  const [emptyKb, bigKb, logsKb] = [median(peaks.empty), median(peaks.big), median(peaks.logs)];
  const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;
  return [
    row(
      `${tag} peak RSS, 2 GiB channel`,
      'same job, empty channel',
      bigKb,
      emptyKb,
      1.2,
      `${mb(bigKb)} vs ${mb(emptyKb)} (whole CLI process, medians of ${RSS_RUNS})`,
    ),
    row(`${tag} peak RSS, 200 000 log lines`, 'same job, no log lines', logsKb, emptyKb, 1.2, `${mb(logsKb)} vs ${mb(emptyKb)}`),
  ];
}

/** Every engine row, for each engine that answers. */
export async function run(): Promise<BenchResult[]> {
  const { found, missing } = await availableEngines();
  const results: BenchResult[] = missing.map((m) => ({
    name: `job rows on ${m}`,
    baseline: '-',
    ratio: NaN,
    goal: '-',
    pass: true,
    details: 'skipped: engine not answering here',
  }));
  for (const engine of found) {
    const dir = await mkdtemp(path.join(os.tmpdir(), `sagekit-bench-cli-${engine.name}-`));
    try {
      console.error(`  ${engine.name}: building ${BENCH_IMAGE}…`);
      await ensureBenchImage(engine);
      console.error(`  ${engine.name}: job timings…`);
      results.push(...(await timeRows(engine, dir)));
      results.push(...(await ownNetworkRow(engine, dir)));
      console.error(`  ${engine.name}: peak memory…`);
      results.push(...(await rssRows(engine, dir)));
    } catch (error) {
      results.push({
        name: `[${engine.name}] job rows`,
        baseline: '-',
        ratio: NaN,
        goal: '-',
        pass: false,
        details: `FAILED: ${(error as Error).message.split('\n')[0]}`,
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  return results;
}

if (isMain(import.meta.url)) {
  printResults(await run());
}

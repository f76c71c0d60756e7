/**
 * Extra rows: local jobs timed *inside* a Node process (module loading and Node's start-up
 * excluded), against the engine's own bare run of the same image — what the job itself costs
 * on top of the engine. The user-facing numbers are the whole-process rows of cli-job.bench.ts.
 * - one-host job vs one bare `run --rm IMAGE train`;
 * - 4-host job vs four bare runs in parallel.
 * First engine that answers (bench/engines.ts); medians of SAGEKIT_BENCH_RUNS (5).
 *
 * Run alone: `node --import tsx bench/job.bench.ts`.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { availableEngines, bareRunArgs, BENCH_IMAGE, ensureBenchImage, type BenchEngine } from './engines.js';
import { isMain, median, printResults, type BenchResult } from './result.js';

const execFileAsync = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '..');
const RUNS = Number(process.env.SAGEKIT_BENCH_RUNS ?? 5);

async function bare(engine: BenchEngine, count: number): Promise<number> {
  const started = performance.now();
  await Promise.all(Array.from({ length: count }, () => execFileAsync(engine.cli, bareRunArgs(), { env: engine.cliEnv })));
  return performance.now() - started;
}

async function inProcess(engine: BenchEngine, dir: string, options: Record<string, unknown>): Promise<number> {
  const full = {
    imageUri: BENCH_IMAGE,
    instanceType: 'local',
    outputPath: path.join(dir, 'out'),
    local: { stateDir: path.join(dir, 'state'), pull: 'never' },
    ...options,
  };
  const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench/job-child.ts'), JSON.stringify(full)], {
    cwd: ROOT,
    env: { ...process.env, DOCKER_HOST: engine.host, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    maxBuffer: 1 << 20,
  });
  return (JSON.parse(stdout.trim().split('\n').pop()!) as { ms: number }).ms;
}

export async function run(): Promise<BenchResult[]> {
  const engine = (await availableEngines()).found[0];
  if (!engine) return [{ name: 'in-process job rows', baseline: '-', ratio: NaN, goal: '-', pass: true, details: 'skipped: no engine answers' }];
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sagekit-bench-job-'));
  const tag = `[${engine.name}, in-process]`;
  try {
    await ensureBenchImage(engine);
    await bare(engine, 1);
    await inProcess(engine, dir, {});
    const [ones, bares, fours, bareFours]: [number[], number[], number[], number[]] = [[], [], [], []];
    for (let i = 0; i < RUNS; i++) {
      bares.push(await bare(engine, 1));
      ones.push(await inProcess(engine, dir, {}));
      bareFours.push(await bare(engine, 4));
      fours.push(await inProcess(engine, dir, { instanceCount: 4 }));
    }
    const [one, bareOne, four, bareFour] = [median(ones), median(bares), median(fours), median(bareFours)];
    return [
      {
        name: `${tag} one-host job`,
        baseline: `${engine.cli} run --rm IMAGE train`,
        ratio: one / bareOne,
        goal: '<= 1.3x',
        pass: one / bareOne <= 1.3,
        details: `job ${one.toFixed(0)} ms (Node start-up and module loading excluded), bare ${bareOne.toFixed(0)} ms`,
      },
      {
        name: `${tag} 4-host job`,
        baseline: `4 parallel ${engine.cli} run`,
        ratio: four / bareFour,
        goal: '<= 1.3x',
        pass: four / bareFour <= 1.3,
        details: `job ${four.toFixed(0)} ms, bare ${bareFour.toFixed(0)} ms`,
      },
    ];
  } catch (error) {
    return [{ name: `${tag} job rows`, baseline: '-', ratio: NaN, goal: '-', pass: false, details: `FAILED: ${(error as Error).message.split('\n')[0]}` }];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) {
  printResults(await run());
}

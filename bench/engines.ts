/**
 * The container engines the job benchmarks run against — each one found answering on this
 * machine — with the engine's own CLI for the bare baseline, and the benchmark image on each.
 */
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** The image every job row runs; its `train` writes one model file (after BENCH_LOG_LINES log lines when set). */
export const BENCH_IMAGE = 'localhost/sagekit-bench:latest';
const BASE_IMAGE = 'localhost/sagekit-busybox:latest';

const TRAIN = `#!/bin/sh
# sagekit benchmark training: optionally many log lines, then one model file.
if [ -n "$BENCH_LOG_LINES" ]; then seq 1 "$BENCH_LOG_LINES" | sed 's/^/log line /'; fi
mkdir -p /opt/ml/model && echo trained > /opt/ml/model/model.txt
`;

/** An engine to benchmark: where its API answers and how its own CLI is run. */
export interface BenchEngine {
  name: 'podman' | 'docker';
  /** DOCKER_HOST for sagekit. */
  host: string;
  /** The engine's CLI and the environment it needs to reach the same engine. */
  cli: string;
  cliEnv: NodeJS.ProcessEnv;
}

const CANDIDATES: BenchEngine[] = [
  { name: 'podman', host: 'unix:///run/podman/podman.sock', cli: 'podman', cliEnv: process.env },
  { name: 'docker', host: 'unix:///run/sagekit-docker.sock', cli: 'docker', cliEnv: { ...process.env, DOCKER_HOST: 'unix:///run/sagekit-docker.sock' } },
];

function pings(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const request = http.get({ socketPath, path: '/_ping', timeout: 5000 }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    request.on('error', () => resolve(false));
    request.on('timeout', () => request.destroy());
  });
}

/** The engines that answer here, with their CLI installed (SAGEKIT_BENCH_ENGINES=podman,docker narrows). */
export async function availableEngines(): Promise<{ found: BenchEngine[]; missing: string[] }> {
  const wanted = process.env.SAGEKIT_BENCH_ENGINES?.split(',').map((e) => e.trim());
  const found: BenchEngine[] = [];
  const missing: string[] = [];
  for (const engine of CANDIDATES.filter((c) => !wanted || wanted.includes(c.name))) {
    const cli = await execFileAsync('sh', ['-c', `command -v ${engine.cli}`]).then(
      () => true,
      () => false,
    );
    if (cli && (await pings(engine.host.slice('unix://'.length)))) found.push(engine);
    else missing.push(`${engine.name} (${engine.host}${cli ? '' : `, no ${engine.cli} CLI`})`);
  }
  return { found, missing };
}

async function hasImage(engine: BenchEngine, image: string): Promise<boolean> {
  return execFileAsync(engine.cli, ['image', 'inspect', image], { env: engine.cliEnv }).then(
    () => true,
    () => false,
  );
}

/** Builds the busybox base (when missing, through the engine API) and the benchmark image on `engine`. */
export async function ensureBenchImage(engine: BenchEngine): Promise<void> {
  if (!(await hasImage(engine, BASE_IMAGE))) {
    const saved = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = engine.host;
    try {
      const { ensureBaseImage } = await import('../test/setup/images.js');
      await ensureBaseImage();
    } finally {
      if (saved === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = saved;
    }
  }
  const context = await mkdtemp(path.join(os.tmpdir(), 'sagekit-bench-image-'));
  try {
    await writeFile(path.join(context, 'train'), TRAIN);
    await chmod(path.join(context, 'train'), 0o755);
    await writeFile(path.join(context, 'Dockerfile'), `FROM ${BASE_IMAGE}\nCOPY train /usr/local/bin/train\n`);
    await execFileAsync(engine.cli, ['build', '-q', '-t', BENCH_IMAGE, context], { env: engine.cliEnv });
  } finally {
    await rm(context, { recursive: true, force: true });
  }
}

/** The bare baseline: the engine's own CLI running the same image and command. */
export function bareRunArgs(): string[] {
  return ['run', '--rm', BENCH_IMAGE, 'train'];
}

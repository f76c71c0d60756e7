/**
 * Images the engine does not have are pulled from their registry, with progress, before the job
 * runs — against a real registry on 127.0.0.1 (test/helpers/registry.ts) and the real engine.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { Estimator } from '../../src/estimator/estimator.js';
import { JobEvents } from '../../src/events.js';
import { recordingEvents } from '../helpers/job-events.js';
import { connectEngine } from '../../src/local/engine/connect.js';
import { buildImage } from '../../src/local/image.js';
import { BIN, runCli, scriptArgs } from '../helpers/cli.js';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { PROBE_IMAGE } from '../setup/images.js';

const dir = mkdtempSync(path.join(tmpdir(), 'sagekit-pull-'));
const env = { SAGEKIT_STATE_DIR: path.join(dir, 'state'), AWS_REGION: '', AWS_DEFAULT_REGION: '', AWS_PROFILE: '', AWS_CONFIG_FILE: path.join(dir, 'none') };
let registry: TestRegistry;
let docker: Docker;
/** `env` without NO_COLOR / FORCE_COLOR, so the CLI decides colours from the terminal alone. */
function withoutColourSettings(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { NO_COLOR: _noColor, FORCE_COLOR: _forceColor, ...rest } = env;
  return rest;
}
/** `s` as a literal inside a regular expression. */
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const image = (tag: string) => `${registry.host}/sagekit-test/pulled:${tag}`;

async function removeImage(name: string): Promise<void> {
  await docker
    .getImage(name)
    .remove({ force: true })
    .catch(() => undefined);
}

function follow(stream: NodeJS.ReadableStream): Promise<void> {
  return new Promise((resolve, reject) =>
    docker.modem.followProgress(stream, (error: Error | null, output: Array<{ error?: string }>) => {
      const failed = error?.message ?? output.find((o) => o.error)?.error;
      if (failed) reject(new Error(failed));
      else resolve();
    }),
  );
}

/** Runs image `tag` as a local job through the SDK, recording its events. */
async function fitLocal(tag: string, jobName: string, pull?: 'always') {
  const { events, progress, infos, warnings } = recordingEvents();
  const estimator = new Estimator({
    imageUri: image(tag),
    instanceType: 'local',
    outputPath: path.join(dir, 'output'),
    jobName,
    local: { stateDir: env.SAGEKIT_STATE_DIR, ...(pull && { pull }) },
  });
  const job = await estimator.fit(undefined, { events });
  return { status: (await job.describe()).TrainingJobStatus, progress, infos, warnings };
}

beforeAll(async () => {
  registry = await startRegistry();
  ({ docker } = await connectEngine());
  // The probe plus a layer of its own, so a pull has something new to download.
  const context = path.join(dir, 'context');
  mkdirSync(context);
  writeFileSync(path.join(context, 'payload'), randomBytes(4 * 1024 * 1024));
  writeFileSync(path.join(context, 'Dockerfile'), `ARG BASE_IMAGE\nFROM \${BASE_IMAGE}\nCOPY payload /payload\n`);
  await buildImage(await connectEngine(), image('one'), context, { BASE_IMAGE: PROBE_IMAGE }, new JobEvents());
  await docker.getImage(image('one')).tag({ repo: `${registry.host}/sagekit-test/pulled`, tag: 'two' });
  // A layer of its own: Docker sends no layer events at all for a manifest it already has.
  writeFileSync(path.join(context, 'payload'), randomBytes(4 * 1024 * 1024));
  await buildImage(await connectEngine(), image('three'), context, { BASE_IMAGE: PROBE_IMAGE }, new JobEvents());
  for (const tag of ['one', 'two', 'three']) {
    // Docker wants an X-Registry-Auth header on pushes even for a registry without auth.
    await follow(await docker.getImage(image(tag)).push({ authconfig: {} }));
    await removeImage(image(tag));
  }
});

afterAll(async () => {
  for (const tag of ['one', 'two', 'three', 'local-only']) await removeImage(image(tag));
  await registry?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('image pull', () => {
  it('a missing image is pulled with progress events, then the job runs in it', async () => {
    const { status, progress, infos } = await fitLocal('one', 'pulled-api');
    expect(status).toBe('Completed');
    expect(infos).toContain(`pulling ${image('one')}`);
    const pulls = progress.filter((p) => p.kind === 'pull' && p.label === image('one'));
    const last = pulls.at(-1)!;
    expect(last.done).toBe(true);
    expect(last.total).toBeGreaterThanOrEqual(1);
    expect(last.loaded).toBe(last.total);
    expect(['bytes', 'layers']).toContain(last.unit);
    expect(pulls.length).toBeGreaterThan(1);
    await expect(docker.getImage(image('one')).inspect()).resolves.toBeTruthy();
  });

  it('CLI: pull lines on stderr when not a terminal; a tag the registry lacks fails the job (exit 1) naming the pull error', async () => {
    const file = (tag: string, pull?: string) => {
      const name = path.join(dir, `${tag}.yaml`);
      writeFileSync(name, YAML.stringify({ imageUri: image(tag), instanceType: 'local', outputPath: './output', ...(pull && { local: { pull } }) }));
      return name;
    };
    const ok = await runCli(['train', '-c', file('two'), '--job-name', 'pulled-cli'], { env, cwd: dir });
    expect(ok.stderr).toContain(`pull: ${image('two')}\n`);
    expect(ok.stderr).toMatch(new RegExp(`pull: ${escapeRegExp(image('two'))} done ` + String.raw`\(\d+ (layers?|[\d.]+ \w?i?B)\)`));
    expect(ok.code).toBe(0);

    const missing = await runCli(['train', '-c', file('absent'), '--job-name', 'pulled-missing', '--json'], { env, cwd: dir });
    expect(missing.code).toBe(1);
    const doc = JSON.parse(missing.stdout) as { TrainingJobStatus: string; FailureReason: string };
    expect(doc.TrainingJobStatus).toBe('Failed');
    expect(doc.FailureReason).toMatch(new RegExp(`^ClientError: cannot pull ${escapeRegExp(image('absent'))}: .*build it first`));
    expect(missing.stderr).toContain('pulled-missing: Failed');
  });

  it('under a pseudo-terminal the pull progress is redrawn in place (layer counts on Podman, a byte bar on Docker)', () => {
    const file = path.join(dir, 'three.yaml');
    writeFileSync(file, YAML.stringify({ imageUri: image('three'), instanceType: 'local', outputPath: './output' }));
    // `script` gives the CLI a terminal, as a user's shell would.
    const result = spawnSync('script', scriptArgs([process.execPath, BIN, 'train', '-c', file, '--job-name', 'pulled-tty']), {
      cwd: dir,
      env: { ...withoutColourSettings(process.env), ...env, TERM: 'xterm-256color', COLUMNS: '120' },
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(result.status).toBe(0);
    const bar = new RegExp(String.raw`\r\u001b\[2Kpull (\d+/\d+ layers?|\[[#.]{24}\] +\d+% [\d.]+ \w?i?B/[\d.]+ \w?i?B) ` + escapeRegExp(image('three')));
    expect(result.stdout).toMatch(bar);
  });

  it('pull "always" refreshes a present image, and falls back to the local copy with a warning when the registry lacks it', async () => {
    await docker.getImage(PROBE_IMAGE).tag({ repo: `${registry.host}/sagekit-test/pulled`, tag: 'local-only' });
    const { status, warnings } = await fitLocal('local-only', 'pulled-always', 'always');
    expect(status).toBe('Completed');
    expect(warnings).toEqual([expect.stringMatching(new RegExp(`^could not pull ${escapeRegExp(image('local-only'))}, using the local copy: cannot pull`))]);
  });
});

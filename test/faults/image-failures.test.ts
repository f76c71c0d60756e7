/**
 * Images that cannot run or be built (issue 13, FAULTS 17, 18) and record keeping (FAULTS 12, 20):
 * real jobs on the real engine through the CLI binary.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { JobEvents } from '../../src/events.js';
import { connectEngine } from '../../src/local/engine/connect.js';
import { buildImage } from '../../src/local/image.js';
import { runCli } from '../helpers/cli.js';
import { BASE_IMAGE } from '../setup/images.js';
import { buildFaultImage, endsWithin, faultWorkspace, leftoversOf, startCli } from './helpers.js';

const ws = faultWorkspace('faults-image');
const NOEXEC_IMAGE = 'localhost/sagekit-faults-noexec:test';
const engineHost = () => process.env.DOCKER_HOST ?? 'unix:///run/podman/podman.sock';

beforeAll(async () => {
  await buildFaultImage();
  const context = mkdtempSync(path.join(tmpdir(), 'sagekit-noexec-'));
  writeFileSync(path.join(context, 'Dockerfile'), 'ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nCOPY train /usr/local/bin/train\n');
  writeFileSync(path.join(context, 'train'), '#!/bin/sh\necho never runs\n', { mode: 0o644 });
  await buildImage(await connectEngine(), NOEXEC_IMAGE, context, { BASE_IMAGE }, new JobEvents());
});

describe('a train the container cannot run (FAULTS 17)', () => {
  it.each([
    ['not executable', NOEXEC_IMAGE, /^ClientError: the image's \/usr\/local\/bin\/train is not executable \(mode 0644\): make it executable: chmod \+x train/],
    ['not on PATH', BASE_IMAGE, /^ClientError: the image has no train on PATH/],
  ])('%s: Failed with a ClientError naming the fix; nothing packaged', async (_, image, reason) => {
    const name = `fault-train-${image.includes('noexec') ? 'noexec' : 'nopath'}-${Date.now() % 100000}`;
    const r = await runCli(['train', ws.job(name, 'true', { imageUri: image }), '--job-name', name, '--json'], { env: ws.env });
    expect(r.code, r.stderr).toBe(1);
    const doc = JSON.parse(r.stdout) as Record<string, any>;
    expect(doc.TrainingJobStatus).toBe('Failed');
    expect(doc.FailureReason).toMatch(reason);
    expect(r.stderr).not.toContain('Uploading');
    expect(existsSync(path.join(ws.dir, 'output', name, 'output', 'model.tar.gz'))).toBe(false);
    expect(await leftoversOf(name)).toEqual([]);
  });
});

describe('a failed image build (FAULTS 16, 18)', () => {
  it('keeps the build output in the record (sagekit logs) and leaves no build container behind', async () => {
    const name = `fault-badbuild-${Date.now() % 100000}`;
    // A base of our own name: Podman names the build's working container after it, so ours is told apart.
    const base = `localhost/${name}-base:latest`;
    const { docker } = await connectEngine();
    await docker.getImage(BASE_IMAGE).tag({ repo: `localhost/${name}-base`, tag: 'latest' });
    const context = path.join(ws.dir, name);
    mkdirSync(context);
    writeFileSync(path.join(context, 'Dockerfile'), `FROM ${base}\nRUN echo step-one-ran\nRUN echo about-to-fail && false\n`);
    try {
      const file = ws.job(name, 'true', { imageUri: `localhost/${name}:latest`, local: { pull: 'never', buildContext: context } });
      const r = await runCli(['train', file, '--job-name', name], { env: ws.env });
      expect(r.code, r.stderr).toBe(1);
      expect((await ws.record(name)).FailureReason).toMatch(/^ClientError: .*about-to-fail/);
      const logs = await runCli(['logs', name], { env: ws.env });
      expect(logs.code).toBe(0);
      expect(logs.stdout).toContain('step-one-ran');
      expect(logs.stdout).toContain('about-to-fail');
      if (engineHost().includes('podman')) {
        const external = execFileSync('podman', ['--url', engineHost(), 'ps', '-a', '--external', '--format', '{{.Names}}'], { encoding: 'utf8' });
        expect(external.split('\n').filter((n) => n.includes(`${name}-base`))).toEqual([]);
      }
    } finally {
      await docker
        .getImage(base)
        .remove()
        .catch(() => undefined);
    }
  });
});

describe('records', () => {
  it('--state-dir holds the record of a waited-for train (FAULTS 12)', async () => {
    const name = `fault-statedir-${Date.now() % 100000}`;
    const other = path.join(ws.dir, 'other-state');
    const r = await runCli(['--state-dir', other, 'train', ws.job(name, 'echo hi'), '--job-name', name], { env: ws.env });
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(path.join(other, 'jobs', name, 'describe.json'))).toBe(true);
    expect(existsSync(path.join(ws.stateDir, 'jobs', name))).toBe(false);
  });

  it('logs -f through a long job prints no MaxListenersExceededWarning (FAULTS 20)', async () => {
    const name = `fault-follow-${Date.now() % 100000}`;
    const cli = startCli(
      ['train', ws.job(name, 'echo started; i=0; while [ $i -lt 6 ]; do echo "line $i"; sleep 1; i=$((i+1)); done'), '--job-name', name],
      ws.env,
    );
    await cli.waitFor(/started/);
    // More than 11 polls of the record on one abort signal.
    const follow = await runCli(['logs', name, '-f'], { env: ws.env, timeoutMs: 90_000 });
    expect(follow.code, follow.stderr).toBe(0);
    expect(follow.stdout).toContain('line 5');
    expect(follow.stderr).not.toMatch(/MaxListenersExceededWarning|Warning/);
    expect(await endsWithin(cli, 60_000)).toEqual({ code: 0, signal: null });
  });
});

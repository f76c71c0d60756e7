/**
 * Hostile training images: a container that points the files sagekit reads after it (its failure
 * file, its checkpoints, its model folder) at host files through symbolic links. Nothing of the
 * host may come back — not as FailureReason, not in the checkpoint copy, not in model.tar.gz —
 * and a checkpoint path that would reach the engine's bind syntax is refused before anything runs.
 * Real jobs through the CLI on the real engine; the canary is a root-only host file.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { buildFaultImage, faultWorkspace, leftoversOf } from '../faults/helpers.js';

const ws = faultWorkspace('hostile-images');
const SECRET = 'CANARY-host-secret-4f1c';
const canaryDir = path.join(ws.dir, 'canary');
const canary = path.join(canaryDir, 'canary.txt');

beforeAll(async () => {
  await buildFaultImage();
  mkdirSync(canaryDir, { mode: 0o700 });
  writeFileSync(canary, `${SECRET}\n`, { mode: 0o600 });
});

const unique = (base: string) => `${base}-${Date.now() % 100000}`;

// Generous bounds: hang detection on a loaded machine, not a timing assertion.
describe('hostile images', { timeout: 180_000 }, () => {
  it('a failure file that is a link to a host file: FailureReason never holds the host file', async () => {
    const name = unique('hostile-failure');
    const script = `ln -s ${canary} /opt/ml/output/failure; exit 1`;
    const r = await runCli(['train', ws.job(name, script), '--job-name', name, '--json'], { env: ws.env });
    expect(r.code, r.stderr).toBe(1);
    const doc = JSON.parse(r.stdout) as { TrainingJobStatus: string; FailureReason: string };
    expect(doc.TrainingJobStatus).toBe('Failed');
    expect(doc.FailureReason).not.toContain(SECRET);
    expect(doc.FailureReason).toMatch(/^AlgorithmError: the training container on algo-1 exited with code 1/);
    expect(r.stdout + r.stderr).not.toContain(SECRET);
    expect(await leftoversOf(name)).toEqual([]);
  });

  it('links in the checkpoint folder (to a file and to a folder) are not synced; real files are', async () => {
    const name = unique('hostile-ckpt');
    const destination = path.join(ws.dir, `${name}-checkpoints`);
    const script = [
      `ln -s ${canary} /opt/ml/checkpoints/leak.txt`,
      `ln -s ${canaryDir} /opt/ml/checkpoints/hostdir`,
      'echo step-1 > /opt/ml/checkpoints/real.txt',
    ].join('; ');
    const file = ws.job(name, script, { checkpointS3Uri: `file://${destination}` });
    const r = await runCli(['train', file, '--job-name', name], { env: ws.env });
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(destination).sort()).toEqual(['real.txt']);
    expect(r.stderr).toMatch(/symbolic link\(s\) in the checkpoint folder are not synced/);
  });

  it('a model folder replaced by a link to a host folder: model.tar.gz holds none of it', async () => {
    const name = unique('hostile-model');
    const script = `rm -rf /opt/ml/model && ln -s ${canaryDir} /opt/ml/model && echo done`;
    const r = await runCli(['train', ws.job(name, script), '--job-name', name], { env: ws.env });
    expect(r.code, r.stderr).toBe(0);
    const archive = path.join(ws.dir, 'output', name, 'output', 'model.tar.gz');
    expect(existsSync(archive)).toBe(true);
    expect(execFileSync('tar', ['-tzf', archive], { encoding: 'utf8' })).not.toContain('canary');
    expect(r.stderr).toMatch(/is a symbolic link, left out/);
  });

  it("a checkpoint path with the engines' bind separators is refused before anything runs (exit 2)", async () => {
    const name = unique('hostile-bind');
    const file = ws.job(name, 'true', { checkpointS3Uri: `file://${ws.dir}/ck`, checkpointLocalPath: '/x:/etc:rw' });
    const r = await runCli(['train', file, '--job-name', name], { env: ws.env });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/checkpointLocalPath: must not contain ':' or ','.*\(got "\/x:\/etc:rw"\)/);
    expect(existsSync(path.join(ws.stateDir, 'jobs', name))).toBe(false);
  });
});

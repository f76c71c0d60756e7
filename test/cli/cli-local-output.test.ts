/** What `sagekit train` prints and leaves behind, as a new user reads it (FAULTS 26). */
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { PROBE_IMAGE } from '../setup/images.js';

const dir = mkdtempSync(path.join(tmpdir(), 'sagekit-cli-output-'));
const env = { SAGEKIT_STATE_DIR: path.join(dir, 'state'), AWS_REGION: '', AWS_DEFAULT_REGION: '', AWS_PROFILE: '', AWS_CONFIG_FILE: path.join(dir, 'none') };
const jobFile = (mode: string) => {
  const file = path.join(dir, `${mode}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      imageUri: PROBE_IMAGE,
      instanceType: 'local',
      outputPath: './output',
      hyperparameters: { mode },
      local: { pull: 'never', stopGracePeriodSeconds: 2 },
    }),
  );
  return file;
};
const detachedDirs = () => readdirSync(tmpdir()).filter((d) => d.startsWith('sagekit-detached-'));

describe('sagekit train output', () => {
  it('the job header comes before its first status, and the summary duration is the one list shows', async () => {
    const r = await runCli(['train', jobFile('normal'), '--job-name', 'order-1'], { env, cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const header = r.stderr.indexOf('training job order-1');
    expect(header).toBeGreaterThanOrEqual(0);
    expect(header).toBeLessThan(r.stderr.indexOf('Downloading'));
    const summary = /duration\s+(\S+)/.exec(r.stderr)?.[1];
    const list = await runCli(['list'], { env });
    const row = list.stdout.split('\n').find((l) => l.startsWith('order-1 '));
    expect(row?.trim().split(/\s+/).at(-1)).toBe(summary);
  });

  it('--no-wait leaves no start-up folder behind once the job ended', async () => {
    const before = new Set(detachedDirs());
    const started = await runCli(['train', jobFile('normal'), '--job-name', 'detached-1', '--no-wait'], { env, cwd: dir });
    expect(started.code, started.stderr).toBe(0);
    // `logs --follow` returns when the job has ended.
    const followed = await runCli(['logs', 'detached-1', '--follow'], { env, timeoutMs: 120_000 });
    expect(followed.code).toBe(0);
    expect(followed.stdout).toContain('epoch=3 train_loss=0.125');
    // The runner removes its folder right after the job ends; give it a moment (hang detection only).
    for (let i = 0; i < 100 && detachedDirs().some((d) => !before.has(d)); i++) await new Promise((r) => setTimeout(r, 100));
    expect(detachedDirs().filter((d) => !before.has(d))).toEqual([]);
    expect(existsSync(path.join(dir, 'output', 'detached-1'))).toBe(true);
  });
});

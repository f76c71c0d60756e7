/**
 * Files the user can delete: a non-root user in the `docker` group runs a job on a rootful
 * Docker Engine, then removes the job's files without sudo. Runs on the Docker pass only (the
 * Podman socket here is root's alone), and only where that user can read this checkout.
 */
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.js';
import { PROBE_IMAGE } from '../setup/images.js';

const UID = 4242;
const dockerGroup = /^docker:x:(\d+):/m.exec(existsSync('/etc/group') ? readFileSync('/etc/group', 'utf8') : '')?.[1];
const socket = process.env.DOCKER_HOST?.replace(/^unix:\/\//, '');
const asUser = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  spawnSync('setpriv', ['--reuid', String(UID), '--regid', String(UID), '--groups', dockerGroup ?? '0', '--inh-caps=-all', '--', ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, DOCKER_HOST: process.env.DOCKER_HOST, NO_COLOR: '1', ...env },
    timeout: 120_000,
  });
const groupCanUseSocket =
  socket !== undefined && existsSync(socket) && statSync(socket).gid === Number(dockerGroup) && (statSync(socket).mode & 0o060) === 0o060;
const applies = process.getuid?.() === 0 && process.env.SAGEKIT_TEST_ENGINE === 'docker' && dockerGroup !== undefined && groupCanUseSocket;
const readable = applies && asUser(['test', '-r', BIN]).status === 0;
if (applies && !readable) console.warn(`ownership test skipped: uid ${UID} cannot read ${BIN} (the checkout is not world-readable)`);

describe.skipIf(!readable)("files a rootful Docker engine writes are the user's", () => {
  it("a docker-group user trains, then deletes the job's folder without sudo", () => {
    const home = mkdtempSync(path.join(tmpdir(), 'sagekit-nonroot-'));
    chownSync(home, UID, UID);
    const job = path.join(home, 'job.json');
    writeFileSync(
      job,
      JSON.stringify({
        imageUri: PROBE_IMAGE,
        instanceType: 'local',
        instanceCount: 2,
        outputPath: './output',
        hyperparameters: { mode: 'normal' },
        local: { pull: 'never' },
      }),
    );
    chownSync(job, UID, UID);
    const state = path.join(home, 'state');
    const run = asUser([process.execPath, BIN, 'train', '-c', job, '--job-name', 'nonroot-job'], { HOME: home, SAGEKIT_STATE_DIR: state });
    expect(run.status, run.stderr).toBe(0);
    const model = path.join(state, 'jobs/nonroot-job/hosts/algo-2/model/algo-2/resourceconfig.json');
    expect(existsSync(model)).toBe(true);
    expect(statSync(model).uid).toBe(UID);
    const removed = asUser(['rm', '-rf', state]);
    expect(removed.stderr).toBe('');
    expect(existsSync(state)).toBe(false);
  });
});

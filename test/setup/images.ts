/**
 * Test images, built offline through the engine API: a busybox base (a static busybox plus its
 * applet links, no RUN step, so any engine can build it) and the contract probe on top.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, copyFile, symlink, writeFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { JobEvents } from '../../src/events.js';
import { connectEngine } from '../../src/local/engine/connect.js';
import { buildImage } from '../../src/local/image.js';

export const BASE_IMAGE = 'localhost/sagekit-busybox:latest';
export const PROBE_IMAGE = 'localhost/sagekit-probe:test';
export const PROBE_CONTEXT = path.resolve(import.meta.dirname, '../fixtures/probe');

const BUSYBOX = ['/bin/busybox', '/usr/bin/busybox'].find((p) => existsSync(p));

async function imageExists(image: string): Promise<boolean> {
  const { docker } = await connectEngine();
  return docker.getImage(image).inspect().then(() => true, () => false);
}

/** Builds the busybox base image when missing. */
export async function ensureBaseImage(): Promise<void> {
  if (await imageExists(BASE_IMAGE)) return;
  if (!BUSYBOX) throw new Error('busybox-static is not installed (apt-get install busybox-static)');
  const dir = await mkdtemp(path.join(tmpdir(), 'sagekit-base-'));
  try {
    await mkdir(path.join(dir, 'rootfs/bin'), { recursive: true });
    await mkdir(path.join(dir, 'rootfs/tmp'), { recursive: true });
    await copyFile(BUSYBOX, path.join(dir, 'rootfs/bin/busybox'));
    const applets = execFileSync(BUSYBOX, ['--list']).toString().split('\n').filter((a) => a && a !== 'busybox');
    for (const applet of applets) await symlink('busybox', path.join(dir, 'rootfs/bin', applet));
    await writeFile(path.join(dir, 'Dockerfile'), 'FROM scratch\nCOPY rootfs/ /\nENV PATH=/usr/local/bin:/bin\n');
    const { docker } = await connectEngine();
    await buildImage(docker, BASE_IMAGE, dir, undefined, new JobEvents());
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Builds the probe image (always: it is cheap and the fixture may have changed). */
export async function buildProbeImage(): Promise<void> {
  const { docker } = await connectEngine();
  await buildImage(docker, PROBE_IMAGE, PROBE_CONTEXT, { BASE_IMAGE }, new JobEvents());
}

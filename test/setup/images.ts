/**
 * Test images, built offline: the busybox base (scripts/build-base-image.sh) and the contract
 * probe on top of it (through the engine API, as `local.buildContext` does).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { JobEvents } from '../../src/events.js';
import { connectEngine } from '../../src/local/engine/connect.js';
import { buildImage } from '../../src/local/image.js';

export const BASE_IMAGE = 'localhost/sagekit-busybox:latest';
export const PROBE_IMAGE = 'localhost/sagekit-probe:test';
const ROOT = path.resolve(import.meta.dirname, '../..');
const BUSYBOX = '/bin/busybox';
export const PROBE_CONTEXT = path.join(ROOT, 'test/fixtures/probe');

/**
 * Builds the busybox base image when missing, through the engine API (so the same code serves
 * Docker and Podman): a static busybox and its applet links FROM scratch, as
 * scripts/build-base-image.sh makes it for the demo.
 */
export async function ensureBaseImage(): Promise<void> {
  const engine = await connectEngine();
  const { docker } = engine;
  if (
    await docker
      .getImage(BASE_IMAGE)
      .inspect()
      .then(
        () => true,
        () => false,
      )
  )
    return;
  if (!existsSync(BUSYBOX)) throw new Error(`the test base image needs a static busybox at ${BUSYBOX} (apt-get install busybox-static)`);
  const context = mkdtempSync(path.join(tmpdir(), 'sagekit-base-'));
  try {
    const bin = path.join(context, 'rootfs/bin');
    mkdirSync(bin, { recursive: true });
    mkdirSync(path.join(context, 'rootfs/tmp'));
    mkdirSync(path.join(context, 'rootfs/usr/local/bin'), { recursive: true });
    copyFileSync(BUSYBOX, path.join(bin, 'busybox'));
    for (const applet of execFileSync(BUSYBOX, ['--list']).toString().split('\n')) {
      if (applet && applet !== 'busybox') symlinkSync('busybox', path.join(bin, applet));
    }
    writeFileSync(path.join(context, 'Dockerfile'), 'FROM scratch\nCOPY rootfs/ /\nENV PATH=/usr/local/bin:/bin\nCMD ["sh"]\n');
    await buildImage(engine, BASE_IMAGE, context, undefined, new JobEvents());
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
}

/** Builds the probe image (always: it is cheap and the fixture may have changed). */
export async function buildProbeImage(): Promise<void> {
  await buildImage(await connectEngine(), PROBE_IMAGE, PROBE_CONTEXT, { BASE_IMAGE }, new JobEvents());
}

/**
 * Test images, built offline: the busybox base (scripts/build-base-image.sh) and the contract
 * probe on top of it (through the engine API, as `local.buildContext` does).
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { JobEvents } from '../../src/events.js';
import { connectEngine } from '../../src/local/engine/connect.js';
import { buildImage } from '../../src/local/image.js';

export const BASE_IMAGE = 'localhost/sagekit-busybox:latest';
export const PROBE_IMAGE = 'localhost/sagekit-probe:test';
const ROOT = path.resolve(import.meta.dirname, '../..');
export const PROBE_CONTEXT = path.join(ROOT, 'test/fixtures/probe');

/** Builds the busybox base image when missing (scripts/build-base-image.sh, as the demo does). */
export function ensureBaseImage(): void {
  execFileSync('bash', [path.join(ROOT, 'scripts/build-base-image.sh'), BASE_IMAGE], { stdio: ['ignore', 'ignore', 'inherit'] });
}

/** Builds the probe image (always: it is cheap and the fixture may have changed). */
export async function buildProbeImage(): Promise<void> {
  const { docker } = await connectEngine();
  await buildImage(docker, PROBE_IMAGE, PROBE_CONTEXT, { BASE_IMAGE }, new JobEvents());
}

/**
 * Runs once before the suite: the tests use the real container engine, so it must answer
 * (`scripts/ensure-engine.sh` or any Docker/Podman), and the test images must exist.
 */
import { connectEngine } from '../../src/local/engine/connect.js';
import { buildProbeImage, ensureBaseImage } from './images.js';

export default async function setup(): Promise<void> {
  const engine = await connectEngine();
  process.env.DOCKER_HOST ??= engine.host;
  await ensureBaseImage();
  await buildProbeImage();
}

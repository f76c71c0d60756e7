/**
 * Runs once before the engine tests: the engine must answer and the test images must exist.
 * `SAGEKIT_TEST_ENGINE=docker|podman` picks the engine of that kind among those that answer
 * (test/run-engines.ts sets it for each pass); otherwise the usual detection decides.
 */
import { connectEngine } from '../../src/local/engine/connect.js';
import { testEngines } from './engines.js';
import { ensureFrameworkBases } from './framework-images.js';
import { buildProbeImage, ensureBaseImage } from './images.js';

async function pickEngine(kind: string): Promise<string> {
  const { byKind, tried } = await testEngines();
  const engine = byKind.get(kind);
  if (!engine) {
    const seen = [...byKind.values()].map((e) => `${e.info.kind} at ${e.host}`).join(', ') || 'none';
    throw new Error(`SAGEKIT_TEST_ENGINE=${kind}, but no ${kind} engine answers (found: ${seen}; tried: ${tried.join('; ')})`);
  }
  return engine.host;
}

export default async function setup(): Promise<void> {
  const kind = process.env.SAGEKIT_TEST_ENGINE;
  if (kind) process.env.DOCKER_HOST = await pickEngine(kind);
  const engine = await connectEngine();
  process.env.DOCKER_HOST ??= engine.host;
  await ensureBaseImage();
  await buildProbeImage();
  // The examples' PyTorch and scikit-learn bases (test/examples), before any test runs.
  await ensureFrameworkBases();
}

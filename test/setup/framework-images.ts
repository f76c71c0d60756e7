/**
 * The framework base images of the example tests (examples/pytorch-ddp, examples/sklearn), built
 * offline from Debian packages by scripts/build-base-image.sh on the engine the tests use. The
 * script caches per machine: a cold build takes minutes (once), a present image ≈ 0.1 s.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { connectEngine } from '../../src/local/engine/connect.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
export const FRAMEWORKS = ['torch', 'sklearn'] as const;
export type Framework = (typeof FRAMEWORKS)[number];

/** Builds (or finds) the `--with <framework>` base image; returns its name. */
export async function ensureFrameworkBase(framework: Framework): Promise<string> {
  const { host } = await connectEngine();
  execFileSync('bash', [path.join(ROOT, 'scripts/build-base-image.sh'), '--with', framework], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, DOCKER_HOST: host },
  });
  return `localhost/sagekit-${framework}:latest`;
}

/**
 * Builds every framework base, one after the other, before any test starts: a cold build is
 * heavy (mmdebstrap, 1.2 GB), and running it beside other tests on two cores would slow them.
 */
export async function ensureFrameworkBases(): Promise<void> {
  for (const framework of FRAMEWORKS) await ensureFrameworkBase(framework);
}

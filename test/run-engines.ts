/**
 * Runs the engine-dependent tests (vitest project `engine`) once per container engine kind that
 * answers on this machine — Podman, then Docker — each pass with SAGEKIT_TEST_ENGINE set, so the
 * same contract is checked on both. With CI=true every kind must answer (.ci/run starts both);
 * elsewhere a missing kind is skipped with a note. Extra arguments go to vitest.
 *   node --import tsx test/run-engines.ts [vitest args…]
 */
import { spawnSync } from 'node:child_process';
import { testEngines } from './setup/engines.js';

const KINDS = (process.env.SAGEKIT_TEST_ENGINES ?? 'podman,docker')
  .split(',')
  .map((k) => k.trim())
  .filter(Boolean);

const { byKind, tried } = await testEngines();
const passes = KINDS.map((kind) => ({ kind, engine: byKind.get(kind) }));
const missing = passes.filter((p) => !p.engine).map((p) => p.kind);
if (missing.length && (process.env.CI === 'true' || missing.length === passes.length)) {
  console.error(`test-engines: no ${missing.join(' or ')} engine answers; tried:\n${tried.map((t) => `  - ${t}`).join('\n')}`);
  console.error('start one (on Debian as root: eval "$(bash scripts/ensure-engine.sh)"), or set SAGEKIT_TEST_ENGINES to the kinds you have');
  process.exit(3);
}
let failed = false;
for (const { kind, engine } of passes) {
  if (!engine) {
    console.error(`test-engines: skipping ${kind}: none answers here`);
    continue;
  }
  console.error(`test-engines: engine tests on ${kind} ${engine.info.version} at ${engine.host}`);
  const result = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--project', 'engine', ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, SAGEKIT_TEST_ENGINE: kind, DOCKER_HOST: engine.host },
  });
  if (result.status !== 0) {
    console.error(`test-engines: the engine tests failed on ${kind} (exit ${result.status ?? result.signal})`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);

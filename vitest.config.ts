import { defineConfig } from 'vitest/config';

/** Tests that run containers: once per engine (test/run-engines.ts picks each in turn). */
export const ENGINE_TESTS = [
  'test/local/**/*.test.ts',
  'test/cli/cli-local*.test.ts',
  'test/cli/cli-deploy.test.ts',
  'test/faults/**/*.test.ts',
  'test/serve/**/*.test.ts',
  // The examples train real models (PyTorch, scikit-learn) on the engine.
  'test/examples/**/*.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: container tests in parallel files, but not too many at once.
    maxWorkers: 4,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['src/**/*.test.ts', 'test/**/*.test.ts'], exclude: ENGINE_TESTS },
      },
      {
        extends: true,
        test: { name: 'engine', include: ENGINE_TESTS, globalSetup: ['test/setup/global-setup.ts'] },
      },
    ],
  },
});

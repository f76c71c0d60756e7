/**
 * Dependency rules of sagekit (checked by `npm run lint:deps`, run in CI): no import cycles, and
 * no module reaching up into a layer above it. Layers, bottom up: util, archive, s3, errors/events
 * (core types) → estimator, inputs, config → aws, local (backends) → serve, deploy → cli.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles make modules impossible to read or test alone; type-only imports count too.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'backends-not-into-cli',
      severity: 'error',
      comment: 'The CLI uses the backends; the backends never know the CLI.',
      from: { path: '^src/(local|aws|estimator|inputs|config|s3|util|archive|serve)/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'local-not-into-estimator',
      severity: 'error',
      comment: 'The local backend runs the request, never the options: it must not import the estimator layer.',
      from: { path: '^src/local/' },
      to: { path: '^src/estimator/' },
    },
    {
      name: 'dockerode-only-in-engine',
      severity: 'error',
      comment: 'The engine layer (src/local/engine/) is the only code that knows the Docker client library; the rest uses its clients.',
      from: { path: '^src/', pathNot: '^src/local/engine/' },
      to: { path: 'node_modules/(@types/)?(dockerode|docker-modem)/' },
    },
    {
      name: 'core-not-into-backends',
      severity: 'error',
      comment: 'Helpers at the bottom (util, archive, s3) know nothing of the layers above.',
      from: { path: '^src/(util|archive|s3)/' },
      to: { path: '^src/(local|aws|estimator|cli|serve|deploy)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '[.]test[.]ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};

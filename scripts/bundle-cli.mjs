// Bundles the CLI (after `tsc`, from dist/cli) into dist/cli-bundle, which bin/sagekit.js runs.
//
// Why: Node 20 resolves, reads and compiles every ES module file on its own; the CLI's own ~150
// modules plus the YAML parser, the validator and commander (~200 files) cost more start-up
// than the work of `--help` or `train --dry-run`. One bundle with split chunks keeps every lazy
// `import()` lazy (the AWS SDK, the engine client, serve …) while loading the eager part at once.
//
// Only small, pure-JS packages are bundled. The others stay ordinary packages loaded from
// node_modules: the AWS SDK and dockerode are loaded lazily (and dockerode's heavy parts are
// deferred through Node's CommonJS cache, src/local/engine/lean-dockerode.ts), tar and fast-xml-parser
// are used by few commands. The library (dist/index.js) is not bundled.
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'dist/cli-bundle');
const BUNDLED = new Set(['commander', 'yaml', 'zod']);

const { dependencies } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const external = Object.keys(dependencies)
  .filter((name) => !BUNDLED.has(name))
  .flatMap((name) => [name, `${name}/*`]);

// zod's error messages in 40 languages (half of its code) are exported as `z.locales`, which the
// namespace import keeps whole; sagekit reports its own English messages and never uses them.
const dropZodLocales = {
  name: 'drop-zod-locales',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[/\\]zod[/\\]/.test(args.importer) ? { path: 'zod-locales', namespace: 'sagekit-empty' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'sagekit-empty' }, () => ({ contents: 'export {};', loader: 'js' }));
  },
};

await rm(outdir, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: ['dist/cli/main.js', 'dist/cli/closed-output.js'],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external,
  plugins: [dropZodLocales],
  // The bundled CommonJS packages (commander, yaml) call require() for Node's own modules.
  banner: { js: "import { createRequire as __sagekitCreateRequire } from 'node:module'; const require = __sagekitCreateRequire(import.meta.url);" },
  metafile: true,
  // Whitespace and syntax only (~10 % less to parse at each start); names stay readable in stack traces.
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
});

// A package that is neither bundled on purpose nor external means a new dependency: decide which.
const packages = new Set(
  Object.keys(result.metafile.inputs)
    .map((input) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1])
    .filter((name) => name !== undefined),
);
const unexpected = [...packages].filter((name) => !BUNDLED.has(name));
if (unexpected.length > 0) {
  console.error(`bundle-cli: packages bundled by accident (add them to BUNDLED or to dependencies): ${unexpected.join(', ')}`);
  process.exit(1);
}

#!/usr/bin/env node
// Thin launcher: `npm run build` (run by `npm ci` via `prepare`) compiles src/ to dist/ and
// bundles the CLI into dist/cli-bundle (scripts/bundle-cli.mjs: faster start-up); a build
// without the bundle (tsc alone) runs the compiled modules.
import { existsSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';

// A CLI streaming a job's output allocates fast and keeps little: V8's memory-saving mode keeps
// its heap nearer what is live (peak RSS of a job printing 200 000 lines: 99 -> ~88 MB, same
// speed). Set at run time, it applies in part: given on node's command line it does more (~75 MB),
// but a `#!/usr/bin/env -S node …` line would break where env has no -S (busybox, Alpine).
setFlagsFromString('--optimize-for-size');

// The AWS SDK prints a multi-line Node-version notice on Node 20; keep the CLI's stderr clean
// unless the user explicitly asked for it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const dir = existsSync(new URL('../dist/cli-bundle/main.js', import.meta.url)) ? '../dist/cli-bundle' : '../dist/cli';
// `sagekit logs NAME | head` closes the pipe early: that is the reader's choice, not an error
// (and `train` stops its job cleanly then), see src/cli/closed-output.ts.
const { handleClosedOutput } = await import(`${dir}/closed-output.js`);
handleClosedOutput();
const { main } = await import(`${dir}/main.js`);
process.exitCode = await main(process.argv);

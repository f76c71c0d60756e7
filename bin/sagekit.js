#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm run build` (run by `npm ci` via `prepare`).
// The AWS SDK prints a multi-line Node-version notice on Node 20; keep the CLI's stderr clean
// unless the user explicitly asked for it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// `sagekit logs NAME | head` closes the pipe early: that is the reader's choice, not an error
// (and `train` stops its job cleanly then), see src/cli/closed-output.ts.
const { handleClosedOutput } = await import('../dist/cli/closed-output.js');
handleClosedOutput();
const { main } = await import('../dist/cli/main.js');
process.exitCode = await main(process.argv);

/**
 * `sagekit doctor`: which container engine a local job would use (and how it was found), its
 * version and API, the other engines that answer here, and whether what local jobs need works
 * on it: image builds, job networks where `algo-i` names resolve, FIFOs in bind mounts.
 */
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import type { ActionWrapper } from '../action.js';

/** The image the network and FIFO checks run in when none is given (the offline base image). */
const DEFAULT_CHECK_IMAGE = 'localhost/sagekit-busybox:latest';

/** Registers `sagekit doctor`. */
export function registerDoctor(program: Command, context: CliContext, wrap: ActionWrapper): void {
  program
    .command('doctor')
    .description('check the container engine local jobs use: what was found, its version, and what works')
    .option('--engine-host <url>', 'check this engine (unix:///path, tcp://host:port, ssh://user@host) instead of the detected one')
    .option('--image <image>', `image with a shell for the network and FIFO checks (default ${DEFAULT_CHECK_IMAGE} when present)`)
    .addHelpText('after', '\nExamples:\n  $ sagekit doctor\n  $ DOCKER_HOST=ssh://me@gpu-box sagekit doctor --json')
    .action(
      wrap(async (flags: { engineHost?: string; image?: string }) => {
        const [{ connectEngine, discoverEngines }, { runEngineChecks }] = await Promise.all([
          import('../../local/engine/connect.js'),
          import('../../local/doctor.js'),
        ]);
        const engine = await connectEngine(flags.engineHost);
        const info = await engine.version();
        const others = (await discoverEngines()).found
          .filter((e) => e.host !== engine.host)
          .map((e) => ({ host: e.host, source: e.source, kind: e.info.kind, version: e.info.version }));
        const checks = await runEngineChecks(engine, flags.image ?? DEFAULT_CHECK_IMAGE);
        const failed = checks.some((c) => c.status === 'failed');
        if (context.flags().json) {
          context.printJson({ engine: { host: engine.host, source: engine.source, local: engine.local, ...info }, otherEngines: others, checks, ok: !failed });
          return failed ? 3 : 0;
        }
        const { term } = context;
        const out = (line: string) => context.stdout.write(`${line}\n`);
        out(`engine   ${info.kind} ${info.version} (API ${info.apiVersion}, ${info.os}/${info.arch})`);
        out(`at       ${engine.host} (found by: ${engine.source})`);
        for (const other of others) out(`also     ${other.kind} ${other.version} at ${other.host} (${other.source}; pick it with DOCKER_HOST=${other.host})`);
        const mark = { ok: term.style('green', 'ok'), failed: term.style('red', 'FAILED'), skipped: term.style('yellow', 'skipped') };
        for (const check of checks) out(`${check.name.padEnd(8)} ${mark[check.status]}  ${check.detail}`);
        return failed ? 3 : 0;
      }),
    );
}

/** `sagekit logs NAME [--follow]`: the job's log lines from every host, on stdout. */
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import type { ActionWrapper } from '../action.js';
import { Terminal } from '../terminal.js';
import { attachJob, withJobFlags, type JobFlags } from './attach.js';
import { countLines, parseLogFilter, type LogFilterFlags } from './log-filter.js';

/** Registers `sagekit logs`. */
export function registerLogs(program: Command, context: CliContext, wrap: ActionWrapper): void {
  withJobFlags(program.command('logs <name>').description("print a job's logs from every host (--json: one JSON object per line)"))
    .option('-f, --follow', 'keep printing new lines until the job ends')
    .option('-n, --tail <lines>', 'only the last N lines (then new ones with --follow)')
    .option('--since <time>', 'only lines since an ISO time or for a duration back (30s, 10m, 2h, 1d)')
    .option('--host <host>', 'only the lines of this host (algo-1, algo-2, …)')
    .addHelpText(
      'after',
      '\nExamples:\n  $ sagekit logs my-job\n  $ sagekit logs my-job --follow | grep loss\n  $ sagekit logs my-job --host algo-2 --tail 20 --since 10m',
    )
    .action(
      wrap(async (name: string, flags: JobFlags & LogFilterFlags & { follow?: boolean }) => {
        const filter = parseLogFilter(flags);
        const job = await attachJob(name, flags, context);
        const describe = await job.describe();
        const groups = describe.ResourceConfig?.InstanceGroups;
        const multiHost = (groups ? groups.reduce((sum, g) => sum + (g.InstanceCount ?? 0), 0) : (describe.ResourceConfig?.InstanceCount ?? 1)) > 1;
        const out = new Terminal(context.stdout);
        const abort = new AbortController();
        const onInterrupt = () => abort.abort();
        process.once('SIGINT', onInterrupt);
        try {
          const skip = filter.tail === undefined ? 0 : Math.max(0, (await countLines(job, filter)) - filter.tail);
          let seen = 0;
          for await (const line of job.logs({ follow: flags.follow ?? false, signal: abort.signal })) {
            if (!filter.matches(line) || seen++ < skip) continue;
            if (context.flags().json) {
              context.stdout.write(`${JSON.stringify(line)}\n`);
            } else if (multiHost) {
              const index = Number(/(\d+)$/.exec(line.host)?.[1] ?? 1) - 1;
              out.line(`${out.style(out.hostStyle(index), `${line.host} |`)} ${line.message}`);
            } else {
              out.line(line.message);
            }
          }
        } catch (error) {
          if (!abort.signal.aborted) throw error;
        } finally {
          process.off('SIGINT', onInterrupt);
        }
        return 0;
      }),
    );
}

/** `sagekit logs NAME [--follow]`: the job's log lines from every host, on stdout. */
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import type { ActionWrapper } from '../action.js';
import { Terminal } from '../terminal.js';
import { attachJob, withJobFlags, type JobFlags } from './attach.js';

/** Registers `sagekit logs`. */
export function registerLogs(program: Command, context: CliContext, wrap: ActionWrapper): void {
  withJobFlags(program.command('logs <name>').description("print a job's logs from every host (--json: one JSON object per line)"))
    .option('-f, --follow', 'keep printing new lines until the job ends')
    .addHelpText('after', '\nExamples:\n  $ sagekit logs my-job\n  $ sagekit logs my-job --follow | grep loss')
    .action(
      wrap(async (name: string, flags: JobFlags & { follow?: boolean }) => {
        const job = await attachJob(name, flags, context);
        const describe = await job.describe();
        const groups = describe.ResourceConfig?.InstanceGroups;
        const multiHost = (groups ? groups.reduce((sum, g) => sum + (g.InstanceCount ?? 0), 0) : (describe.ResourceConfig?.InstanceCount ?? 1)) > 1;
        const out = new Terminal(context.stdout);
        const abort = new AbortController();
        const onInterrupt = () => abort.abort();
        process.once('SIGINT', onInterrupt);
        try {
          for await (const line of job.logs({ follow: flags.follow ?? false, signal: abort.signal })) {
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

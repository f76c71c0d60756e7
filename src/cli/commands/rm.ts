/**
 * `sagekit rm JOB…` and `sagekit prune`: remove local job records and their files (each host's
 * /opt/ml copy, logs, metrics). Artifacts under the job's outputPath stay; running jobs are refused.
 */
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import type { ActionWrapper } from '../action.js';

/** Registers `sagekit rm` and `sagekit prune`. */
export function registerRemove(program: Command, context: CliContext, wrap: ActionWrapper): void {
  program
    .command('rm <names...>')
    .description('remove local job records and their files (not the artifacts under outputPath); running jobs are refused')
    .addHelpText('after', '\nExamples:\n  $ sagekit rm my-job-2026-12-01-10-00-00-000\n  $ sagekit rm job-a job-b --json')
    .action(
      wrap(async (names: string[]) => {
        const { removeLocalJob } = await import('../../local/remove.js');
        const stateDir = context.flags().stateDir;
        const removed: string[] = [];
        let firstError: unknown;
        // Every name is tried, so one bad name does not keep the others.
        for (const name of names) {
          try {
            await removeLocalJob(name, stateDir ? { stateDir } : {});
            removed.push(name);
            if (!context.flags().json) context.stdout.write(`${name}\n`);
          } catch (error) {
            firstError ??= error;
            if (names.length > 1) context.term.line(context.term.style('red', `${name}: ${(error as Error).message}`));
          }
        }
        if (context.flags().json) context.printJson({ removed });
        if (firstError !== undefined && names.length === 1) throw firstError;
        return firstError === undefined ? 0 : 2;
      }),
    );
  program
    .command('prune')
    .description('remove the records of ended local jobs (all of them, or those older than --older-than)')
    .option('--older-than <age>', 'only jobs that ended more than this long ago: 30m, 12h, 7d, 2w')
    .option('--dry-run', 'list what would be removed, remove nothing')
    .addHelpText('after', '\nExamples:\n  $ sagekit prune --older-than 7d\n  $ sagekit prune --dry-run --json')
    .action(
      wrap(async (flags: { olderThan?: string; dryRun?: boolean }) => {
        const { parseAge, pruneLocalJobs } = await import('../../local/remove.js');
        const olderThanMs = flags.olderThan === undefined ? undefined : parseAge(flags.olderThan);
        const stateDir = context.flags().stateDir;
        const pruned = await pruneLocalJobs({
          ...(stateDir && { stateDir }),
          ...(olderThanMs !== undefined && { olderThanMs }),
          dryRun: flags.dryRun === true,
        });
        if (context.flags().json) {
          context.printJson({ removed: flags.dryRun ? [] : pruned.map((p) => p.name), ...(flags.dryRun && { wouldRemove: pruned.map((p) => p.name) }) });
          return 0;
        }
        for (const job of pruned) context.stdout.write(`${job.name}\t${job.status}\t${job.endTime ?? ''}\n`);
        context.term.line(`${flags.dryRun ? 'would remove' : 'removed'} ${pruned.length} job record${pruned.length === 1 ? '' : 's'}`);
        return 0;
      }),
    );
}

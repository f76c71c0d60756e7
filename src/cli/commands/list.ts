/** `sagekit list`: recent jobs of both backends with status, duration and backend. */
import type { Command } from 'commander';
// Light: the backends load inside listJobs, for the backends asked for.
import { awsConfigured, listJobs } from '../../estimator/list-jobs.js';
import type { CliContext } from '../context.js';
import type { ActionWrapper } from '../action.js';
import { jobStatus, oneOf, wholeNumber } from '../flag-checks.js';
import { formatDuration, table } from '../terminal.js';

interface ListFlags {
  backend?: 'local' | 'aws' | 'all';
  status?: string;
  max: string;
  region?: string;
}

/** Registers `sagekit list`. */
export function registerList(program: Command, context: CliContext, wrap: ActionWrapper): void {
  program
    .command('list')
    .description('list recent jobs (local records, and SageMaker jobs when AWS is configured)')
    .option('--backend <backend>', 'local, aws or all (default: all when AWS is configured, else local)')
    .option('--status <status>', 'only jobs with this status (InProgress, Completed, Failed, Stopping, Stopped)')
    .option('--max <n>', 'at most this many jobs per backend', '20')
    .option('--region <region>', 'AWS region for SageMaker jobs')
    .addHelpText('after', '\nExamples:\n  $ sagekit list\n  $ sagekit list --backend aws --status InProgress --json')
    .action(
      wrap(async (flags: ListFlags) => {
        const backend = flags.backend ? oneOf('--backend', flags.backend, ['local', 'aws', 'all'] as const) : awsConfigured() ? 'all' : 'local';
        const max = wholeNumber('--max', flags.max);
        if (flags.status) flags.status = jobStatus(flags.status);
        const stateDir = context.flags().stateDir;
        const jobs = await listJobs({
          backend,
          maxResults: max,
          ...(flags.status && { status: flags.status }),
          ...(flags.region && { region: flags.region }),
          ...(stateDir && { stateDir }),
          onSkipped: (name, error) => context.term.line(`${context.term.style('yellow', 'warning:')} skipped ${name}: ${error.message}`),
          onAwsUnavailable: (error) => context.term.line(context.term.style('dim', `SageMaker jobs not listed: ${error.message.split('\n')[0]}`)),
        });
        if (context.flags().json) {
          context.printJson(jobs);
          return 0;
        }
        if (!jobs.length) {
          context.term.line('no jobs yet; start one with: sagekit train --config job.yaml');
          return 0;
        }
        const rows = jobs.map((j) => [
          j.name,
          j.status,
          j.backend,
          new Date(j.creationTime).toISOString().replace('T', ' ').slice(0, 19),
          j.durationSeconds === undefined ? '' : formatDuration(j.durationSeconds),
        ]);
        for (const line of table([['NAME', 'STATUS', 'BACKEND', 'CREATED (UTC)', 'DURATION'], ...rows])) context.stdout.write(`${line}\n`);
        return 0;
      }),
    );
}

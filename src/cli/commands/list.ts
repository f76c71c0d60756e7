/** `sagekit list`: recent jobs of both backends with status, duration and backend. */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import type { JobSummary } from '../../job.js';
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

/** True when this machine has some AWS configuration, so listing SageMaker jobs is worth a try. */
export function awsConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.AWS_REGION || env.AWS_DEFAULT_REGION || env.AWS_PROFILE || existsSync(env.AWS_CONFIG_FILE ?? path.join(homedir(), '.aws', 'config')));
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
        const jobs: JobSummary[] = [];
        if (backend !== 'aws') {
          const { listLocalJobs } = await import('../../local/index.js');
          const stateDir = context.flags().stateDir;
          const onSkipped = (name: string, error: Error) => context.term.line(`${context.term.style('yellow', 'warning:')} skipped ${name}: ${error.message}`);
          jobs.push(
            ...(await listLocalJobs({ ...(stateDir && { stateDir }), onSkipped })).filter((j) => !flags.status || j.status === flags.status).slice(0, max),
          );
        }
        if (backend !== 'local') {
          const [{ Session }, { listAwsJobs }] = await Promise.all([import('../../aws/session.js'), import('../../aws/index.js')]);
          try {
            const session = new Session(flags.region ? { region: flags.region } : {});
            jobs.push(...(await listAwsJobs(session, { ...(flags.status && { statusEquals: flags.status }), maxResults: max })));
          } catch (error) {
            if (backend === 'aws') throw error;
            context.term.line(context.term.style('dim', `SageMaker jobs not listed: ${(error as Error).message.split('\n')[0]}`));
          }
        }
        jobs.sort((a, b) => b.creationTime - a.creationTime);
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

/** `sagekit stop NAME`: stop a running job (local: SIGTERM, grace period, kill; artifacts kept). */
import type { Command } from 'commander';
import { isTerminalStatus } from '../../job.js';
import type { CliContext } from '../context.js';
import type { ActionWrapper } from '../action.js';
import { attachJob, withJobFlags, type JobFlags } from './attach.js';

/** Registers `sagekit stop`. */
export function registerStop(program: Command, context: CliContext, wrap: ActionWrapper): void {
  withJobFlags(program.command('stop <name>').description('stop a running job; artifacts produced so far are kept'))
    .option('--wait', 'wait until the job has stopped')
    .addHelpText('after', '\nExamples:\n  $ sagekit stop my-job\n  $ sagekit stop my-job --wait --json')
    .action(
      wrap(async (name: string, flags: JobFlags & { wait?: boolean }) => {
        const job = await attachJob(name, flags, context);
        const before = await job.describe();
        if (isTerminalStatus(before.TrainingJobStatus)) {
          context.term.line(`${name} already ended: ${before.TrainingJobStatus}`);
        } else {
          await job.stop();
          context.term.line(`stop requested for ${name}`);
        }
        const after = flags.wait ? await job.wait({ throwOnFailure: false }) : await job.describe();
        if (context.flags().json) context.printJson(after);
        else context.stdout.write(`${name} ${after.TrainingJobStatus}\n`);
        return 0;
      }),
    );
}

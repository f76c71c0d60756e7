/** `sagekit describe NAME`: the DescribeTrainingJob document of a local or SageMaker job. */
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { summaryLines } from '../job-reporter.js';
import type { ActionWrapper } from '../action.js';
import { table } from '../terminal.js';
import { attachJob, withJobFlags, type JobFlags } from './attach.js';

/** Registers `sagekit describe`. */
export function registerDescribe(program: Command, context: CliContext, wrap: ActionWrapper): void {
  withJobFlags(program.command('describe <name>').description('show a job: status, timings, metrics, artifacts (DescribeTrainingJob shape with --json)'))
    .addHelpText('after', '\nExamples:\n  $ sagekit describe my-algo-2026-01-02-03-04-05-006\n  $ sagekit describe my-job --json | jq .FinalMetricDataList')
    .action(
      wrap(async (name: string, flags: JobFlags) => {
        const job = await attachJob(name, flags, context);
        const describe = await job.describe();
        if (context.flags().json) {
          context.printJson(describe);
          return 0;
        }
        const out = (line: string) => context.stdout.write(`${line}\n`);
        for (const line of summaryLines(describe, context.term, job.backend)) out(line);
        out(`  backend    ${job.backend}`);
        out(`  image      ${describe.AlgorithmSpecification?.TrainingImage ?? ''}`);
        const groups = describe.ResourceConfig?.InstanceGroups;
        out(
          groups?.length
            ? `  instances  ${groups.map((g) => `${g.InstanceGroupName}: ${g.InstanceCount ?? 0} x ${g.InstanceType ?? ''}`).join(', ')}`
            : `  instances  ${describe.ResourceConfig?.InstanceCount ?? 1} x ${describe.ResourceConfig?.InstanceType ?? ''}`,
        );
        const transitions = describe.SecondaryStatusTransitions ?? [];
        if (transitions.length) {
          out('  transitions');
          const rows = transitions.map((t) => [t.StartTime ? new Date(t.StartTime).toISOString() : '', t.Status ?? '', t.StatusMessage ?? '']);
          for (const row of table([['start', 'status', 'message'], ...rows])) out(`    ${row}`);
        }
        return 0;
      }),
    );
}

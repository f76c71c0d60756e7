/**
 * `sagekit endpoints list|describe|delete|logs`: local endpoints (their records) and, when AWS
 * is configured or asked for, SageMaker endpoints.
 */
import type { Command } from 'commander';
import type { DescribeEndpointOutput } from '@aws-sdk/client-sagemaker';
import type { CliContext } from '../context.js';
import type { ActionWrapper } from '../action.js';
import { table } from '../terminal.js';
import { awsConfigured } from '../../estimator/list-jobs.js';

interface EndpointFlags {
  backend?: 'local' | 'aws';
  region?: string;
}

interface Row {
  name: string;
  status: string;
  backend: 'local' | 'aws';
  created: Date | undefined;
  url: string;
}

const withFlags = (command: Command) =>
  command
    .option('--backend <backend>', 'local or aws (default: local record first, then SageMaker)')
    .option('--region <region>', 'AWS region of SageMaker endpoints');

async function predictorFor(name: string, flags: EndpointFlags, context: CliContext) {
  const { Predictor } = await import('../../deploy/predictor.js');
  const stateDir = context.flags().stateDir;
  return new Predictor(name, {
    ...(flags.backend && { backend: flags.backend }),
    ...(flags.region && { region: flags.region }),
    ...(stateDir && { stateDir }),
  });
}

async function listRows(flags: EndpointFlags, context: CliContext): Promise<Row[]> {
  const rows: Row[] = [];
  const stateDir = context.flags().stateDir;
  const backend = flags.backend ?? (awsConfigured() ? 'all' : 'local');
  if (backend !== 'aws') {
    const { listLocalEndpoints } = await import('../../local/endpoint/index.js');
    for (const doc of await listLocalEndpoints(stateDir ? { stateDir } : {})) {
      rows.push({ name: doc.EndpointName!, status: doc.EndpointStatus ?? '', backend: 'local', created: doc.CreationTime, url: doc.Local.Url ?? '' });
    }
  }
  if (backend !== 'local') {
    const [{ Session }, { listAwsEndpoints }] = await Promise.all([import('../../aws/session.js'), import('../../aws/endpoint.js')]);
    try {
      for (const e of await listAwsEndpoints(new Session(flags.region ? { region: flags.region } : {}))) {
        rows.push({ name: e.EndpointName!, status: e.EndpointStatus ?? '', backend: 'aws', created: e.CreationTime, url: '' });
      }
    } catch (error) {
      if (backend === 'aws') throw error;
      context.term.line(context.term.style('dim', `SageMaker endpoints not listed: ${(error as Error).message.split('\n')[0]}`));
    }
  }
  return rows.sort((a, b) => (b.created?.getTime() ?? 0) - (a.created?.getTime() ?? 0));
}

function describeLines(
  doc: DescribeEndpointOutput & { Local?: { Url?: string; Pid?: number; Instances?: Array<{ Name: string; Address?: string }> } },
): string[] {
  const variant = doc.ProductionVariants?.[0];
  const lines = [
    `${doc.EndpointName}  ${doc.EndpointStatus ?? ''}`,
    `  backend    ${doc.Local ? 'local' : 'aws'}`,
    `  config     ${doc.EndpointConfigName ?? ''}`,
    `  image      ${variant?.DeployedImages?.[0]?.SpecifiedImage ?? ''}`,
    `  instances  ${variant?.CurrentInstanceCount ?? 0}/${variant?.DesiredInstanceCount ?? variant?.CurrentInstanceCount ?? 0}`,
    `  created    ${doc.CreationTime ? new Date(doc.CreationTime).toISOString() : ''}`,
  ];
  if (doc.Local?.Url) lines.push(`  url        ${doc.Local.Url} (POST /invocations, GET /ping)`);
  if (doc.Local?.Pid) lines.push(`  process    ${doc.Local.Pid}`);
  if (doc.FailureReason) lines.push(`  failure    ${doc.FailureReason.split('\n').join('\n             ')}`);
  return lines;
}

/** `endpoints list`'s output: the rows as JSON, a table, or a hint when there are none. */
function printEndpointList(rows: Row[], context: CliContext): void {
  if (context.flags().json) {
    context.printJson(
      rows.map((r) => ({ EndpointName: r.name, EndpointStatus: r.status, Backend: r.backend, CreationTime: r.created, ...(r.url && { Url: r.url }) })),
    );
  } else if (!rows.length) context.term.line('no endpoints; deploy one with: sagekit deploy JOB --instance-type local');
  else {
    for (const line of table([
      ['NAME', 'STATUS', 'BACKEND', 'CREATED (UTC)', 'URL'],
      ...rows.map((r) => [r.name, r.status, r.backend, r.created ? new Date(r.created).toISOString().replace('T', ' ').slice(0, 19) : '', r.url]),
    ]))
      context.stdout.write(`${line}\n`);
  }
}

/** Registers `sagekit endpoints`. */
export function registerEndpoints(program: Command, context: CliContext, wrap: ActionWrapper): void {
  const endpoints = program
    .command('endpoints')
    .description('list, describe, delete endpoints and show their logs (local, and SageMaker when AWS is configured)')
    .addHelpText(
      'after',
      '\nExamples:\n  $ sagekit endpoints list\n  $ sagekit endpoints describe my-endpoint --json\n  $ sagekit endpoints logs my-endpoint\n  $ sagekit endpoints delete my-endpoint',
    );
  const out = (line: string) => context.stdout.write(`${line}\n`);

  withFlags(endpoints.command('list').description('list endpoints with status and backend'))
    .addHelpText('after', '\nExamples:\n  $ sagekit endpoints list --json')
    .action(
      wrap(async (flags: EndpointFlags) => {
        printEndpointList(await listRows(flags, context), context);
        return 0;
      }),
    );

  withFlags(endpoints.command('describe <name>').description('show an endpoint (DescribeEndpoint shape with --json; local ones add Local.Url)'))
    .addHelpText('after', '\nExamples:\n  $ sagekit endpoints describe my-endpoint')
    .action(
      wrap(async (name: string, flags: EndpointFlags) => {
        const doc = await (await predictorFor(name, flags, context)).describe();
        if (context.flags().json) context.printJson(doc);
        else for (const line of describeLines(doc)) out(line);
        return 0;
      }),
    );

  withFlags(endpoints.command('delete <name>').description('delete an endpoint with its endpoint config and model (local: its containers stop)'))
    .option('--keep-model', 'SageMaker: keep the model and endpoint config')
    .addHelpText('after', '\nExamples:\n  $ sagekit endpoints delete my-endpoint')
    .action(
      wrap(async (name: string, flags: EndpointFlags & { keepModel?: boolean }) => {
        await (await predictorFor(name, flags, context)).delete({ deleteModel: !flags.keepModel, deleteEndpointConfig: !flags.keepModel });
        if (context.flags().json) context.printJson({ EndpointName: name, Deleted: true });
        else out(`${name} deleted`);
        return 0;
      }),
    );

  endpoints
    .command('logs <name>')
    .description("print a local endpoint's container logs (SageMaker: see CloudWatch /aws/sagemaker/Endpoints/<name>)")
    .addHelpText('after', '\nExamples:\n  $ sagekit endpoints logs my-endpoint')
    .action(
      wrap(async (name: string) => {
        const { localEndpointLogs } = await import('../../local/endpoint/index.js');
        const stateDir = context.flags().stateDir;
        const lines = await localEndpointLogs(name, stateDir ? { stateDir } : {});
        for (const line of lines) out(context.flags().json ? JSON.stringify(line) : `${line.host} | ${line.message}`);
        return 0;
      }),
    );
  // Like the top-level commands (main.ts): usage mistakes become exit code 2, not process.exit.
  for (const command of endpoints.commands) command.exitOverride().configureOutput(program.configureOutput());
}

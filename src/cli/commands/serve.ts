/**
 * `sagekit serve`: a SageMaker-compatible endpoint on this machine. The serve modules (and the
 * AWS SDK they load) are imported only when this command runs, so other commands start fast.
 */
import type { Command } from 'commander';
import { EnvironmentError, UsageError } from '../../errors.js';
import type { CliContext } from '../context.js';
import type { ActionWrapper } from '../action.js';

/** Default port: free of LocalStack's 4566 and moto's 5000, so serve can run next to them. */
const DEFAULT_SERVE_PORT = 4580;

interface ServeFlags {
  port: string;
  host: string;
  s3Endpoint?: string;
  accessKeyId?: string;
  region?: string;
  accountId?: string;
  allowHost: string[];
  stopGracePeriod?: string;
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port: must be an integer between 0 and 65535 (got ${JSON.stringify(text)})`);
  return port;
}

function parseGrace(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds < 0) throw new UsageError(`--stop-grace-period: must be a number of seconds >= 0 (got ${JSON.stringify(text)})`);
  return seconds;
}

/** Collects a repeatable flag's values. */
function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function checkAllowedHosts(names: string[]): void {
  for (const name of names) {
    if (!/^[A-Za-z0-9.-]+(:\d+)?$|^\[[0-9A-Fa-f:.]+\](:\d+)?$/.test(name)) {
      throw new UsageError(`--allow-host: must be a host name or address, optionally with :port (got ${JSON.stringify(name)})`);
    }
  }
}

/** True for addresses only this machine reaches. */
function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/** Resolves once SIGINT or SIGTERM arrived; later signals call `again`. */
function untilSignal(again: () => void): Promise<string> {
  return new Promise((resolve) => {
    let received = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (received) return again();
      received = true;
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

async function serve(flags: ServeFlags, context: CliContext): Promise<number> {
  const { term } = context;
  const port = parsePort(flags.port);
  const grace = parseGrace(flags.stopGracePeriod);
  checkAllowedHosts(flags.allowHost);
  if (flags.s3Endpoint !== undefined && !/^https?:\/\/[^/]+/.test(flags.s3Endpoint)) {
    throw new UsageError(`--s3-endpoint: must be an http:// or https:// URL (got ${JSON.stringify(flags.s3Endpoint)})`);
  }
  const { startServe } = await import('../../serve/index.js');
  const stateDir = context.flags().stateDir;
  const handle = await startServe({
    port,
    host: flags.host,
    ...(stateDir && { stateDir }),
    ...(flags.s3Endpoint && { s3Endpoint: flags.s3Endpoint }),
    ...(flags.accessKeyId && { accessKeyId: flags.accessKeyId }),
    ...(flags.region && { region: flags.region }),
    ...(flags.accountId !== undefined && { accountId: flags.accountId }),
    ...(flags.allowHost.length > 0 && { allowedHosts: flags.allowHost }),
    ...(grace !== undefined && { stopGracePeriodSeconds: grace }),
    log: (line) => term.line(line),
  }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'EADDRINUSE' || error.code === 'EADDRNOTAVAIL' || error.code === 'EACCES') {
      throw new EnvironmentError(`cannot listen on ${flags.host}:${port}: ${error.message}`, 'choose another --port (0 picks a free one) or --host');
    }
    throw error;
  });
  if (context.flags().json) context.printJson({ url: handle.url, s3Endpoint: handle.s3Endpoint, stateDir: handle.stateDir, accountId: handle.accountId });
  else context.stdout.write(`sagekit serve listening on ${handle.url}\n`);
  term.line(`job records in ${handle.stateDir}; S3 store at ${handle.s3Endpoint}; account ${handle.accountId}`);
  if (!isLoopback(flags.host) && !flags.accessKeyId) {
    term.line(
      term.style('yellow', `warning: listening on ${flags.host} without --access-key-id: anyone who reaches this port can run containers on this machine`),
    );
  }
  term.line(term.style('dim', `try: aws --endpoint-url ${handle.url} sagemaker list-training-jobs   (Ctrl-C stops serve and its running jobs)`));
  const signal = await untilSignal(() => {
    term.line(term.style('yellow', 'killing the running jobs at once…'));
    handle.close().catch((error: unknown) => term.line(`could not kill the jobs: ${(error as Error).message}`));
  });
  const running = handle.runningJobs();
  term.line(term.style('yellow', `${signal}: stopping${running.length ? ` ${running.join(', ')}` : ''} (again to kill at once)…`));
  await handle.close();
  term.line('sagekit serve stopped');
  return 0;
}

/** Registers `sagekit serve`. */
export function registerServe(program: Command, context: CliContext, wrap: ActionWrapper): void {
  program
    .command('serve')
    .description('answer the SageMaker, CloudWatch Logs, S3 and STS APIs on this machine; training jobs run locally')
    .option('--port <n>', 'port to listen on (0 picks a free one)', String(DEFAULT_SERVE_PORT))
    .option('--host <address>', 'address to bind (signatures are not checked: keep it on loopback)', '127.0.0.1')
    .option('--s3-endpoint <url>', 'use this S3-compatible store instead of the embedded one (data under <state-dir>/s3)')
    .option('--access-key-id <id>', 'let in only requests signed with this access key id')
    .option('--region <region>', 'region of requests whose signature names none (default $AWS_REGION or us-east-1); signed requests get their own')
    .option('--account-id <id>', 'account id in ARNs and GetCallerIdentity, 12 digits (default: drawn once, kept in the state dir)')
    .option('--allow-host <name>', 'also answer requests whose Host is <name> (repeatable; default: 127.0.0.1, localhost and the --host address)', collect, [])
    .option('--stop-grace-period <seconds>', 'seconds between SIGTERM and SIGKILL when a job is stopped (default 120)')
    .addHelpText(
      'after',
      `
Examples:
  $ sagekit serve --port 4580
  $ aws --endpoint-url http://127.0.0.1:4580 sagemaker create-training-job --cli-input-json file://job.json
  $ aws --endpoint-url http://127.0.0.1:4580 logs get-log-events --log-group-name /aws/sagemaker/TrainingJobs --log-stream-name my-job/algo-1-1700000000`,
    )
    .action(wrap((flags: ServeFlags) => serve(flags, context)));
}

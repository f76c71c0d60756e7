/**
 * The `sagekit` command line. Exit codes: 0 Completed, 1 Failed or Stopped, 2 bad input or usage,
 * 3 environment (no container engine, no credentials). `--json` puts machine output on stdout;
 * logs, progress and errors always go to stderr.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { SagekitError, ValidationError } from '../errors.js';
import type { ExitSetter } from './action.js';
import { createContext, type CliContext, type GlobalFlags } from './context.js';
import { registerDeploy } from './commands/deploy.js';
import { registerDescribe } from './commands/describe.js';
import { registerDoctor } from './commands/doctor.js';
import { registerEndpoints } from './commands/endpoints.js';
import { registerInvoke } from './commands/invoke.js';
import { registerInit } from './commands/init.js';
import { registerList } from './commands/list.js';
import { registerLogs } from './commands/logs.js';
import { registerRemove } from './commands/rm.js';
import { registerRunLocal } from './commands/run-local.js';
import { registerServe } from './commands/serve.js';
import { registerServeEndpoint } from './commands/serve-endpoint.js';
import { registerStop } from './commands/stop.js';
import { registerTrain } from './commands/train.js';
import { packagePath } from '../util/package-root.js';

const VERSION = (JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string }).version;

/** Errors of the AWS SDK that mean "this machine is not set up", not "the job is wrong". */
function isEnvironmentProblem(error: Error): boolean {
  return ['CredentialsProviderError', 'ExpiredTokenException', 'UnrecognizedClientException', 'InvalidClientTokenId'].includes(error.name);
}

/** Prints an error as one line plus a hint; stack traces only with --debug. Returns the exit code. */
export function reportError(error: unknown, context: CliContext): number {
  const { term } = context;
  const debug = context.flags().debug;
  const err = error instanceof Error ? error : new Error(String(error));
  const red = (s: string) => term.style('red', s);
  if (err instanceof ValidationError) {
    term.line(`${red('error:')} ${err.message}`);
  } else {
    term.line(`${red('error:')} ${err.message.split('\n')[0]}`);
    for (const extra of err.message.split('\n').slice(1)) term.line(`  ${extra}`);
  }
  const hint =
    err instanceof SagekitError
      ? err.hint
      : isEnvironmentProblem(err)
        ? 'configure AWS credentials (aws configure, AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)'
        : undefined;
  if (hint) term.line(term.style('dim', `hint: ${hint}`));
  if (debug && err.stack) term.line(term.style('dim', err.stack));
  else if (!(err instanceof SagekitError) && !isEnvironmentProblem(err)) term.line(term.style('dim', 'run with --debug for details'));
  if (err instanceof SagekitError) return err.exitCode;
  return isEnvironmentProblem(err) ? 3 : 1;
}

/** Builds the program; `setExit` receives each action's exit code. */
export function buildProgram(context: CliContext, setExit: ExitSetter): Command {
  const program = new Command('sagekit')
    .description('Run SageMaker training jobs on Amazon SageMaker or on this machine, from one job file.')
    .version(VERSION, '-v, --version')
    .option('--json', 'machine-readable JSON on stdout (logs and progress stay on stderr)')
    .option('--debug', 'show stack traces of errors')
    .option('--state-dir <dir>', 'where local job records live (default: $SAGEKIT_STATE_DIR or ~/.local/state/sagekit)')
    .showHelpAfterError('(run sagekit --help for usage)')
    // Subcommand help lists --json, --debug and --state-dir too.
    .configureHelp({ showGlobalOptions: true })
    .configureOutput({
      writeOut: (s) => context.stdout.write(s),
      writeErr: (s) => context.term.stream.write(s),
      outputError: (s, write) => write(context.term.style('red', s)),
    })
    .exitOverride();
  program.addHelpText(
    'after',
    `
Examples:
  $ sagekit init my-job && sagekit train --config my-job/job.yaml
  $ sagekit train --config job.yaml --dry-run            # print the CreateTrainingJob request
  $ sagekit train --config job.yaml --set instanceType=ml.m5.xlarge
  $ sagekit list && sagekit logs <job> --follow

Exit codes: 0 completed, 1 failed or stopped, 2 bad input or usage, 3 environment (engine, credentials).`,
  );
  const wrap =
    <A extends unknown[]>(action: (...args: A) => Promise<number>) =>
    async (...args: A): Promise<void> => {
      try {
        setExit(await action(...args));
      } catch (error) {
        setExit(reportError(error, context));
      }
    };
  for (const register of [
    registerTrain,
    registerDescribe,
    registerLogs,
    registerStop,
    registerList,
    registerInit,
    registerDoctor,
    registerRemove,
    registerRunLocal,
    registerServe,
    registerDeploy,
    registerInvoke,
    registerEndpoints,
    registerServeEndpoint,
  ]) {
    register(program, context, wrap);
  }
  for (const command of program.commands) command.exitOverride().configureOutput(program.configureOutput());
  return program;
}

/** Runs the CLI with `argv` (as `process.argv`); resolves to the exit code. */
export async function main(argv: readonly string[], streams: { stdout?: NodeJS.WritableStream; stderr?: NodeJS.WritableStream } = {}): Promise<number> {
  let exitCode = 0;
  let program: Command | undefined;
  const flags = (): GlobalFlags => (program?.opts() ?? {}) as GlobalFlags;
  const context = createContext((streams.stdout ?? process.stdout) as CliContext['stdout'], (streams.stderr ?? process.stderr) as CliContext['stdout'], flags);
  program = buildProgram(context, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; every usage mistake is exit code 2.
      return error.exitCode === 0 || error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? 0 : 2;
    }
    return reportError(error, context);
  }
  return exitCode;
}

export type { ActionWrapper, ExitSetter } from './action.js';

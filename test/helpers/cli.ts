/** Runs the real `sagekit` binary (bin/sagekit.js → dist/) as a subprocess. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const BIN = path.join(ROOT, 'bin/sagekit.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `sagekit ...args`; never rejects on a non-zero exit. */
export function runCli(
  args: string[],
  options: {
    cwd?: string;
    env?: NodeJS.ProcessEnv;
    input?: string;
    timeoutMs?: number;
    /** Node options before the script, e.g. `--import` of a preload (see aws-cli-mock.ts). */
    nodeArgs?: string[];
    /** Called with all of stderr so far on every chunk, e.g. to send a signal at the right moment. */
    onStderr?: (stderr: string, child: ChildProcess) => void;
  } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), BIN, ...args], {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      options.onStderr?.(stderr, child);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/**
 * Arguments for util-linux `script`, which runs `argv` on a pseudo-terminal as a user's shell would.
 * `exec` matters: without it a shell that does not exec its last command (dash, the usual /bin/sh)
 * stays in the terminal's foreground group, dies of a typed ^C and makes `script -e` report 130
 * even though the CLI itself handled the interrupt.
 */
export function scriptArgs(argv: string[]): string[] {
  const quoted = argv.map((arg) => `'${arg.replaceAll("'", `'\\''`)}'`).join(' ');
  return ['-qfec', `exec ${quoted}`, '/dev/null'];
}

/** What every command gets: output streams and the global flags. */
import type { Writable } from 'node:stream';
import { Terminal } from './terminal.js';

/** Global flags shared by every command. */
export interface GlobalFlags {
  json?: boolean;
  debug?: boolean;
  stateDir?: string;
}

/** Streams and flags of one CLI run. */
export interface CliContext {
  /** Machine output (JSON with --json, results otherwise). */
  stdout: Writable;
  /** Human output: logs, progress, warnings, errors. */
  term: Terminal;
  /** Resolved global flags (read them at action time: commander fills them while parsing). */
  flags(): GlobalFlags;
  /** Writes a JSON document on stdout. */
  printJson(value: unknown): void;
}

/** A context over the given streams. */
export function createContext(stdout: Writable, stderr: Writable, flags: () => GlobalFlags): CliContext {
  return {
    stdout,
    term: new Terminal(stderr),
    flags,
    printJson(value: unknown) {
      stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    },
  };
}

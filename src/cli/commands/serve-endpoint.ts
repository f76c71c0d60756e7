/**
 * The hidden `_serve-endpoint <file>` command: the detached process that owns a local endpoint
 * (containers and front proxy) until SIGTERM — sent by `sagekit endpoints delete` or
 * `predictor.delete()` — makes it clean up and exit. See src/local/endpoint/server.ts.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { EndpointJob } from '../../local/endpoint/record.js';
import type { CliContext } from '../context.js';
import type { ActionWrapper } from '../action.js';

async function serve(file: string): Promise<number> {
  const { serveEndpoint } = await import('../../local/endpoint/server.js');
  const job = JSON.parse(await readFile(file, 'utf8')) as EndpointJob;
  const stopped = new Promise<void>((resolve) => {
    process.once('SIGTERM', () => resolve());
    process.once('SIGINT', () => resolve());
  });
  const outcome = await serveEndpoint(job, stopped);
  return outcome === 'failed' ? 1 : 0;
}

/** Registers `_serve-endpoint`. */
export function registerServeEndpoint(program: Command, _context: CliContext, wrap: ActionWrapper): void {
  program
    .command('_serve-endpoint <file>', { hidden: true })
    .description('internal: serve the local endpoint described by <file> (started by sagekit deploy)')
    .action(wrap((file: string) => serve(file)));
}

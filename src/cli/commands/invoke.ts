/** `sagekit invoke ENDPOINT`: POST a body to an endpoint's /invocations and print the answer. */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import type { CliContext } from '../context.js';
import type { ActionWrapper } from '../action.js';

interface InvokeFlags {
  contentType?: string;
  accept?: string;
  body?: string;
  bodyFile?: string;
  customAttributes?: string;
  backend?: 'local' | 'aws';
  region?: string;
}

async function requestBody(flags: InvokeFlags): Promise<Uint8Array | string> {
  if ((flags.body === undefined) === (flags.bodyFile === undefined)) {
    throw new UsageError('give the request body with exactly one of --body TEXT or --body-file FILE (- for stdin)');
  }
  if (flags.body !== undefined) return flags.body;
  if (flags.bodyFile === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return new Uint8Array(Buffer.concat(chunks));
  }
  try {
    return new Uint8Array(await readFile(flags.bodyFile!));
  } catch (error) {
    throw new UsageError(`--body-file ${flags.bodyFile}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
}

/** Registers `sagekit invoke`. */
export function registerInvoke(program: Command, context: CliContext, wrap: ActionWrapper): void {
  program
    .command('invoke <endpoint>')
    .description("send a request to an endpoint (local or SageMaker) and print the model's answer on stdout")
    .option('--content-type <type>', 'content type of the body', 'application/json')
    .option('--accept <type>', 'content type to ask the model for')
    .option('--body <text>', 'request body')
    .option('--body-file <file>', 'request body from a file (- for stdin)')
    .option('--custom-attributes <text>', 'X-Amzn-SageMaker-Custom-Attributes')
    .option('--backend <backend>', 'where the endpoint is: local or aws (default: local record first, then SageMaker)')
    .option('--region <region>', 'AWS region of a SageMaker endpoint')
    .addHelpText(
      'after',
      `
Examples:
  $ sagekit invoke my-endpoint --content-type text/csv --body $'1.5\\n2'
  $ sagekit invoke my-endpoint --body '{"instances": [1.5, 2]}' --accept application/json
  $ sagekit invoke my-endpoint --content-type text/csv --body-file data.csv --json`,
    )
    .action(
      wrap(async (endpoint: string, flags: InvokeFlags) => {
        const body = await requestBody(flags);
        const { Predictor } = await import('../../deploy/predictor.js');
        const { StringDeserializer, IdentitySerializer } = await import('../../deploy/serializers.js');
        const stateDir = context.flags().stateDir;
        const predictor = new Predictor(endpoint, {
          serializer: new IdentitySerializer(flags.contentType),
          // No --accept: no Accept header, so the model answers in its default format.
          deserializer: new StringDeserializer(flags.accept ?? ''),
          ...(flags.backend && { backend: flags.backend }),
          ...(flags.region && { region: flags.region }),
          ...(stateDir && { stateDir }),
        });
        const answer = (await predictor.predict(body, { ...(flags.customAttributes && { customAttributes: flags.customAttributes }) })) as string;
        if (context.flags().json) context.printJson({ EndpointName: endpoint, Body: answer });
        else context.stdout.write(answer.endsWith('\n') || answer === '' ? answer : `${answer}\n`);
        return 0;
      }),
    );
}

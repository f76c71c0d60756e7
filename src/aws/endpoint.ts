/**
 * SageMaker endpoints: create (model, endpoint config, endpoint) and wait for InService with
 * the status shown; invoke through the SageMaker Runtime (InvokeEndpoint); delete the endpoint,
 * its config and its model; list. Loaded lazily: local commands never import the AWS SDK for it.
 */
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DeleteEndpointCommand,
  DeleteEndpointConfigCommand,
  DeleteModelCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  ListEndpointsCommand,
  type DescribeEndpointOutput,
  type EndpointSummary,
} from '@aws-sdk/client-sagemaker';
import { InvokeEndpointCommand, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { EndpointError, ModelError } from '../deploy/errors.js';
import type { EndpointClient } from '../deploy/endpoint-client.js';
import type { DeployRequests } from '../deploy/requests.js';
import { NotFoundError, UsageError } from '../errors.js';
import type { JobEvents } from '../events.js';
import { credentialsError, isCredentialError } from './errors.js';
import { sleep, withRetry } from './retry.js';
import type { Session } from './session.js';

/** Options of {@link createAwsEndpoint}. */
export interface CreateEndpointOptions {
  requests: DeployRequests;
  session: Session;
  events?: JobEvents;
  /** Wait for InService (default true). */
  wait?: boolean;
  /** Seconds between DescribeEndpoint calls while waiting (default 30, as the Python SDK). */
  pollSeconds?: number;
  signal?: AbortSignal;
}

/** An AWS SDK error as a sagekit error where one says more (credentials, validation, missing). */
function awsError(error: unknown, what: string): Error {
  if (isCredentialError(error)) return credentialsError(error);
  const e = error as Error;
  if (e.name === 'ValidationException' && /could not find|does not exist/i.test(e.message)) return new NotFoundError(`${what}: ${e.message}`);
  if (e.name === 'ValidationException' || e.name === 'ResourceLimitExceeded' || e.name === 'ResourceInUse') {
    return new UsageError(`${what} was refused by SageMaker: ${e.message}`);
  }
  return e;
}

async function call<T>(what: string, send: () => Promise<T>): Promise<T> {
  try {
    return await withRetry(send);
  } catch (error) {
    throw awsError(error, what);
  }
}

/** DescribeEndpoint. */
function describeAwsEndpoint(session: Session, name: string): Promise<DescribeEndpointOutput> {
  return call(`endpoint ${name}`, () => session.sagemaker().send(new DescribeEndpointCommand({ EndpointName: name })));
}

/**
 * Sends CreateModel, CreateEndpointConfig and CreateEndpoint, then (unless `wait: false`)
 * polls until the endpoint is InService, emitting each status; a Failed endpoint rejects with
 * {@link EndpointError} carrying SageMaker's FailureReason.
 */
export async function createAwsEndpoint(options: CreateEndpointOptions): Promise<DescribeEndpointOutput> {
  const { requests, session, events } = options;
  const sagemaker = session.sagemaker();
  const name = requests.CreateEndpoint.EndpointName!;
  await call(`model ${requests.CreateModel.ModelName}`, () => sagemaker.send(new CreateModelCommand(requests.CreateModel)));
  await call(`endpoint config ${requests.CreateEndpointConfig.EndpointConfigName}`, () =>
    sagemaker.send(new CreateEndpointConfigCommand(requests.CreateEndpointConfig)),
  );
  await call(`endpoint ${name}`, () => sagemaker.send(new CreateEndpointCommand(requests.CreateEndpoint)));
  events?.emit('info', `creating endpoint ${name} on SageMaker`);
  let doc = await describeAwsEndpoint(session, name);
  let last = '';
  for (;;) {
    const status = doc.EndpointStatus ?? 'Unknown';
    if (status !== last) {
      last = status;
      events?.emit('status', { status, secondaryStatus: status, ...(doc.FailureReason && { message: doc.FailureReason }), timestamp: Date.now() });
    }
    if (status === 'InService' || options.wait === false) return doc;
    if (status === 'Failed' || status === 'OutOfService') {
      throw new EndpointError({
        endpointName: name,
        status,
        failureReason: doc.FailureReason,
        hint: `see its logs in CloudWatch (/aws/sagemaker/Endpoints/${name}); remove it with: sagekit endpoints delete ${name}`,
      });
    }
    await sleep((options.pollSeconds ?? 30) * 1000, options.signal);
    if (options.signal?.aborted) return doc;
    doc = await describeAwsEndpoint(session, name);
  }
}

/** Deletes an endpoint, then (unless told not to) its endpoint config and the models of its variants. */
async function deleteAwsEndpoint(session: Session, name: string, options: { deleteModel?: boolean; deleteEndpointConfig?: boolean } = {}): Promise<void> {
  const sagemaker = session.sagemaker();
  const endpoint = await describeAwsEndpoint(session, name);
  const configName = endpoint.EndpointConfigName!;
  const config = await call(`endpoint config ${configName}`, () => sagemaker.send(new DescribeEndpointConfigCommand({ EndpointConfigName: configName })));
  await call(`endpoint ${name}`, () => sagemaker.send(new DeleteEndpointCommand({ EndpointName: name })));
  if (options.deleteEndpointConfig ?? true) {
    await call(`endpoint config ${configName}`, () => sagemaker.send(new DeleteEndpointConfigCommand({ EndpointConfigName: configName })));
  }
  if (options.deleteModel ?? true) {
    const models = [...new Set((config.ProductionVariants ?? []).map((v) => v.ModelName).filter((m): m is string => Boolean(m)))];
    for (const model of models) await call(`model ${model}`, () => sagemaker.send(new DeleteModelCommand({ ModelName: model })));
  }
}

/** Endpoints on SageMaker, newest first. */
export async function listAwsEndpoints(session: Session, maxResults = 50): Promise<EndpointSummary[]> {
  const answer = await call('endpoints', () =>
    session.sagemaker().send(new ListEndpointsCommand({ MaxResults: maxResults, SortBy: 'CreationTime', SortOrder: 'Descending' })),
  );
  return answer.Endpoints ?? [];
}

/** A runtime client with the session's region and credentials. */
async function runtimeClient(session: Session): Promise<SageMakerRuntimeClient> {
  const credentials = session.sagemaker().config.credentials;
  return new SageMakerRuntimeClient({ region: await session.getRegion(), credentials });
}

/** The {@link EndpointClient} of a SageMaker endpoint. */
export function awsEndpointClient(name: string, session: Session): EndpointClient {
  let runtime: Promise<SageMakerRuntimeClient> | undefined;
  return {
    backend: 'aws',
    async invoke(body, headers) {
      const client = await (runtime ??= runtimeClient(session));
      try {
        const answer = await client.send(
          new InvokeEndpointCommand({
            EndpointName: name,
            Body: typeof body === 'string' ? new TextEncoder().encode(body) : body,
            ...(headers.contentType && { ContentType: headers.contentType }),
            ...(headers.accept && { Accept: headers.accept }),
            ...(headers.customAttributes && { CustomAttributes: headers.customAttributes }),
          }),
        );
        return { body: answer.Body ?? new Uint8Array(), contentType: answer.ContentType };
      } catch (error) {
        const e = error as Error & { OriginalStatusCode?: number; LogStreamArn?: string };
        if (e.name === 'ModelError') {
          throw new ModelError({
            endpointName: name,
            ...(e.OriginalStatusCode !== undefined && { statusCode: e.OriginalStatusCode }),
            message: `the model answered ${e.OriginalStatusCode ?? 'an error'}: ${e.message}`,
          });
        }
        throw awsError(error, `endpoint ${name}`);
      }
    },
    describe: () => describeAwsEndpoint(session, name),
    delete: (options) => deleteAwsEndpoint(session, name, options),
  };
}

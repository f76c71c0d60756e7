/**
 * `Predictor`: calls an endpoint — local or on SageMaker — like the Python SDK's
 * `sagemaker.predictor.Predictor`: `predict()` serializes, invokes, deserializes; `delete()`
 * removes the endpoint (and, by default, its config and model).
 */
import type { DescribeEndpointOutput } from '@aws-sdk/client-sagemaker';
import type { Session } from '../aws/session.js';
import { EnvironmentError, NotFoundError } from '../errors.js';
import type { EndpointClient, PredictOptions } from './endpoint-client.js';
import { BytesDeserializer, IdentitySerializer, type Deserializer, type Serializer } from './serializers.js';

/** Options of a {@link Predictor}. */
export interface PredictorOptions {
  serializer?: Serializer;
  deserializer?: Deserializer;
  /** Where local endpoint records live. */
  stateDir?: string;
  engineHost?: string;
  /** `local` or `aws`; default: a local record of that name first, then SageMaker. */
  backend?: 'local' | 'aws';
  session?: Session;
  region?: string;
}

/** A client of one endpoint. */
export class Predictor {
  serializer: Serializer;
  deserializer: Deserializer;
  private client: Promise<EndpointClient> | undefined;

  /**
   * @param endpointName the endpoint to call (a local one, or one on SageMaker)
   * @param options serializers (default: raw bytes in and out, as in the Python SDK) and where the endpoint is
   */
  constructor(
    readonly endpointName: string,
    private readonly options: PredictorOptions = {},
    client?: EndpointClient,
  ) {
    this.serializer = options.serializer ?? new IdentitySerializer();
    this.deserializer = options.deserializer ?? new BytesDeserializer();
    if (client) this.client = Promise.resolve(client);
  }

  /** Where the endpoint runs. */
  async backend(): Promise<'local' | 'aws'> {
    return (await this.endpoint()).backend;
  }

  /** Sends `data` to the endpoint and returns the model's answer, deserialized. */
  async predict(data: unknown, options: PredictOptions = {}): Promise<unknown> {
    const client = await this.endpoint();
    const answer = await client.invoke(this.serializer.serialize(data), {
      contentType: options.contentType ?? this.serializer.contentType,
      accept: options.accept ?? this.deserializer.accept,
      ...(options.customAttributes && { customAttributes: options.customAttributes }),
    });
    return this.deserializer.deserialize(answer.body, answer.contentType);
  }

  /** The endpoint's DescribeEndpoint document. */
  async describe(): Promise<DescribeEndpointOutput> {
    return (await this.endpoint()).describe();
  }

  /** Deletes the endpoint, then its endpoint config and model unless told otherwise. Local: containers and proxy stop. */
  async delete(options: { deleteModel?: boolean; deleteEndpointConfig?: boolean } = {}): Promise<void> {
    await (await this.endpoint()).delete({ deleteModel: options.deleteModel ?? true, deleteEndpointConfig: options.deleteEndpointConfig ?? true });
  }

  private endpoint(): Promise<EndpointClient> {
    this.client ??= findEndpoint(this.endpointName, this.options);
    return this.client;
  }
}

/** The client of an existing endpoint: the local record first (unless `backend: 'aws'`), then SageMaker. */
async function findEndpoint(name: string, options: PredictorOptions): Promise<EndpointClient> {
  if (options.backend !== 'aws') {
    const { localEndpointClient } = await import('./local-client.js');
    // Throws NotFoundError when the caller said local and there is no such record.
    const local = await localEndpointClient(name, options, options.backend === 'local');
    if (local) return local;
  }
  const [{ Session }, { awsEndpointClient }] = await Promise.all([import('../aws/session.js'), import('../aws/endpoint.js')]);
  const client = awsEndpointClient(name, options.session ?? new Session(options.region ? { region: options.region } : {}));
  if (options.backend === 'aws') return client;
  // Neither said nor local: SageMaker must have it, else "not found" names both places.
  try {
    await client.describe();
  } catch (error) {
    const answered = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode !== undefined;
    if (error instanceof NotFoundError || error instanceof EnvironmentError || !answered) {
      const why = error instanceof NotFoundError ? 'nor on SageMaker' : `and SageMaker could not be checked: ${(error as Error).message.split('\n')[0]}`;
      throw new NotFoundError(
        `no local endpoint named ${name}, ${why}`,
        'list endpoints with: sagekit endpoints list (--backend aws --region R for SageMaker)',
      );
    }
    throw error;
  }
  return client;
}

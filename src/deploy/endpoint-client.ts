/**
 * How a {@link Predictor} reaches its endpoint: one client per backend (`local-client.ts`,
 * `aws/endpoint.ts`). A leaf module, so the clients and the Predictor do not import each other.
 */
import type { DescribeEndpointOutput } from '@aws-sdk/client-sagemaker';
import type { Body } from './serializers.js';

/** Per-call options of {@link Predictor.predict}. */
export interface PredictOptions {
  /** Content type of the body (default: the serializer's). */
  contentType?: string;
  /** What to ask the model for (default: the deserializer's). */
  accept?: string;
  /** `X-Amzn-SageMaker-Custom-Attributes`. */
  customAttributes?: string;
}

/** What a backend answers to an invocation. */
interface InvokeAnswer {
  body: Uint8Array;
  contentType: string | undefined;
}

/** How a Predictor reaches its endpoint (one per backend). */
export interface EndpointClient {
  readonly backend: 'local' | 'aws';
  invoke(body: Body, headers: PredictOptions): Promise<InvokeAnswer>;
  describe(): Promise<DescribeEndpointOutput>;
  delete(options: { deleteModel: boolean; deleteEndpointConfig: boolean }): Promise<void>;
}

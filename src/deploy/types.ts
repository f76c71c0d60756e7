/**
 * The deploy options' types (a leaf module: the Estimator's options embed them as `deploy:`,
 * so they import nothing from either layer).
 */

/** Tags: a `{key: value}` map, or a list of `{key, value}` (sagekit) or `{Key, Value}` (the SDK's shape). */
export type DeployTags = Record<string, string> | Array<{ key: string; value: string } | { Key: string; Value: string }>;

/** Options of a deployment (`estimator.deploy()`, `model.deploy()`, a job file's `deploy:`). */
export interface DeployOptions {
  /** Instances behind the endpoint (default 1); locally, that many containers, served round robin. */
  initialInstanceCount?: number;
  /** `ml.*` for a SageMaker endpoint, `local` (or `local_gpu`) for one on this machine. */
  instanceType?: string;
  /** Endpoint (and endpoint config) name; default `<base>-<timestamp>`, like the SDK. */
  endpointName?: string;
  /** Model name; default the same generated name as the endpoint. */
  modelName?: string;
  /** Inference image; default the training image. */
  imageUri?: string;
  /** Environment variables of the inference container. */
  environment?: Record<string, string>;
  /** Tags of the model, endpoint config and endpoint. */
  tags?: DeployTags;
  /** KMS key of the endpoint's storage volume (`KmsKeyId` of the endpoint config). */
  kmsKey?: string;
  /** Storage volume size in GB per instance (`VolumeSizeInGB`). */
  volumeSize?: number;
  /** Seconds allowed for downloading the model (`ModelDataDownloadTimeoutInSeconds`, 60-3600). */
  modelDataDownloadTimeout?: number;
  /**
   * Seconds for the container to answer `GET /ping` with 200 (60-3600 on SageMaker; any
   * positive number locally). Default 300 locally, SageMaker's own default otherwise.
   */
  containerStartupHealthCheckTimeout?: number;
  /**
   * Local endpoints: seconds the model has to answer an invocation (default 60, SageMaker's
   * fixed limit); a slower answer is a ModelError naming the timeout. Also how long a delete
   * lets requests in flight finish.
   */
  invocationTimeout?: number;
  /** Local endpoints: largest request body in MB (default 6, SageMaker's fixed limit); larger ones get 413. */
  maxPayload?: number;
  /** Wait until the endpoint is in service (default `true`). */
  wait?: boolean;
}

/**
 * Everything a training job can say: the parameters of the Python SDK's
 * `sagemaker.estimator.Estimator` under camelCase names, plus sagekit's own additions.
 * The same keys are used in YAML/JSON job files.
 */
import type { DeployOptions } from '../deploy/types.js';
import type { Inputs, InputMode } from '../inputs/types.js';
import type { LocalRunSettings } from '../run-settings.js';
import type { GitConfig, InstanceGroup, InstancePlacementConfig, SourceCode } from './extra-types.js';
import type { DebuggerHookConfig, MetricDefinition, ProfilerConfig, RuleConfig, TensorBoardOutputConfig } from './monitoring-options.js';

/** A hyperparameter value: any JSON value (see {@link EstimatorOptions.hyperparameterEncoding}). */
export type HyperparameterValue = string | number | boolean | null | HyperparameterValue[] | { [key: string]: HyperparameterValue };

/** Tags as a `{key: value}` map or a `[{key, value}]` list. */
export type Tags = Record<string, string> | Array<{ key: string; value: string }>;

/**
 * Options of an {@link Estimator}: one training job, for either backend.
 *
 * Defaults match the SageMaker Python SDK: `volumeSize` 30, `maxRun` 86400, `inputMode` File,
 * `modelChannelName` "model", the default Debugger hook and Profiler configs, output under
 * `s3://sagemaker-<region>-<account-id>/`.
 */
export interface EstimatorOptions {
  /** The container image to train with (an ECR URI for SageMaker; any local or pullable image for `local`). */
  imageUri: string;
  /**
   * IAM role (name or full ARN) that SageMaker assumes to read data and write artifacts.
   * A bare name is expanded to its ARN through IAM. Required for cloud jobs; unused locally.
   * Inside SageMaker notebooks, `getExecutionRole()` returns the notebook's role.
   */
  role?: string;
  /** Number of instances (hosts `algo-1` … `algo-N`). Default 1. */
  instanceCount?: number;
  /**
   * Instance type, e.g. `ml.c5.xlarge`; `local` (or `local_gpu`) runs the same container on
   * this machine through Docker or Podman.
   */
  instanceType?: string;
  /**
   * A heterogeneous cluster instead of `instanceType`/`instanceCount` (which must then be left
   * out): hosts `algo-1…N` are numbered across the groups in order. A channel's
   * `instanceGroups` limits it to those groups' hosts.
   */
  instanceGroups?: InstanceGroup[];
  /** Size in GB of the EBS volume for input data and checkpoints (default 30). Must hold the data in File mode. */
  volumeSize?: number;
  /** KMS key that encrypts the training volume. */
  volumeKmsKey?: string;
  /** Timeout in seconds (default 86400 = 24 h); SageMaker stops the job after it, whatever its state. */
  maxRun?: number;
  /**
   * How data reaches the container (default `File`): `File` copies the data to a local directory,
   * `Pipe` streams it through a named pipe, `FastFile` streams it on demand behind files.
   * A channel's `inputMode` overrides this for that channel.
   */
  inputMode?: InputMode;
  /**
   * Where artifacts go (`s3://…`, or `file://…` / a local path for local jobs). Default:
   * `s3://sagemaker-<region>-<account-id>/`, created when missing; for local jobs without a
   * default bucket, `./sagekit-output/`.
   */
  outputPath?: string;
  /** KMS key that encrypts the artifacts in S3. */
  outputKmsKey?: string;
  /** Prefix of generated job names; default: the image's repository name. */
  baseJobName?: string;
  /** Fixed job name (like `fit(job_name=…)`); default `<base>-<yyyy-mm-dd-HH-MM-SS-mmm>`. */
  jobName?: string;
  /** Hyperparameters: any JSON values, encoded to the API's strings (see `hyperparameterEncoding`). */
  hyperparameters?: Record<string, HyperparameterValue>;
  /**
   * `auto` (default): strings verbatim, numbers and booleans with `String()`, objects, arrays and
   * null as JSON. `json`: every value JSON-encoded (strings get quotes), like the framework estimators.
   */
  hyperparameterEncoding?: 'auto' | 'json';
  /** Tags of the training job. */
  tags?: Tags;
  /** VPC subnet ids; needs `securityGroupIds`. */
  subnets?: string[];
  /** VPC security group ids; needs `subnets`. */
  securityGroupIds?: string[];
  /** A pre-trained model (`model.tar.gz` or prefix) given to the container as the model channel. */
  modelUri?: string;
  /** Name of the model channel (default `model`). */
  modelChannelName?: string;
  /** Metrics to extract from the logs with regular expressions (at most 40). */
  metricDefinitions?: MetricDefinition[];
  /** Encrypt traffic between the hosts of a distributed job. */
  encryptInterContainerTraffic?: boolean;
  /** Train on Spot instances (needs `maxWait` ≥ `maxRun`). */
  useSpotInstances?: boolean;
  /** Seconds to wait for Spot capacity plus training; only with `useSpotInstances`. */
  maxWait?: number;
  /** Where checkpoints are synced (`s3://…`, or `file://…` for local jobs); restored at start. */
  checkpointS3Uri?: string;
  /** Checkpoint directory inside the container (default `/opt/ml/checkpoints`); needs `checkpointS3Uri`. */
  checkpointLocalPath?: string;
  /** Run the container without any network access. */
  enableNetworkIsolation?: boolean;
  /** Debugger / Profiler rules. */
  rules?: RuleConfig[];
  /** Debugger hook settings, or `false` to turn the Debugger off. */
  debuggerHookConfig?: DebuggerHookConfig | false;
  /** TensorBoard output settings. */
  tensorboardOutputConfig?: TensorBoardOutputConfig;
  /** Publish metrics as a time series (`EnableSageMakerMetricsTimeSeries`); sent when set, even `false`. */
  enableSageMakerMetrics?: boolean;
  /** Profiler settings. */
  profilerConfig?: ProfilerConfig;
  /** Turn the Profiler off. */
  disableProfiler?: boolean;
  /** Environment variables of the training container. */
  environment?: Record<string, string>;
  /** Retry the job up to this many times (1–30) on internal errors. */
  maxRetryAttempts?: number;
  /** Training data; `fit(inputs)` overrides it. */
  inputs?: Inputs;
  /** AWS region; default from the AWS configuration (AWS_REGION, profile). */
  region?: string;
  /** Bucket for the default output path (skips the account lookup). */
  defaultBucket?: string;
  /** Settings of the local backend (ignored for cloud jobs). */
  local?: LocalRunSettings;

  /**
   * Script mode: the script the image's training toolkit runs (relative to `sourceDir` when
   * that is set). Every hyperparameter is then JSON-encoded and `sagemaker_program`,
   * `sagemaker_submit_directory`, `sagemaker_container_log_level`, `sagemaker_job_name` and
   * `sagemaker_region` are added, as the Python SDK does.
   */
  entryPoint?: string;
  /**
   * Folder with the training code (needs `entryPoint`), or an `s3://…/sourcedir.tar.gz` used as
   * is. A local folder is packed as `sourcedir.tar.gz` and uploaded for cloud jobs, and mounted
   * at `/opt/ml/code` for local jobs.
   */
  sourceDir?: string;
  /** Extra local folders or files copied beside the code (at the root of `sourcedir.tar.gz`). */
  dependencies?: string[];
  /** `s3://bucket/prefix` for the uploaded code (default: the bucket of `outputPath`); code goes to `<codeLocation>/<job>/source/sourcedir.tar.gz`. */
  codeLocation?: string;
  /** Python logging level of the training toolkit (`sagemaker_container_log_level`, default 20 = INFO). */
  containerLogLevel?: number;
  /** Take the code from a git repository (cloned before the job with the system `git`). */
  gitConfig?: GitConfig;
  /** Replaces the image's entry point (`AlgorithmSpecification.ContainerEntrypoint`). */
  containerEntryPoint?: string[];
  /** Replaces the `train` argument the container gets (`AlgorithmSpecification.ContainerArguments`). */
  containerArguments?: string[];
  /** Warm pool: keep the instances this many seconds (0-3600) after the job for the next one. Cloud only. */
  keepAlivePeriodInSeconds?: number;
  /** Upload the model and output files uncompressed (`CompressionType: NONE`) instead of `model.tar.gz`/`output.tar.gz`. */
  disableOutputCompression?: boolean;
  /** Where the image is pulled from: `Platform` (ECR, default) or `Vpc` (a private registry in the job's VPC). */
  trainingRepositoryAccessMode?: 'Platform' | 'Vpc';
  /** Lambda function ARN that returns the private registry's credentials (needs `trainingRepositoryAccessMode: Vpc`). */
  trainingRepositoryCredentialsProviderArn?: string;
  /** Run SageMaker's infrastructure health check before training (`InfraCheckConfig`). Cloud only. */
  enableInfraCheck?: boolean;
  /** Allow remote debugging of the training container (`RemoteDebugConfig`). Cloud only. */
  enableRemoteDebug?: boolean;
  /** Chain the caller's session tags to the job's role session (`SessionChainingConfig`). Cloud only. */
  enableSessionTagChaining?: boolean;
  /** ARN of a SageMaker training plan (reserved capacity) to run on (`ResourceConfig.TrainingPlanArn`). Cloud only. */
  trainingPlan?: string;
  /** Placement of the instances on UltraServers (`ResourceConfig.InstancePlacementConfig`). Cloud only. */
  instancePlacementConfig?: InstancePlacementConfig;
  /**
   * Run code in any image without the training toolkit: `{sourceDir, entryScript | command,
   * requirements?}`. The code travels as the input channel `code`; `ContainerEntrypoint` runs it.
   * Not combinable with script mode (`entryPoint`) or `containerEntryPoint`.
   */
  sourceCode?: SourceCode;
  /** Defaults of `deploy()` (and `sagekit deploy --config`): the job file's `deploy:` section. */
  deploy?: DeployOptions;
}

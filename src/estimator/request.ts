/**
 * `buildTrainingRequest`: a validated job → the exact `CreateTrainingJobRequest` the SageMaker
 * Python SDK (v2) sends for it. Pure: same input, same output, no network, no clock unless
 * `now` is omitted (then only the generated job name depends on it).
 */
import type { Channel, CreateTrainingJobRequest, TrainingInputMode } from '@aws-sdk/client-sagemaker';
import { apiTags } from '../deploy/options.js';
import { ValidationError, type ValidationIssue } from '../errors.js';
import type { Inputs } from '../inputs/types.js';
import { pathToFileUri } from '../s3/uri.js';
import { encodeHyperparameters } from './hyperparameters.js';
import { baseNameFromImage, nameFromBase } from './job-name.js';
import { isLocalJob } from './local-job.js';
import type { EstimatorOptions } from './options.js';
import { buildChannels, toUri } from './request-channels.js';
import { algorithmExtras, outputExtras, resourceShape, topLevelExtras } from './request-extra.js';
import { buildMonitoring, type MonitoringConfig } from './request-monitoring.js';
import { buildScriptMode, type ScriptCode } from './script-mode.js';
import { sourceCodeChannel, sourceCodeIssues } from './source-code.js';
import { validateOptions } from './validate.js';
import { cloudOnlyWarnings } from './cloud-warnings.js';

/** Settings of one build that are not part of the job itself. */
export interface BuildOptions {
  /** Fixed job name; overrides `options.jobName`. */
  jobName?: string;
  /** Bucket for the default output path; overrides `options.defaultBucket`. */
  defaultBucket?: string;
  /** Region (decides the Debugger/Profiler defaults); overrides `options.region`. */
  region?: string;
  /** Clock for generated job names (default: now). */
  now?: Date;
  /** Directory that relative local paths are resolved against (default: the current directory). */
  cwd?: string;
}

/** The request and the notes a user should see about it. */
export interface BuiltRequest {
  request: CreateTrainingJobRequest;
  /** Things the builder changed or dropped on purpose (said once to the user). */
  warnings: string[];
  /** Script mode: the code the backend packs and uploads (aws) or mounts at /opt/ml/code (local). */
  code?: ScriptCode;
}

/** The job name a build will use. */
export function resolveJobName(options: EstimatorOptions, build: BuildOptions = {}): string {
  const explicit = build.jobName ?? options.jobName;
  if (explicit) return explicit;
  return nameFromBase(options.baseJobName ?? baseNameFromImage(options.imageUri), build.now ?? new Date());
}

function defaultOutputPath(options: EstimatorOptions, build: BuildOptions, cwd: string): string {
  const bucket = build.defaultBucket ?? options.defaultBucket;
  if (bucket) return `s3://${bucket}/`;
  if (isLocalJob(options)) return pathToFileUri('sagekit-output', cwd) + '/';
  throw new ValidationError([
    {
      path: 'outputPath',
      rule:
        'is not set and the default bucket (sagemaker-<region>-<account-id>) is unknown: set outputPath, ' +
        'or pass defaultBucket (--default-bucket), or let fit() look it up with your AWS credentials',
    },
  ]);
}

/** What the request is assembled from, once every check passed. */
interface RequestParts {
  jobName: string;
  outputPath: string;
  cwd: string;
  channels: Channel[] | undefined;
  hyperparameters: Record<string, string>;
  monitoring: MonitoringConfig;
}

/**
 * Everything that can still fail (script mode, hyperparameter encoding, Debugger/Profiler
 * rules, source code): all problems at once as one {@link ValidationError}.
 */
function prepareParts(
  options: EstimatorOptions,
  inputs: Inputs | undefined,
  context: { jobName: string; outputPath: string; region: string | undefined; cwd: string },
): { parts: RequestParts; warnings: string[]; code?: ScriptCode } {
  const { jobName, outputPath, region, cwd } = context;
  const issues: ValidationIssue[] = [];
  const warnings: string[] = [];
  const script = options.entryPoint !== undefined ? buildScriptMode(options, { jobName, outputPath, region, cwd }, issues) : undefined;
  const hyperparameters = script
    ? { values: script.hyperparameters, issues: [] }
    : encodeHyperparameters(options.hyperparameters ?? {}, options.hyperparameterEncoding);
  issues.push(...hyperparameters.issues);
  warnings.push(...(script?.warnings ?? []));
  const monitoring = buildMonitoring(options, outputPath, region, cwd, issues, warnings);
  if (options.sourceCode) issues.push(...sourceCodeIssues(options.sourceCode, cwd));
  if (!isLocalJob(options)) warnings.push(...cloudOnlyWarnings(options));
  if (issues.length) throw new ValidationError(issues);

  const given = buildChannels(options, inputs, cwd);
  // A code channel (sourceCode, or script mode with network isolation) comes last, after the model channel.
  const codeChannel = options.sourceCode ? sourceCodeChannel(options.sourceCode, cwd) : script?.codeChannel;
  const channels = codeChannel ? [...(given ?? []), codeChannel] : given;
  return {
    parts: { jobName, outputPath, cwd, channels, hyperparameters: hyperparameters.values, monitoring },
    warnings,
    ...(script?.code && { code: script.code }),
  };
}

/** The fields every request has (RoleArn may be undefined for local jobs). */
function requiredFields(options: EstimatorOptions, parts: RequestParts): CreateTrainingJobRequest {
  return {
    AlgorithmSpecification: {
      TrainingInputMode: (options.inputMode ?? 'File') as TrainingInputMode,
      TrainingImage: options.imageUri,
      ...(options.metricDefinitions?.length && {
        MetricDefinitions: options.metricDefinitions.map((m) => ({ Name: m.name, Regex: m.regex })),
      }),
      ...(options.enableSageMakerMetrics !== undefined && { EnableSageMakerMetricsTimeSeries: options.enableSageMakerMetrics }),
      ...algorithmExtras(options),
    },
    OutputDataConfig: {
      S3OutputPath: parts.outputPath,
      ...(options.outputKmsKey !== undefined && { KmsKeyId: options.outputKmsKey }),
      ...outputExtras(options),
    },
    TrainingJobName: parts.jobName,
    StoppingCondition: {
      MaxRuntimeInSeconds: options.maxRun ?? 86400,
      ...(options.useSpotInstances && options.maxWait !== undefined && { MaxWaitTimeInSeconds: options.maxWait }),
    },
    ResourceConfig: {
      VolumeSizeInGB: options.volumeSize ?? 30,
      ...resourceShape(options),
      ...(options.volumeKmsKey !== undefined && { VolumeKmsKeyId: options.volumeKmsKey }),
    },
    // Required by the API; local jobs may omit it (undefined keys vanish from the JSON).
    RoleArn: options.role,
  };
}

/** The fields a request has only when the options ask for them, in the SDK's order. */
function optionalFields(options: EstimatorOptions, parts: RequestParts): Partial<CreateTrainingJobRequest> {
  const { cwd, monitoring } = parts;
  const tags = apiTags(options.tags);
  const tensorboard = options.tensorboardOutputConfig;
  return {
    ...(parts.channels && { InputDataConfig: parts.channels }),
    ...(Object.keys(parts.hyperparameters).length && { HyperParameters: parts.hyperparameters }),
    ...(options.environment !== undefined && { Environment: { ...options.environment } }),
    ...(tags && { Tags: tags }),
    ...(options.subnets?.length && options.securityGroupIds?.length && { VpcConfig: { Subnets: options.subnets, SecurityGroupIds: options.securityGroupIds } }),
    ...(options.enableNetworkIsolation && { EnableNetworkIsolation: true }),
    ...(options.encryptInterContainerTraffic && { EnableInterContainerTrafficEncryption: true }),
    ...(options.useSpotInstances && { EnableManagedSpotTraining: true }),
    ...(options.checkpointS3Uri !== undefined && {
      CheckpointConfig: {
        S3Uri: toUri(options.checkpointS3Uri, cwd),
        ...(options.checkpointLocalPath !== undefined && { LocalPath: options.checkpointLocalPath }),
      },
    }),
    ...(monitoring.DebugHookConfig && { DebugHookConfig: monitoring.DebugHookConfig }),
    ...(monitoring.DebugRuleConfigurations && { DebugRuleConfigurations: monitoring.DebugRuleConfigurations }),
    ...(tensorboard && {
      TensorBoardOutputConfig: {
        S3OutputPath: toUri(tensorboard.s3OutputPath, cwd),
        ...(tensorboard.containerLocalOutputPath !== undefined && { LocalPath: tensorboard.containerLocalOutputPath }),
      },
    }),
    ...(monitoring.ProfilerRuleConfigurations && { ProfilerRuleConfigurations: monitoring.ProfilerRuleConfigurations }),
    ...(monitoring.ProfilerConfig && { ProfilerConfig: monitoring.ProfilerConfig }),
    ...(options.maxRetryAttempts !== undefined && { RetryStrategy: { MaximumRetryAttempts: options.maxRetryAttempts } }),
    ...topLevelExtras(options),
  };
}

/**
 * Builds the CreateTrainingJob request of a job. Validates first (throws {@link ValidationError}
 * with every problem). `inputs` defaults to `options.inputs`.
 */
export function buildTrainingRequest(rawOptions: EstimatorOptions, inputs: Inputs | undefined = rawOptions.inputs, build: BuildOptions = {}): BuiltRequest {
  const options = validateOptions(inputs === rawOptions.inputs ? rawOptions : { ...rawOptions, inputs });
  const cwd = build.cwd ?? process.cwd();
  const jobName = resolveJobName(options, build);
  if (build.jobName !== undefined) validateOptions({ ...options, jobName: build.jobName });
  const outputPath = options.outputPath !== undefined ? toUri(options.outputPath, cwd) : defaultOutputPath(options, build, cwd);
  const { parts, warnings, code } = prepareParts(options, inputs, { jobName, outputPath, region: build.region ?? options.region, cwd });
  const request: CreateTrainingJobRequest = { ...requiredFields(options, parts), ...optionalFields(options, parts) };
  return { request, warnings, ...(code && { code }) };
}

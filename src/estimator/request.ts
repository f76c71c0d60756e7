/**
 * `buildTrainingRequest`: a validated job → the exact `CreateTrainingJobRequest` the SageMaker
 * Python SDK (v2) sends for it. Pure: same input, same output, no network, no clock unless
 * `now` is omitted (then only the generated job name depends on it).
 */
import type {
  Channel,
  CreateTrainingJobRequest,
  DebugHookConfig,
  DebugRuleConfiguration,
  ProfilerConfig,
  ProfilerRuleConfiguration,
  TrainingInputMode,
} from '@aws-sdk/client-sagemaker';
import { ValidationError, type ValidationIssue } from '../errors.js';
import { isFileSystemInput, type ChannelInput, type Inputs } from '../inputs/types.js';
import { pathToFileUri } from '../s3/uri.js';
import { encodeHyperparameters } from './hyperparameters.js';
import { baseNameFromImage, nameFromBase } from './job-name.js';
import { isLocalJob, jobInstanceTypes } from './local-job.js';
import type { RuleConfig } from './monitoring-options.js';
import type { EstimatorOptions } from './options.js';
import { algorithmExtras, outputExtras, resourceShape, topLevelExtras } from './request-extra.js';
import { isLocalPath } from './rules.js';
import { buildScriptMode, type ScriptCode } from './script-mode.js';
import { sourceCodeChannel, sourceCodeIssues } from './source-code.js';
import { validateOptions } from './validate.js';
import { cloudOnlyWarnings } from './cloud-warnings.js';

/** Regions where SageMaker Debugger and Profiler do not exist; the SDK turns both off there. */
const REGIONS_WITHOUT_DEBUGGER = [
  'us-iso-east-1',
  'us-isob-east-1',
  'ap-southeast-3',
  'ap-southeast-4',
  'eu-south-2',
  'me-central-1',
  'ap-south-2',
  'eu-central-2',
  'us-gov-east-1',
] as const;

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

/** `file://` URI for local paths, the URI itself otherwise. */
function toUri(uri: string, cwd: string): string {
  return isLocalPath(uri) ? pathToFileUri(uri, cwd) : uri;
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

function channelFor(name: string, input: ChannelInput, cwd: string): Channel {
  if (typeof input === 'string') {
    return {
      DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: toUri(input, cwd), S3DataDistributionType: 'FullyReplicated' } },
      ChannelName: name,
    };
  }
  if (isFileSystemInput(input)) {
    return {
      DataSource: {
        FileSystemDataSource: {
          FileSystemId: input.fileSystemId,
          FileSystemType: input.fileSystemType,
          DirectoryPath: input.directoryPath,
          FileSystemAccessMode: input.fileSystemAccessMode ?? 'ro',
        },
      },
      ...(input.contentType !== undefined && { ContentType: input.contentType }),
      ...(input.inputMode !== undefined && { InputMode: input.inputMode }),
      ChannelName: name,
    };
  }
  return {
    DataSource: {
      S3DataSource: {
        S3DataType: input.s3DataType ?? 'S3Prefix',
        S3Uri: toUri(input.s3Data, cwd),
        S3DataDistributionType: input.distribution ?? 'FullyReplicated',
        ...(input.attributeNames !== undefined && { AttributeNames: input.attributeNames }),
        ...(input.instanceGroups !== undefined && { InstanceGroupNames: input.instanceGroups }),
      },
    },
    ...(input.compression !== undefined && { CompressionType: input.compression }),
    ...(input.contentType !== undefined && { ContentType: input.contentType }),
    ...(input.recordWrapping !== undefined && { RecordWrapperType: input.recordWrapping }),
    ...(input.inputMode !== undefined && { InputMode: input.inputMode }),
    ...(input.shuffleConfig !== undefined && { ShuffleConfig: { Seed: input.shuffleConfig.seed } }),
    ChannelName: name,
  };
}

/** The channels of a job, in the order given, with the model channel last (as the SDK does). */
function buildChannels(options: EstimatorOptions, inputs: Inputs | undefined, cwd: string): Channel[] | undefined {
  const channels: Channel[] =
    inputs === undefined
      ? []
      : typeof inputs === 'string'
        ? [channelFor('training', inputs, cwd)]
        : Object.entries(inputs).map(([name, input]) => channelFor(name, input, cwd));
  if (options.modelUri !== undefined) {
    channels.push({
      DataSource: {
        S3DataSource: { S3DataType: 'S3Prefix', S3Uri: toUri(options.modelUri, cwd), S3DataDistributionType: 'FullyReplicated' },
      },
      ContentType: 'application/x-sagemaker-model',
      InputMode: 'File',
      ChannelName: options.modelChannelName ?? 'model',
    });
  }
  return channels.length ? channels : undefined;
}

function ruleConfig(rule: RuleConfig, cwd: string): DebugRuleConfiguration & ProfilerRuleConfiguration {
  return {
    RuleConfigurationName: rule.name,
    RuleEvaluatorImage: rule.imageUri,
    ...(rule.instanceType !== undefined && { InstanceType: rule.instanceType as DebugRuleConfiguration['InstanceType'] }),
    ...(rule.volumeSize !== undefined && { VolumeSizeInGB: rule.volumeSize }),
    ...(rule.ruleParameters !== undefined && { RuleParameters: rule.ruleParameters }),
    ...(rule.containerLocalOutputPath !== undefined && { LocalPath: rule.containerLocalOutputPath }),
    ...(rule.s3OutputPath !== undefined && { S3OutputPath: toUri(rule.s3OutputPath, cwd) }),
  };
}

interface MonitoringConfig {
  DebugHookConfig?: DebugHookConfig;
  DebugRuleConfigurations?: DebugRuleConfiguration[];
  ProfilerRuleConfigurations?: ProfilerRuleConfiguration[];
  ProfilerConfig?: ProfilerConfig;
}

/** Debugger and Profiler settings with the SDK's defaults and region rules. */
function buildMonitoring(
  options: EstimatorOptions,
  outputPath: string,
  region: string | undefined,
  cwd: string,
  issues: ValidationIssue[],
  warnings: string[],
): MonitoringConfig {
  const local = isLocalJob(options);
  const supported = !(REGIONS_WITHOUT_DEBUGGER as readonly string[]).includes(region ?? '');
  const result: MonitoringConfig = {};

  const hook = options.debuggerHookConfig;
  if (!supported && hook) {
    issues.push({ path: 'debuggerHookConfig', rule: `SageMaker Debugger is not available in ${region}; remove it or set it to false` });
  } else if (hook) {
    const unique = new Map<string, { CollectionName: string; CollectionParameters?: Record<string, string> }>();
    for (const c of hook.collectionConfigs ?? []) {
      const entry = { CollectionName: c.name, ...(c.parameters !== undefined && { CollectionParameters: c.parameters }) };
      unique.set(JSON.stringify([c.name, Object.entries(c.parameters ?? {}).sort()]), entry);
    }
    result.DebugHookConfig = {
      S3OutputPath: hook.s3OutputPath !== undefined ? toUri(hook.s3OutputPath, cwd) : outputPath,
      ...(hook.containerLocalOutputPath !== undefined && { LocalPath: hook.containerLocalOutputPath }),
      ...(hook.hookParameters !== undefined && { HookParameters: hook.hookParameters }),
      CollectionConfigurations: [...unique.values()],
    };
  } else if (hook === undefined && supported && !local) {
    result.DebugHookConfig = { S3OutputPath: outputPath, CollectionConfigurations: [] };
  }

  const debuggerRules = (options.rules ?? []).filter((r) => (r.type ?? 'debugger') === 'debugger');
  const profilerRules = (options.rules ?? []).filter((r) => r.type === 'profiler');
  if (debuggerRules.length) result.DebugRuleConfigurations = debuggerRules.map((r) => ruleConfig(r, cwd));
  if (profilerRules.length) result.ProfilerRuleConfigurations = profilerRules.map((r) => ruleConfig(r, cwd));

  const trainium = jobInstanceTypes(options).find((type) => type.startsWith('ml.trn'));
  let disable = options.disableProfiler === true || !supported;
  if (trainium && !disable) {
    disable = true;
    if (options.profilerConfig) warnings.push(`profilerConfig ignored: the Profiler does not support ${trainium}`);
  }
  if (!supported && options.profilerConfig) {
    issues.push({ path: 'profilerConfig', rule: `SageMaker Profiler is not available in ${region}; remove it` });
  }
  if (disable) {
    result.ProfilerConfig = { DisableProfiler: true };
  } else if (options.profilerConfig) {
    const p = options.profilerConfig;
    result.ProfilerConfig = {
      S3OutputPath: p.s3OutputPath !== undefined ? toUri(p.s3OutputPath, cwd) : outputPath,
      ...(p.systemMonitorIntervalMillis !== undefined && { ProfilingIntervalInMilliseconds: p.systemMonitorIntervalMillis }),
      DisableProfiler: false,
    };
  } else if (!local) {
    result.ProfilerConfig = { S3OutputPath: outputPath, DisableProfiler: false };
  }
  return result;
}

/**
 * Builds the CreateTrainingJob request of a job. Validates first (throws {@link ValidationError}
 * with every problem). `inputs` defaults to `options.inputs`.
 */
export function buildTrainingRequest(rawOptions: EstimatorOptions, inputs: Inputs | undefined = rawOptions.inputs, build: BuildOptions = {}): BuiltRequest {
  const options = validateOptions(inputs === rawOptions.inputs ? rawOptions : { ...rawOptions, inputs });
  const cwd = build.cwd ?? process.cwd();
  const region = build.region ?? options.region;
  const issues: ValidationIssue[] = [];
  const warnings: string[] = [];

  const jobName = resolveJobName(options, build);
  if (build.jobName !== undefined) validateOptions({ ...options, jobName: build.jobName });
  const outputPath = options.outputPath !== undefined ? toUri(options.outputPath, cwd) : defaultOutputPath(options, build, cwd);
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
  const tags = Array.isArray(options.tags)
    ? options.tags.map((t) => ({ Key: t.key, Value: t.value }))
    : options.tags !== undefined
      ? Object.entries(options.tags).map(([Key, Value]) => ({ Key, Value }))
      : undefined;

  const request: CreateTrainingJobRequest = {
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
      S3OutputPath: outputPath,
      ...(options.outputKmsKey !== undefined && { KmsKeyId: options.outputKmsKey }),
      ...outputExtras(options),
    },
    TrainingJobName: jobName,
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
    ...(channels && { InputDataConfig: channels }),
    ...(Object.keys(hyperparameters.values).length && { HyperParameters: hyperparameters.values }),
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
    ...(options.tensorboardOutputConfig && {
      TensorBoardOutputConfig: {
        S3OutputPath: toUri(options.tensorboardOutputConfig.s3OutputPath, cwd),
        ...(options.tensorboardOutputConfig.containerLocalOutputPath !== undefined && {
          LocalPath: options.tensorboardOutputConfig.containerLocalOutputPath,
        }),
      },
    }),
    ...(monitoring.ProfilerRuleConfigurations && { ProfilerRuleConfigurations: monitoring.ProfilerRuleConfigurations }),
    ...(monitoring.ProfilerConfig && { ProfilerConfig: monitoring.ProfilerConfig }),
    ...(options.maxRetryAttempts !== undefined && { RetryStrategy: { MaximumRetryAttempts: options.maxRetryAttempts } }),
    ...topLevelExtras(options),
  };
  return { request, warnings, ...(script?.code && { code: script.code }) };
}

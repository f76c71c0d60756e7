/**
 * CreateTrainingJob requests that arrive over the wire go through the same validation as
 * sagekit's own jobs: the request is read back into estimator options, `findIssues` checks
 * them (as a cloud job: the instance type is an ml.* type), and every problem is reported with
 * the request's own field path, in the message format of AWS JSON services.
 */
import type { CreateTrainingJobRequest } from '@aws-sdk/client-sagemaker';
import type { ValidationIssue } from '../errors.js';
import { LIMITS } from '../estimator/rule-basics.js';
import { findIssues } from '../estimator/validate.js';
import { constraintMessage, validationException } from './aws-error.js';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const obj = (v: unknown): Json => (isObject(v) ? v : {});

/** Option name → the request field it comes from. */
const REQUEST_PATHS: Record<string, string> = {
  jobName: 'TrainingJobName',
  imageUri: 'AlgorithmSpecification.TrainingImage',
  inputMode: 'AlgorithmSpecification.TrainingInputMode',
  metricDefinitions: 'AlgorithmSpecification.MetricDefinitions',
  enableSageMakerMetrics: 'AlgorithmSpecification.EnableSageMakerMetricsTimeSeries',
  role: 'RoleArn',
  outputPath: 'OutputDataConfig.S3OutputPath',
  outputKmsKey: 'OutputDataConfig.KmsKeyId',
  instanceType: 'ResourceConfig.InstanceType',
  instanceCount: 'ResourceConfig.InstanceCount',
  volumeSize: 'ResourceConfig.VolumeSizeInGB',
  volumeKmsKey: 'ResourceConfig.VolumeKmsKeyId',
  maxRun: 'StoppingCondition.MaxRuntimeInSeconds',
  maxWait: 'StoppingCondition.MaxWaitTimeInSeconds',
  hyperparameters: 'HyperParameters',
  environment: 'Environment',
  tags: 'Tags',
  subnets: 'VpcConfig.Subnets',
  securityGroupIds: 'VpcConfig.SecurityGroupIds',
  enableNetworkIsolation: 'EnableNetworkIsolation',
  encryptInterContainerTraffic: 'EnableInterContainerTrafficEncryption',
  useSpotInstances: 'EnableManagedSpotTraining',
  checkpointS3Uri: 'CheckpointConfig.S3Uri',
  checkpointLocalPath: 'CheckpointConfig.LocalPath',
  maxRetryAttempts: 'RetryStrategy.MaximumRetryAttempts',
  debuggerHookConfig: 'DebugHookConfig',
  profilerConfig: 'ProfilerConfig',
  disableProfiler: 'ProfilerConfig.DisableProfiler',
  tensorboardOutputConfig: 'TensorBoardOutputConfig',
  rules: 'DebugRuleConfigurations',
};

/** Channel option name → the Channel field it comes from. */
const CHANNEL_PATHS: Record<string, string> = {
  s3Data: 'DataSource.S3DataSource.S3Uri',
  s3DataType: 'DataSource.S3DataSource.S3DataType',
  distribution: 'DataSource.S3DataSource.S3DataDistributionType',
  attributeNames: 'DataSource.S3DataSource.AttributeNames',
  compression: 'CompressionType',
  contentType: 'ContentType',
  recordWrapping: 'RecordWrapperType',
  inputMode: 'InputMode',
  shuffleConfig: 'ShuffleConfig',
  fileSystemId: 'DataSource.FileSystemDataSource.FileSystemId',
  directoryPath: 'DataSource.FileSystemDataSource.DirectoryPath',
};

const capitalize = (segment: string) => segment.replace(/^[a-z]/, (c) => c.toUpperCase());

/** The request path of an option path, e.g. `inputs.train.s3Data` → `InputDataConfig[0].DataSource.S3DataSource.S3Uri`. */
export function requestPath(optionPath: string, channelIndex: ReadonlyMap<string, number>): string {
  const [head = '', ...rest] = optionPath.split('.');
  if (head === 'inputs' && rest.length) {
    const [name = '', field, ...deeper] = rest;
    const base = `InputDataConfig[${channelIndex.get(name) ?? name}]`;
    if (!field) return base;
    return [base, CHANNEL_PATHS[field] ?? capitalize(field), ...deeper.map(capitalize)].join('.');
  }
  const bracket = /^([a-zA-Z]+)(\[.*)$/.exec(head);
  const key = bracket ? bracket[1]! : head;
  const mapped = REQUEST_PATHS[key] ?? (key === 'inputs' ? 'InputDataConfig' : capitalize(key));
  const tail = (bracket ? bracket[2]! : '').replace(/\.([a-z])/g, (_, c: string) => `.${c.toUpperCase()}`);
  return [mapped + tail, ...rest.map(capitalize)].join('.');
}

function channelInput(channel: Json): unknown {
  const source = obj(channel.DataSource);
  const fs = source.FileSystemDataSource;
  if (isObject(fs)) {
    return {
      fileSystemId: fs.FileSystemId,
      fileSystemType: fs.FileSystemType,
      directoryPath: fs.DirectoryPath,
      fileSystemAccessMode: fs.FileSystemAccessMode,
      contentType: channel.ContentType,
      inputMode: channel.InputMode,
    };
  }
  const s3 = obj(source.S3DataSource);
  const shuffle = channel.ShuffleConfig;
  return {
    s3Data: s3.S3Uri,
    s3DataType: s3.S3DataType,
    distribution: s3.S3DataDistributionType,
    attributeNames: s3.AttributeNames,
    compression: channel.CompressionType,
    contentType: channel.ContentType,
    recordWrapping: channel.RecordWrapperType,
    inputMode: channel.InputMode,
    ...(isObject(shuffle) && { shuffleConfig: { seed: shuffle.Seed } }),
  };
}

function monitoringOptions(request: Json): Json {
  const hook = request.DebugHookConfig;
  const profiler = request.ProfilerConfig;
  const tensorboard = request.TensorBoardOutputConfig;
  return {
    ...(isObject(hook) && {
      debuggerHookConfig: {
        s3OutputPath: hook.S3OutputPath,
        containerLocalOutputPath: hook.LocalPath,
        hookParameters: hook.HookParameters,
        collectionConfigs: Array.isArray(hook.CollectionConfigurations)
          ? hook.CollectionConfigurations.map((c) => ({ name: obj(c).CollectionName, parameters: obj(c).CollectionParameters }))
          : undefined,
      },
    }),
    ...(isObject(profiler) && profiler.DisableProfiler === true && { disableProfiler: true }),
    ...(isObject(profiler) &&
      profiler.DisableProfiler !== true && {
        profilerConfig: { s3OutputPath: profiler.S3OutputPath, systemMonitorIntervalMillis: profiler.ProfilingIntervalInMilliseconds },
      }),
    ...(isObject(tensorboard) && { tensorboardOutputConfig: { s3OutputPath: tensorboard.S3OutputPath, containerLocalOutputPath: tensorboard.LocalPath } }),
  };
}

/** The estimator options a CreateTrainingJob request stands for (undefined members dropped). */
function optionsOfRequest(request: Json): Json {
  const algorithm = obj(request.AlgorithmSpecification);
  const resources = obj(request.ResourceConfig);
  const stopping = obj(request.StoppingCondition);
  const vpc = obj(request.VpcConfig);
  const checkpoint = obj(request.CheckpointConfig);
  const channels = Array.isArray(request.InputDataConfig) ? request.InputDataConfig.map(obj) : [];
  const options: Json = {
    jobName: request.TrainingJobName,
    imageUri: algorithm.TrainingImage,
    inputMode: algorithm.TrainingInputMode,
    metricDefinitions: Array.isArray(algorithm.MetricDefinitions)
      ? algorithm.MetricDefinitions.map((m) => ({ name: obj(m).Name, regex: obj(m).Regex }))
      : undefined,
    enableSageMakerMetrics: algorithm.EnableSageMakerMetricsTimeSeries,
    role: request.RoleArn,
    outputPath: obj(request.OutputDataConfig).S3OutputPath,
    outputKmsKey: obj(request.OutputDataConfig).KmsKeyId,
    instanceType: resources.InstanceType,
    instanceCount: resources.InstanceCount,
    volumeSize: resources.VolumeSizeInGB,
    volumeKmsKey: resources.VolumeKmsKeyId,
    maxRun: stopping.MaxRuntimeInSeconds,
    maxWait: stopping.MaxWaitTimeInSeconds,
    hyperparameters: request.HyperParameters,
    environment: request.Environment,
    tags: Array.isArray(request.Tags) ? request.Tags.map((t) => ({ key: obj(t).Key, value: obj(t).Value })) : undefined,
    subnets: vpc.Subnets,
    securityGroupIds: vpc.SecurityGroupIds,
    enableNetworkIsolation: request.EnableNetworkIsolation,
    encryptInterContainerTraffic: request.EnableInterContainerTrafficEncryption,
    useSpotInstances: request.EnableManagedSpotTraining,
    checkpointS3Uri: checkpoint.S3Uri,
    checkpointLocalPath: checkpoint.LocalPath,
    maxRetryAttempts: obj(request.RetryStrategy).MaximumRetryAttempts,
    inputs: channels.length ? Object.fromEntries(channels.map((c, i) => [String(c.ChannelName ?? i), channelInput(c)])) : undefined,
    ...monitoringOptions(request),
  };
  return JSON.parse(JSON.stringify(options)) as Json;
}

/** Rules of the wire API that estimator options cannot break (they have defaults or other types there). */
function wireIssues(request: Json): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const required = (path: string, value: unknown) => value === undefined && issues.push({ path, rule: 'Member must not be null' });
  required('TrainingJobName', request.TrainingJobName);
  required('AlgorithmSpecification', request.AlgorithmSpecification);
  required('OutputDataConfig.S3OutputPath', obj(request.OutputDataConfig).S3OutputPath);
  required('ResourceConfig', request.ResourceConfig);
  required('StoppingCondition', request.StoppingCondition);
  // The local backend starts every container as `train` (the SageMaker contract); refuse what would change that.
  for (const field of ['ContainerEntrypoint', 'ContainerArguments', 'AlgorithmName'] as const) {
    const value = obj(request.AlgorithmSpecification)[field];
    if (value !== undefined)
      issues.push({
        path: `AlgorithmSpecification.${field}`,
        value,
        rule: 'is not supported by sagekit serve: containers run as `docker run <TrainingImage> train`',
      });
  }
  const type = obj(request.ResourceConfig).InstanceType;
  if (typeof type === 'string' && !type.startsWith('ml.')) {
    issues.push({ path: 'ResourceConfig.InstanceType', value: type, rule: 'Member must be an ml.* instance type (every ml.* type runs on this machine)' });
  }
  const channels = Array.isArray(request.InputDataConfig) ? request.InputDataConfig.map(obj) : [];
  const names = new Set<unknown>();
  channels.forEach((channel, i) => {
    if (typeof channel.ChannelName !== 'string') issues.push({ path: `InputDataConfig[${i}].ChannelName`, rule: 'Member must not be null' });
    else if (names.has(channel.ChannelName))
      issues.push({ path: `InputDataConfig[${i}].ChannelName`, value: channel.ChannelName, rule: 'channel names must be unique' });
    names.add(channel.ChannelName);
    const uri = obj(obj(channel.DataSource).S3DataSource).S3Uri;
    if (typeof uri === 'string' && !uri.startsWith('s3://')) {
      issues.push({ path: `InputDataConfig[${i}].DataSource.S3DataSource.S3Uri`, value: uri, rule: 'Member must be an s3:// URI' });
    }
  });
  for (const [key, value] of Object.entries(obj(request.HyperParameters))) {
    if (typeof value !== 'string') issues.push({ path: `HyperParameters.${key}`, value, rule: 'values must be strings' });
    else if (value.length > LIMITS.hyperparameterValueLength) {
      issues.push({ path: `HyperParameters.${key}`, value, rule: `values must be at most ${LIMITS.hyperparameterValueLength} characters` });
    }
  }
  return issues;
}

/** Checks a CreateTrainingJob request; throws SageMaker's ValidationException naming every problem. */
export function validateCreateRequest(input: unknown): CreateTrainingJobRequest {
  if (!isObject(input)) throw validationException('1 validation error detected: the request body must be a JSON object');
  const channelIndex = new Map<string, number>();
  (Array.isArray(input.InputDataConfig) ? input.InputDataConfig : []).forEach((c, i) => channelIndex.set(String(obj(c).ChannelName ?? i), i));
  const fromOptions = findIssues(optionsOfRequest(input)).map((issue) => ({ ...issue, path: requestPath(issue.path, channelIndex) }));
  const wire = wireIssues(input);
  const seen = new Set(wire.map((i) => i.path));
  const issues = [...wire, ...fromOptions.filter((i) => !seen.has(i.path))];
  if (issues.length) throw validationException(constraintMessage(issues));
  return input as unknown as CreateTrainingJobRequest;
}

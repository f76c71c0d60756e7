/**
 * Value rules SageMaker's CreateTrainingJob API enforces, checked locally so a bad job fails
 * before any upload, API call or container start. Each rule reports the option path, the
 * value and the rule in words. Rules tolerate values of the wrong type (the schema reports
 * those), so structural and value problems are reported together.
 */
import type { ValidationIssue } from '../errors.js';
import { isLocalJobInput } from './local-job.js';
import { toRegExp } from '../util/python-regex.js';
import { trainingInstanceTypeIssue } from './instance-type-check.js';

/** Limits from the SageMaker API reference (CreateTrainingJob). */
export const LIMITS = {
  jobNameLength: 63,
  hyperparameters: 100,
  hyperparameterKeyLength: 256,
  hyperparameterValueLength: 2500,
  tags: 50,
  tagKeyLength: 128,
  tagValueLength: 256,
  metricDefinitions: 40,
  metricNameLength: 255,
  metricRegexLength: 500,
  environment: 100,
  environmentKeyLength: 512,
  environmentValueLength: 512,
  channels: 20,
  channelNameLength: 64,
  subnets: 16,
  securityGroups: 5,
  maxRunSeconds: 28 * 24 * 3600,
  retryAttempts: [1, 30] as const,
  uriLength: 1024,
  kmsKeyLength: 2048,
  baseJobNameLength: 39,
} as const;

export const JOB_NAME_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
const CHANNEL_NAME_PATTERN = /^[A-Za-z0-9.\-_]+$/;
export const INSTANCE_TYPE_PATTERN = /^ml\.[a-z0-9-]+\.[a-z0-9]+$/;
const S3_URI_PATTERN = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(\/.*)?$/;
const ROLE_ARN_PATTERN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const ROLE_NAME_PATTERN = /^[\w+=,.@-]{1,64}$/;
const KMS_KEY_PATTERN =
  /^(arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)\/[\w/-]+|alias\/[\w/-]+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/;
const SUBNET_PATTERN = /^subnet-[0-9a-zA-Z]+$/;
const SECURITY_GROUP_PATTERN = /^sg-[0-9a-zA-Z]+$/;
const FILE_SYSTEM_ID_PATTERN = /^fs-[0-9a-f]{8,}$/;
const ENV_KEY_PATTERN = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TAG_PATTERN = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const CONTAINER_PATH_PATTERN = /^\/[^\0]*$/;

/** Where a URI may point, which depends on the backend. */
type UriRole = 'input' | 'output';

export type Sink = (path: string, value: unknown, rule: string) => void;

export const isString = (v: unknown): v is string => typeof v === 'string';
export const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** True for strings that are neither s3:// nor file:// nor another scheme: local paths. */
export function isLocalPath(uri: string): boolean {
  return !/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(uri);
}

export function checkUri(add: Sink, path: string, uri: unknown, role: UriRole, local: boolean): void {
  if (!isString(uri)) return;
  if (uri.length === 0) return add(path, uri, 'must not be empty');
  if (uri.length > LIMITS.uriLength) return add(path, uri, `must be at most ${LIMITS.uriLength} characters`);
  if (uri.startsWith('s3://')) {
    if (!S3_URI_PATTERN.test(uri)) {
      add(path, uri, 'must be an S3 URI s3://<bucket>/<key>, with a valid bucket name (3-63 lowercase letters, digits, dots, hyphens)');
    }
    return;
  }
  const isFile = uri.startsWith('file://') || isLocalPath(uri);
  if (!isFile) return add(path, uri, 'must be an s3:// URI, a file:// URI or a local path');
  if (role === 'output' && !local) {
    add(path, uri, 'must be an s3:// URI for cloud jobs (local paths are only for instanceType local)');
  }
}

function checkJobName(add: Sink, path: string, name: unknown, maxLength: number = LIMITS.jobNameLength): void {
  if (!isString(name)) return;
  if (name.length > maxLength) add(path, name, `must be at most ${maxLength} characters (it is ${name.length})`);
  else if (!JOB_NAME_PATTERN.test(name.length ? name : '-')) {
    add(path, name, 'must match ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$ (letters, digits and hyphens; no leading or trailing hyphen)');
  }
}

function checkKmsKey(add: Sink, path: string, key: unknown): void {
  if (!isString(key)) return;
  if (key.length > LIMITS.kmsKeyLength || !KMS_KEY_PATTERN.test(key)) {
    add(path, key, 'must be a KMS key id, key ARN, alias/<name> or alias ARN');
  }
}

export function checkInt(add: Sink, path: string, value: unknown, min: number, max?: number): void {
  if (!isNumber(value)) return;
  if (!Number.isInteger(value) || value < min || (max !== undefined && value > max)) {
    add(path, value, max === undefined ? `must be an integer >= ${min}` : `must be an integer between ${min} and ${max}`);
  }
}

function checkContainerPath(add: Sink, path: string, value: unknown): void {
  if (isString(value) && !CONTAINER_PATH_PATTERN.test(value)) add(path, value, 'must be an absolute path inside the container');
}

function checkChannel(add: Sink, path: string, channel: unknown, options: Record<string, unknown>, local: boolean): void {
  if (isString(channel)) return checkUri(add, path, channel, 'input', local);
  if (!isObject(channel)) return;
  if ('fileSystemId' in channel) {
    if (isString(channel.fileSystemId) && !FILE_SYSTEM_ID_PATTERN.test(channel.fileSystemId)) {
      add(`${path}.fileSystemId`, channel.fileSystemId, 'must look like fs-0123456789abcdef0');
    }
    if (isString(channel.directoryPath) && !channel.directoryPath.startsWith('/')) {
      add(`${path}.directoryPath`, channel.directoryPath, 'must be an absolute path inside the file system');
    }
    if (!local && !(Array.isArray(options.subnets) && options.subnets.length && Array.isArray(options.securityGroupIds) && options.securityGroupIds.length)) {
      add(path, undefined, "a FileSystemInput needs subnets and securityGroupIds (the job must run in the file system's VPC)");
    }
    return;
  }
  checkUri(add, `${path}.s3Data`, channel.s3Data, 'input', local);
  if (Array.isArray(channel.attributeNames)) {
    if (channel.s3DataType !== 'AugmentedManifestFile') {
      add(`${path}.attributeNames`, channel.attributeNames, 'is only valid with s3DataType AugmentedManifestFile');
    }
    if (channel.attributeNames.length > 16) add(`${path}.attributeNames`, channel.attributeNames.length, 'must list at most 16 names');
  }
  if (isObject(channel.shuffleConfig) && isNumber(channel.shuffleConfig.seed) && channel.shuffleConfig.seed < 0) {
    add(`${path}.shuffleConfig.seed`, channel.shuffleConfig.seed, 'must be >= 0');
  }
}

function checkChannelName(add: Sink, path: string, name: string): void {
  if (name.length === 0 || name.length > LIMITS.channelNameLength || !CHANNEL_NAME_PATTERN.test(name)) {
    add(path, name, `channel names must be 1-${LIMITS.channelNameLength} characters of letters, digits, '.', '-' and '_'`);
  }
}

function checkInputs(add: Sink, options: Record<string, unknown>, local: boolean): void {
  const { inputs } = options;
  const modelChannel = isString(options.modelChannelName) ? options.modelChannelName : 'model';
  if (isString(options.modelChannelName)) checkChannelName(add, 'modelChannelName', options.modelChannelName);
  if (isString(inputs)) checkUri(add, 'inputs', inputs, 'input', local);
  const names = isString(inputs) ? ['training'] : isObject(inputs) ? Object.keys(inputs) : [];
  if (isObject(inputs)) {
    for (const [name, channel] of Object.entries(inputs)) {
      checkChannelName(add, `inputs.${name}`, name);
      checkChannel(add, `inputs.${name}`, channel, options, local);
    }
  }
  if (options.modelUri !== undefined) {
    checkUri(add, 'modelUri', options.modelUri, 'input', local);
    if (names.includes(modelChannel)) {
      add('modelChannelName', modelChannel, 'must differ from every input channel name (modelUri becomes its own channel)');
    }
  }
  const count = names.length + (options.modelUri !== undefined ? 1 : 0);
  if (count > LIMITS.channels) add('inputs', count, `must have at most ${LIMITS.channels} channels (modelUri included)`);
}

function checkStringMap(
  add: Sink,
  path: string,
  map: unknown,
  limits: { count: number; keyLength: number; valueLength: number; keyPattern?: RegExp; keyRule?: string },
): void {
  if (!isObject(map)) return;
  const entries = Object.entries(map);
  if (entries.length > limits.count) add(path, entries.length, `must have at most ${limits.count} entries`);
  for (const [key, value] of entries) {
    if (key.length === 0 || key.length > limits.keyLength) add(`${path}.${key}`, key, `keys must be 1-${limits.keyLength} characters`);
    else if (limits.keyPattern && !limits.keyPattern.test(key)) add(`${path}.${key}`, key, limits.keyRule ?? 'has an invalid key');
    if (isString(value) && value.length > limits.valueLength) {
      add(`${path}.${key}`, value, `values must be at most ${limits.valueLength} characters (this one has ${value.length})`);
    }
  }
}

function checkTags(add: Sink, tags: unknown): void {
  const list: Array<[string, unknown, unknown]> = Array.isArray(tags)
    ? tags.map((t, i) => [`tags[${i}]`, isObject(t) ? t.key : undefined, isObject(t) ? t.value : undefined])
    : isObject(tags)
      ? Object.entries(tags).map(([k, v]) => [`tags.${k}`, k, v])
      : [];
  if (list.length > LIMITS.tags) add('tags', list.length, `must have at most ${LIMITS.tags} tags`);
  for (const [path, key, value] of list) {
    if (isString(key)) {
      if (key.length === 0 || key.length > LIMITS.tagKeyLength) add(path, key, `tag keys must be 1-${LIMITS.tagKeyLength} characters`);
      else if (key.toLowerCase().startsWith('aws:')) add(path, key, 'tag keys must not start with "aws:" (reserved by AWS)');
      else if (!TAG_PATTERN.test(key)) add(path, key, 'tag keys may contain letters, digits, spaces and _ . : / = + - @');
    }
    if (isString(value)) {
      if (value.length > LIMITS.tagValueLength) add(path, value, `tag values must be at most ${LIMITS.tagValueLength} characters`);
      else if (!TAG_PATTERN.test(value)) add(path, value, 'tag values may contain letters, digits, spaces and _ . : / = + - @');
    }
  }
}

function checkMetricDefinitions(add: Sink, definitions: unknown): void {
  if (!Array.isArray(definitions)) return;
  if (definitions.length > LIMITS.metricDefinitions) {
    add('metricDefinitions', definitions.length, `must have at most ${LIMITS.metricDefinitions} entries`);
  }
  const seen = new Set<string>();
  definitions.forEach((d, i) => {
    if (!isObject(d)) return;
    const path = `metricDefinitions[${i}]`;
    if (isString(d.name)) {
      if (d.name.length === 0 || d.name.length > LIMITS.metricNameLength) add(`${path}.name`, d.name, `must be 1-${LIMITS.metricNameLength} characters`);
      if (seen.has(d.name)) add(`${path}.name`, d.name, 'must be unique among metricDefinitions');
      seen.add(d.name);
    }
    if (isString(d.regex)) {
      if (d.regex.length === 0 || d.regex.length > LIMITS.metricRegexLength) {
        add(`${path}.regex`, d.regex, `must be 1-${LIMITS.metricRegexLength} characters`);
      } else {
        try {
          toRegExp(d.regex);
        } catch (error) {
          add(`${path}.regex`, d.regex, `is not a valid regular expression (${(error as Error).message})`);
        }
      }
    }
  });
}

function checkVpc(add: Sink, options: Record<string, unknown>): void {
  const { subnets, securityGroupIds } = options;
  if (Array.isArray(subnets)) {
    if (subnets.length > LIMITS.subnets) add('subnets', subnets.length, `must list at most ${LIMITS.subnets} subnets`);
    subnets.forEach((s, i) => isString(s) && !SUBNET_PATTERN.test(s) && add(`subnets[${i}]`, s, 'must look like subnet-0123abcd'));
  }
  if (Array.isArray(securityGroupIds)) {
    if (securityGroupIds.length > LIMITS.securityGroups) {
      add('securityGroupIds', securityGroupIds.length, `must list at most ${LIMITS.securityGroups} security groups`);
    }
    securityGroupIds.forEach((s, i) => isString(s) && !SECURITY_GROUP_PATTERN.test(s) && add(`securityGroupIds[${i}]`, s, 'must look like sg-0123abcd'));
  }
  const hasSubnets = Array.isArray(subnets) && subnets.length > 0;
  const hasGroups = Array.isArray(securityGroupIds) && securityGroupIds.length > 0;
  if (hasSubnets !== hasGroups) {
    add(hasSubnets ? 'securityGroupIds' : 'subnets', undefined, 'subnets and securityGroupIds must be given together (a VPC config needs both)');
  }
}

function checkSpotAndTime(add: Sink, options: Record<string, unknown>): void {
  checkInt(add, 'maxRun', options.maxRun, 1, LIMITS.maxRunSeconds);
  const maxRun = isNumber(options.maxRun) ? options.maxRun : 86400;
  if (options.useSpotInstances === true) {
    if (options.maxWait === undefined)
      add('maxWait', undefined, 'is required with useSpotInstances (seconds to wait for Spot capacity plus training, >= maxRun)');
    else if (isNumber(options.maxWait)) {
      checkInt(add, 'maxWait', options.maxWait, 1, 2 * LIMITS.maxRunSeconds);
      if (options.maxWait < maxRun) add('maxWait', options.maxWait, `must be >= maxRun (${maxRun}) with useSpotInstances`);
    }
  } else if (options.maxWait !== undefined) {
    add('maxWait', options.maxWait, 'is only valid with useSpotInstances: true');
  }
  if (options.maxRetryAttempts !== undefined) {
    checkInt(add, 'maxRetryAttempts', options.maxRetryAttempts, LIMITS.retryAttempts[0], LIMITS.retryAttempts[1]);
  }
}

function checkRole(add: Sink, options: Record<string, unknown>, local: boolean): void {
  const { role } = options;
  if (role === undefined) {
    if (!local) add('role', undefined, 'is required for cloud jobs (an IAM role name or ARN that SageMaker can assume)');
    return;
  }
  if (isString(role) && !ROLE_ARN_PATTERN.test(role) && !ROLE_NAME_PATTERN.test(role)) {
    add('role', role, 'must be an IAM role ARN (arn:aws:iam::<account>:role/<name>) or a role name');
  }
}

function checkDebuggerAndProfiler(add: Sink, options: Record<string, unknown>, local: boolean): void {
  const hook = options.debuggerHookConfig;
  if (isObject(hook)) {
    if (hook.s3OutputPath !== undefined) checkUri(add, 'debuggerHookConfig.s3OutputPath', hook.s3OutputPath, 'output', local);
    checkContainerPath(add, 'debuggerHookConfig.containerLocalOutputPath', hook.containerLocalOutputPath);
  }
  const tb = options.tensorboardOutputConfig;
  if (isObject(tb)) {
    checkUri(add, 'tensorboardOutputConfig.s3OutputPath', tb.s3OutputPath, 'output', local);
    checkContainerPath(add, 'tensorboardOutputConfig.containerLocalOutputPath', tb.containerLocalOutputPath);
  }
  const profiler = options.profilerConfig;
  if (isObject(profiler) && profiler.s3OutputPath !== undefined) {
    checkUri(add, 'profilerConfig.s3OutputPath', profiler.s3OutputPath, 'output', local);
  }
  if (isObject(profiler) && options.disableProfiler === true) {
    add('profilerConfig', undefined, 'cannot be combined with disableProfiler: true');
  }
  if (Array.isArray(options.rules)) {
    options.rules.forEach((rule, i) => {
      if (!isObject(rule)) return;
      const path = `rules[${i}]`;
      if (isString(rule.name) && !/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,255}$/.test(rule.name)) {
        add(`${path}.name`, rule.name, 'must be letters, digits and hyphens (no leading or trailing hyphen)');
      }
      if (isString(rule.instanceType) && !INSTANCE_TYPE_PATTERN.test(rule.instanceType)) {
        add(`${path}.instanceType`, rule.instanceType, 'must be an ml.* instance type');
      }
      checkInt(add, `${path}.volumeSize`, rule.volumeSize, 1);
      if (rule.s3OutputPath !== undefined) checkUri(add, `${path}.s3OutputPath`, rule.s3OutputPath, 'output', local);
      checkContainerPath(add, `${path}.containerLocalOutputPath`, rule.containerLocalOutputPath);
      if ((rule.type ?? 'debugger') === 'debugger' && options.debuggerHookConfig === false) {
        add(path, rule.name, 'debugger rules need the Debugger hook; remove debuggerHookConfig: false');
      }
    });
  }
}

/**
 * Checks every value rule of the SageMaker API that can be checked without AWS.
 * `options` may be structurally invalid; fields of the wrong type are skipped here.
 */
export function checkRules(input: unknown): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (!isObject(input)) return issues;
  const options = input;
  const add: Sink = (path, value, rule) => issues.push(value === undefined ? { path, rule } : { path, value, rule });
  const local = isLocalJobInput(options);

  if (isString(options.instanceType) && !local && !INSTANCE_TYPE_PATTERN.test(options.instanceType)) {
    add('instanceType', options.instanceType, 'must be an ml.* instance type (e.g. ml.m5.xlarge), or local / local_gpu to run on this machine');
  }
  const typeIssue =
    isString(options.instanceType) && !local && INSTANCE_TYPE_PATTERN.test(options.instanceType) ? trainingInstanceTypeIssue(options.instanceType) : undefined;
  if (typeIssue) issues.push(typeIssue);
  if (isString(options.imageUri) && (options.imageUri.length === 0 || options.imageUri.length > 255 || /\s/.test(options.imageUri))) {
    add('imageUri', options.imageUri, 'must be a container image reference of 1-255 characters without spaces');
  }
  checkRole(add, options, local);
  checkInt(add, 'instanceCount', options.instanceCount, 1);
  checkInt(add, 'volumeSize', options.volumeSize, 1);
  checkKmsKey(add, 'volumeKmsKey', options.volumeKmsKey);
  checkKmsKey(add, 'outputKmsKey', options.outputKmsKey);
  checkJobName(add, 'jobName', options.jobName);
  checkJobName(add, 'baseJobName', options.baseJobName, LIMITS.jobNameLength);
  if (options.outputPath !== undefined) checkUri(add, 'outputPath', options.outputPath, 'output', local);
  if (options.checkpointS3Uri !== undefined) checkUri(add, 'checkpointS3Uri', options.checkpointS3Uri, 'output', local);
  checkContainerPath(add, 'checkpointLocalPath', options.checkpointLocalPath);
  if (options.checkpointLocalPath !== undefined && options.checkpointS3Uri === undefined) {
    add('checkpointLocalPath', options.checkpointLocalPath, 'needs checkpointS3Uri (checkpoints are synced from this path to that URI)');
  }
  if (isString(options.defaultBucket) && !S3_URI_PATTERN.test(`s3://${options.defaultBucket}`)) {
    add('defaultBucket', options.defaultBucket, 'must be a bucket name (3-63 lowercase letters, digits, dots, hyphens)');
  }
  checkInputs(add, options, local);
  checkStringMap(add, 'hyperparameters', options.hyperparameters, {
    count: LIMITS.hyperparameters,
    keyLength: LIMITS.hyperparameterKeyLength,
    valueLength: Number.POSITIVE_INFINITY, // checked on the encoded value by the request builder
  });
  checkStringMap(add, 'environment', options.environment, {
    count: LIMITS.environment,
    keyLength: LIMITS.environmentKeyLength,
    valueLength: LIMITS.environmentValueLength,
    keyPattern: ENV_KEY_PATTERN,
    keyRule: 'environment variable names must match [a-zA-Z_][a-zA-Z0-9_]*',
  });
  checkTags(add, options.tags);
  checkMetricDefinitions(add, options.metricDefinitions);
  checkVpc(add, options);
  checkSpotAndTime(add, options);
  checkDebuggerAndProfiler(add, options, local);
  return issues;
}

/**
 * Value rules SageMaker's CreateTrainingJob API enforces, checked locally so a bad job fails
 * before any upload, API call or container start. Each rule reports the option path, the
 * value and the rule in words. Rules tolerate values of the wrong type (the schema reports
 * those), so structural and value problems are reported together.
 */
import type { ValidationIssue } from '../errors.js';
import { isLocalJobInput } from './local-job.js';
import { trainingInstanceTypeIssue } from './instance-type-check.js';
import {
  checkContainerPath,
  checkInt,
  checkJobName,
  checkKmsKey,
  checkUri,
  INSTANCE_TYPE_PATTERN,
  isNumber,
  isObject,
  isString,
  LIMITS,
  S3_URI_PATTERN,
  type Sink,
} from './rule-basics.js';
import { checkInputs } from './rules-inputs.js';
import { checkDebuggerAndProfiler, checkMetricDefinitions } from './rules-monitoring.js';

const ROLE_ARN_PATTERN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const ROLE_NAME_PATTERN = /^[\w+=,.@-]{1,64}$/;
const SUBNET_PATTERN = /^subnet-[0-9a-zA-Z]+$/;
const SECURITY_GROUP_PATTERN = /^sg-[0-9a-zA-Z]+$/;
const ENV_KEY_PATTERN = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TAG_PATTERN = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

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
  checkContainerPath(add, 'checkpointLocalPath', options.checkpointLocalPath, { bound: true });
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

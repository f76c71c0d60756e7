/**
 * The building blocks of the value rules: SageMaker's limits and name patterns, tolerant type
 * guards (a value of the wrong type is the schema's to report) and the checks shared by
 * several rules (URIs, integers, job names, KMS keys, container paths).
 */

import { containerPathProblem } from '../util/container-path.js';

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
export const INSTANCE_TYPE_PATTERN = /^ml\.[a-z0-9-]+\.[a-z0-9]+$/;
export const S3_URI_PATTERN = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(\/.*)?$/;
const KMS_KEY_PATTERN =
  /^(arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)\/[\w/-]+|alias\/[\w/-]+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/;

/** Where a URI may point, which depends on the backend. */
export type UriRole = 'input' | 'output';

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

export function checkJobName(add: Sink, path: string, name: unknown, maxLength: number = LIMITS.jobNameLength): void {
  if (!isString(name)) return;
  if (name.length > maxLength) add(path, name, `must be at most ${maxLength} characters (it is ${name.length})`);
  else if (!JOB_NAME_PATTERN.test(name.length ? name : '-')) {
    add(path, name, 'must match ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$ (letters, digits and hyphens; no leading or trailing hyphen)');
  }
}

export function checkKmsKey(add: Sink, path: string, key: unknown): void {
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

/** A path inside the container; `bound` when a host folder is bind-mounted there (checkpointLocalPath). */
export function checkContainerPath(add: Sink, path: string, value: unknown, options: { bound?: boolean } = {}): void {
  if (!isString(value)) return;
  const problem = containerPathProblem(value, options);
  if (problem) add(path, value, problem);
}

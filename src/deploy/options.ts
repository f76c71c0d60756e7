/**
 * What a deployment can say: the parameters of the Python SDK's `Estimator.deploy()` /
 * `Model.deploy()` under camelCase names. The same keys form a job file's `deploy:` section.
 * The structure is checked by zod, the API's value rules by {@link findDeployIssues}, so every
 * problem is reported at once with its field, value and rule.
 */
import { z } from 'zod';
import { ValidationError, type ValidationIssue } from '../errors.js';
import { isLocalInstanceType } from '../estimator/local-job.js';
import { JOB_NAME_PATTERN } from '../estimator/rule-basics.js';
import { fromZodError } from '../estimator/zod-issues.js';
import type { DeployOptions, DeployTags } from './types.js';

export type { DeployOptions, DeployTags } from './types.js';

/** The deploy keys, for "did you mean" hints and documentation. */
export const DEPLOY_OPTION_KEYS = [
  'initialInstanceCount',
  'instanceType',
  'endpointName',
  'modelName',
  'imageUri',
  'environment',
  'tags',
  'kmsKey',
  'volumeSize',
  'modelDataDownloadTimeout',
  'containerStartupHealthCheckTimeout',
  'invocationTimeout',
  'maxPayload',
  'wait',
] as const satisfies ReadonlyArray<keyof DeployOptions>;

const stringMap = z.record(z.string(), z.string());

/** Structural schema of {@link DeployOptions}: unknown keys are errors. */
export const deployOptionsSchema = z.strictObject({
  initialInstanceCount: z.number().optional(),
  instanceType: z.string().optional(),
  endpointName: z.string().optional(),
  modelName: z.string().optional(),
  imageUri: z.string().optional(),
  environment: stringMap.optional(),
  tags: z
    .union([stringMap, z.array(z.union([z.strictObject({ key: z.string(), value: z.string() }), z.strictObject({ Key: z.string(), Value: z.string() })]))])
    .optional(),
  kmsKey: z.string().optional(),
  volumeSize: z.number().optional(),
  modelDataDownloadTimeout: z.number().optional(),
  containerStartupHealthCheckTimeout: z.number().optional(),
  invocationTimeout: z.number().optional(),
  maxPayload: z.number().optional(),
  wait: z.boolean().optional(),
});

const INSTANCE_TYPE_PATTERN = /^ml\.[a-z0-9-]+\.[a-z0-9]+$/;
const ENV_KEY_PATTERN = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const NAME_RULE = 'must be 1-63 letters, digits and hyphens, no leading or trailing hyphen (^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$)';

type Sink = (path: string, value: unknown, rule: string) => void;

function checkInt(add: Sink, path: string, value: unknown, min: number, max: number): void {
  if (typeof value !== 'number') return;
  if (!Number.isInteger(value) || value < min || value > max) add(path, value, `must be an integer between ${min} and ${max}`);
}

/** The API's value rules (CreateModel, CreateEndpointConfig, CreateEndpoint). */
function checkDeployRules(options: Record<string, unknown>, prefix: string, add: Sink): void {
  const at = (key: string) => (prefix ? `${prefix}.${key}` : key);
  const { instanceType } = options;
  const local = typeof instanceType === 'string' && isLocalInstanceType(instanceType);
  if (typeof instanceType === 'string' && !local && !INSTANCE_TYPE_PATTERN.test(instanceType)) {
    add(at('instanceType'), instanceType, 'must be an ml.* instance type (e.g. ml.m5.large), or local / local_gpu to serve on this machine');
  }
  checkInt(add, at('initialInstanceCount'), options.initialInstanceCount, 1, local ? 16 : 10_000);
  for (const key of ['endpointName', 'modelName'] as const) {
    const name = options[key];
    if (typeof name === 'string' && !JOB_NAME_PATTERN.test(name || '-')) add(at(key), name, NAME_RULE);
  }
  const image = options.imageUri;
  if (typeof image === 'string' && (image.length === 0 || image.length > 255 || /\s/.test(image))) {
    add(at('imageUri'), image, 'must be a container image reference of 1-255 characters without spaces');
  }
  for (const key of Object.keys((options.environment as Record<string, unknown> | undefined) ?? {})) {
    if (!ENV_KEY_PATTERN.test(key)) add(at(`environment.${key}`), key, 'environment variable names must match [a-zA-Z_][a-zA-Z0-9_]*');
  }
  checkInt(add, at('volumeSize'), options.volumeSize, 1, 512);
  checkInt(add, at('modelDataDownloadTimeout'), options.modelDataDownloadTimeout, 60, 3600);
  // SageMaker allows 60-3600 s; a local endpoint may use a shorter one (tests, quick failures).
  checkInt(add, at('containerStartupHealthCheckTimeout'), options.containerStartupHealthCheckTimeout, local ? 1 : 60, 3600);
  checkInvocationLimits(options, at, add, typeof instanceType === 'string' && !local);
}

/** The invocation limits of local endpoints (SageMaker's real-time endpoints have fixed ones: 60 s, 6 MB). */
function checkInvocationLimits(options: Record<string, unknown>, at: (key: string) => string, add: Sink, onSageMaker: boolean): void {
  for (const key of ['invocationTimeout', 'maxPayload'] as const) {
    if (onSageMaker && options[key] !== undefined) {
      add(at(key), options[key], 'applies to local endpoints only (SageMaker endpoints answer within 60 s and take up to 6 MB)');
    }
  }
  checkInt(add, at('invocationTimeout'), options.invocationTimeout, 1, 3600);
  const mb = options.maxPayload;
  if (typeof mb === 'number' && !(Number.isFinite(mb) && mb > 0 && mb <= 1024)) add(at('maxPayload'), mb, 'must be a number of MB above 0, at most 1024');
}

/** Every problem with `input` as deploy options; `prefix` is prepended to paths (`deploy` in a job file). */
export function findDeployIssues(input: unknown, prefix = ''): ValidationIssue[] {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return [{ path: prefix || '(deploy)', value: input, rule: 'must be a mapping of deploy options (instanceType, initialInstanceCount, …)' }];
  }
  const parsed = deployOptionsSchema.safeParse(input);
  const structural = parsed.success ? [] : fromZodError(parsed.error, input, deployOptionsSchema);
  const prefixed = structural.map((issue) => ({ ...issue, path: prefix ? `${prefix}.${issue.path}` : issue.path }));
  const flagged = new Set(prefixed.map((i) => i.path));
  const rules: ValidationIssue[] = [];
  checkDeployRules(input as Record<string, unknown>, prefix, (path, value, rule) => {
    if (!flagged.has(path)) rules.push(value === undefined ? { path, rule } : { path, value, rule });
  });
  return [...prefixed, ...rules];
}

/**
 * Validates deploy options for an actual deployment: the structure and rules, plus what a
 * deployment cannot do without (an instance type). Throws {@link ValidationError}.
 */
export function validateDeployOptions(input: unknown, source?: string): DeployOptions & { instanceType: string } {
  const issues = findDeployIssues(input);
  if (!issues.length && typeof (input as DeployOptions).instanceType !== 'string') {
    issues.push({ path: 'instanceType', rule: 'is required to deploy: local (this machine) or an ml.* instance type' });
  }
  if (issues.length) throw new ValidationError(issues, source);
  return input as DeployOptions & { instanceType: string };
}

/** Tags in the API's `[{Key, Value}]` shape, or undefined when none were given. */
export function apiTags(tags: DeployTags | undefined): Array<{ Key: string; Value: string }> | undefined {
  if (tags === undefined) return undefined;
  if (!Array.isArray(tags)) return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
  return tags.map((t) => ('Key' in t ? { Key: t.Key, Value: t.Value } : { Key: t.key, Value: t.value }));
}

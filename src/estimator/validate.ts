/**
 * One entry point for checking a job: structure (zod) and API rules together, every problem
 * reported at once in a {@link ValidationError}.
 */
import { findDeployIssues } from '../deploy/options.js';
import { ValidationError, type ValidationIssue } from '../errors.js';
import type { EstimatorOptions } from './options.js';
import { checkRules } from './rules.js';
import { checkExtraRules } from './rules-extra.js';
import { estimatorOptionsSchema } from './schema.js';
import { fromZodError } from './zod-issues.js';

/** Every problem with `input` as an estimator job; empty when it is valid. */
export function findIssues(input: unknown): ValidationIssue[] {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return [{ path: '(job)', value: input, rule: 'must be a mapping of options (imageUri, instanceType, …)' }];
  }
  const parsed = estimatorOptionsSchema.safeParse(input);
  const structural = parsed.success ? [] : fromZodError(parsed.error, input, estimatorOptionsSchema);
  const flagged = new Set(structural.map((i) => i.path));
  // A rule about a field whose type is already wrong only adds noise.
  const rules = [...checkRules(input), ...checkExtraRules(input)].filter((i) => !flagged.has(i.path));
  // The deploy: section's value rules (its structure is part of the schema above).
  const deploy = (input as { deploy?: unknown }).deploy;
  const deployRules = deploy === undefined ? [] : findDeployIssues(deploy, 'deploy').filter((i) => !flagged.has(i.path));
  return [...structural, ...rules, ...deployRules];
}

/**
 * Validates a job and returns it typed; throws {@link ValidationError} listing every problem.
 * `source` (a file name) is mentioned in the error.
 */
export function validateOptions(input: unknown, source?: string): EstimatorOptions {
  const issues = findIssues(input);
  if (issues.length) throw new ValidationError(issues, source);
  return input as EstimatorOptions;
}

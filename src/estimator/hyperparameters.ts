/**
 * Hyperparameter encoding.
 *
 * The CreateTrainingJob API takes hyperparameters as a map of strings, and SageMaker writes that
 * map to `/opt/ml/input/config/hyperparameters.json` in the container. So the values the
 * container reads are always strings, whatever the user wrote. The Python SDK applies `str()`
 * to each value (giving `True`, `None`, `1.0`, `{'a': 1}`); sagekit encodes so that any
 * language can decode it: strings verbatim, numbers and booleans with `String()` (`true`,
 * `0.1`, `1e-5`), objects, arrays and null as JSON. With `json` encoding every value is
 * JSON-encoded (strings get quotes), like the Python framework estimators do.
 */
import type { ValidationIssue } from '../errors.js';
import type { HyperparameterValue } from './options.js';
import { LIMITS } from './rule-basics.js';

/** How values become strings. */
export type HyperparameterEncoding = 'auto' | 'json';

/** Encodes one value (see the module comment). */
export function encodeHyperparameter(value: HyperparameterValue, encoding: HyperparameterEncoding = 'auto'): string {
  if (encoding === 'json') return JSON.stringify(value);
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/**
 * Encodes every hyperparameter; returns issues for values whose encoding exceeds the API's
 * 2500-character limit. Insertion order is kept.
 */
export function encodeHyperparameters(
  hyperparameters: Record<string, HyperparameterValue>,
  encoding: HyperparameterEncoding = 'auto',
): { values: Record<string, string>; issues: ValidationIssue[] } {
  const values: Record<string, string> = {};
  const issues: ValidationIssue[] = [];
  for (const [key, value] of Object.entries(hyperparameters)) {
    const encoded = encodeHyperparameter(value, encoding);
    if (encoded.length > LIMITS.hyperparameterValueLength) {
      issues.push({
        path: `hyperparameters.${key}`,
        value: encoded,
        rule: `encoded values must be at most ${LIMITS.hyperparameterValueLength} characters (this one has ${encoded.length})`,
      });
    }
    values[key] = encoded;
  }
  return { values, issues };
}

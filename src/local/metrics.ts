/**
 * Metrics from training logs, the way SageMaker extracts them: every log line is searched with
 * each `MetricDefinitions[].Regex`, and the first capture group of a match is the metric's value.
 *
 * SageMaker evaluates the regexes with Python's `re`, so users write Python syntax. The parts
 * that differ from JavaScript are translated (see `translatePythonRegex` in util/python-regex.ts); anything that
 * cannot be translated is refused with an error that names the metric.
 */
import type { MetricData, MetricDefinition } from '@aws-sdk/client-sagemaker';
import { ValidationError } from '../errors.js';
import type { MetricSample } from '../events.js';
import { translatePythonRegex } from '../util/python-regex.js';

/** One entry of `FinalMetricDataList`, as DescribeTrainingJob returns it. */
export type FinalMetricData = MetricData;

/** Parses log lines into metric samples. */
export interface MetricParser {
  /**
   * Every metric found in `line` (at most one sample per definition: the first match).
   * Values that are not finite numbers (`nan`, `inf`) are skipped, as SageMaker drops them.
   */
  parse(line: string, host: string, timestamp: number): MetricSample[];
}

// Python's float() syntax: digits with optional `_` separators, optional fraction and exponent,
// surrounding whitespace, and the special values nan/inf/infinity (any case, signed).
const PY_FLOAT = /^[+-]?(?:(?:\d(?:_?\d)*)(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?$/;
const PY_SPECIAL = /^[+-]?(?:nan|inf|infinity)$/i;

/**
 * Parses a metric value the way Python's `float()` does. Returns `undefined` for text `float()`
 * would reject (e.g. `''`, `0x10`, `1,5`), and `NaN`/`±Infinity` for `nan`/`inf`.
 */
export function parsePythonFloat(text: string): number | undefined {
  const trimmed = text.trim();
  if (PY_FLOAT.test(trimmed)) return Number(trimmed.replace(/_/g, ''));
  if (PY_SPECIAL.test(trimmed)) {
    const negative = trimmed.startsWith('-');
    if (/nan/i.test(trimmed)) return Number.NaN;
    return negative ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  }
  return undefined;
}

interface CompiledMetric {
  name: string;
  regex: RegExp;
}

/**
 * Compiles `MetricDefinitions` into a parser. Throws a {@link ValidationError} naming the metric
 * when a definition has no name or regex, or its regex cannot be compiled.
 *
 * Value rule: the first capture group of the first match in the line; a regex without any group
 * uses the whole match; a match whose first group did not participate yields nothing. Values
 * that are not finite (`nan`, `inf`) are skipped, because SageMaker (CloudWatch) cannot store them.
 */
export function createMetricParser(definitions: readonly MetricDefinition[]): MetricParser {
  const compiled: CompiledMetric[] = definitions.map((definition, index) => {
    const path = `AlgorithmSpecification.MetricDefinitions[${index}]`;
    if (!definition.Name) throw new ValidationError([{ path: `${path}.Name`, rule: 'a metric needs a name' }]);
    if (!definition.Regex) {
      throw new ValidationError([{ path: `${path}.Regex`, rule: `metric "${definition.Name}" needs a regex` }]);
    }
    try {
      const { source, flags } = translatePythonRegex(definition.Regex);
      return { name: definition.Name, regex: new RegExp(source, flags) };
    } catch (error) {
      throw new ValidationError([
        {
          path: `${path}.Regex`,
          value: definition.Regex,
          rule: `metric "${definition.Name}" has a regex that cannot be used: ${(error as Error).message}`,
        },
      ]);
    }
  });

  return {
    parse(line, host, timestamp) {
      const samples: MetricSample[] = [];
      for (const metric of compiled) {
        const match = metric.regex.exec(line);
        if (!match) continue;
        const text = match.length > 1 ? match[1] : match[0];
        if (text === undefined) continue;
        const value = parsePythonFloat(text);
        if (value === undefined || !Number.isFinite(value)) continue;
        samples.push({ name: metric.name, value, timestamp, host });
      }
      return samples;
    },
  };
}

/**
 * `FinalMetricDataList` from a time series: the last value of each metric (as SageMaker reports
 * it), in the order the metrics were first seen. The caller decides which hosts' samples count.
 */
export function finalMetrics(samples: readonly MetricSample[]): FinalMetricData[] {
  const last = new Map<string, MetricSample>();
  for (const sample of samples) {
    // Re-inserting would move the key to the end; set() on an existing key keeps its position.
    last.set(sample.name, sample);
  }
  return [...last.values()].map((s) => ({ MetricName: s.name, Value: s.value, Timestamp: new Date(s.timestamp) }));
}

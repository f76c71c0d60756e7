/** Value rules of metric definitions, the Debugger hook, TensorBoard output, the Profiler and rules. */
import { toRegExp } from '../util/python-regex.js';
import { checkContainerPath, checkInt, checkUri, INSTANCE_TYPE_PATTERN, isObject, isString, LIMITS, type Sink } from './rule-basics.js';

export function checkMetricDefinitions(add: Sink, definitions: unknown): void {
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

export function checkDebuggerAndProfiler(add: Sink, options: Record<string, unknown>, local: boolean): void {
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

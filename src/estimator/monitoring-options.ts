/**
 * The monitoring parts of the Estimator's options: metric definitions, SageMaker Debugger and
 * Profiler settings and rules, TensorBoard output.
 */

/** A metric to extract from the training logs. */
export interface MetricDefinition {
  /** Metric name, e.g. `train:loss`. */
  name: string;
  /** Regular expression whose first capture group is the value, e.g. `loss=([0-9.]+)`. */
  regex: string;
}

/** One SageMaker Debugger collection to save. */
export interface CollectionConfig {
  name: string;
  parameters?: Record<string, string>;
}

/** SageMaker Debugger hook settings (`DebugHookConfig`). */
export interface DebuggerHookConfig {
  /** Where tensors are saved; defaults to `outputPath`. */
  s3OutputPath?: string;
  /** Path inside the container, default `/opt/ml/output/tensors`. */
  containerLocalOutputPath?: string;
  hookParameters?: Record<string, string>;
  collectionConfigs?: CollectionConfig[];
}

/** TensorBoard output (`TensorBoardOutputConfig`). */
export interface TensorBoardOutputConfig {
  s3OutputPath: string;
  /** Path inside the container, default `/opt/ml/output/tensorboard`. */
  containerLocalOutputPath?: string;
}

/** SageMaker Profiler settings (`ProfilerConfig`). */
export interface ProfilerConfig {
  /** Where profiling data goes; defaults to `outputPath`. */
  s3OutputPath?: string;
  /** Sampling interval of system metrics: 100, 200, 500, 1000, 5000 or 60000 ms. */
  systemMonitorIntervalMillis?: 100 | 200 | 500 | 1000 | 5000 | 60000;
}

/** A Debugger or Profiler rule run beside the job (`DebugRuleConfigurations` / `ProfilerRuleConfigurations`). */
export interface RuleConfig {
  /** `debugger` (default) or `profiler`. */
  type?: 'debugger' | 'profiler';
  /** Rule configuration name. */
  name: string;
  /** Image of the rule evaluator (for built-in rules, the regional Debugger rule image). */
  imageUri: string;
  instanceType?: string;
  volumeSize?: number;
  ruleParameters?: Record<string, string>;
  /** Path in the rule container where it writes its output. */
  containerLocalOutputPath?: string;
  s3OutputPath?: string;
}

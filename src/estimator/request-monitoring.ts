/** The Debugger and Profiler parts of a request, with the Python SDK's defaults and region rules. */
import type { DebugHookConfig, DebugRuleConfiguration, ProfilerConfig, ProfilerRuleConfiguration } from '@aws-sdk/client-sagemaker';
import type { ValidationIssue } from '../errors.js';
import { isLocalJob, jobInstanceTypes } from './local-job.js';
import type { RuleConfig } from './monitoring-options.js';
import type { EstimatorOptions } from './options.js';
import { toUri } from './request-channels.js';

/** Regions where SageMaker Debugger and Profiler do not exist; the SDK turns both off there. */
const REGIONS_WITHOUT_DEBUGGER = [
  'us-iso-east-1',
  'us-isob-east-1',
  'ap-southeast-3',
  'ap-southeast-4',
  'eu-south-2',
  'me-central-1',
  'ap-south-2',
  'eu-central-2',
  'us-gov-east-1',
] as const;

function ruleConfig(rule: RuleConfig, cwd: string): DebugRuleConfiguration & ProfilerRuleConfiguration {
  return {
    RuleConfigurationName: rule.name,
    RuleEvaluatorImage: rule.imageUri,
    ...(rule.instanceType !== undefined && { InstanceType: rule.instanceType as DebugRuleConfiguration['InstanceType'] }),
    ...(rule.volumeSize !== undefined && { VolumeSizeInGB: rule.volumeSize }),
    ...(rule.ruleParameters !== undefined && { RuleParameters: rule.ruleParameters }),
    ...(rule.containerLocalOutputPath !== undefined && { LocalPath: rule.containerLocalOutputPath }),
    ...(rule.s3OutputPath !== undefined && { S3OutputPath: toUri(rule.s3OutputPath, cwd) }),
  };
}

export interface MonitoringConfig {
  DebugHookConfig?: DebugHookConfig;
  DebugRuleConfigurations?: DebugRuleConfiguration[];
  ProfilerRuleConfigurations?: ProfilerRuleConfiguration[];
  ProfilerConfig?: ProfilerConfig;
}

/** Debugger and Profiler settings with the SDK's defaults and region rules. */
export function buildMonitoring(
  options: EstimatorOptions,
  outputPath: string,
  region: string | undefined,
  cwd: string,
  issues: ValidationIssue[],
  warnings: string[],
): MonitoringConfig {
  const local = isLocalJob(options);
  const supported = !(REGIONS_WITHOUT_DEBUGGER as readonly string[]).includes(region ?? '');
  const result: MonitoringConfig = {};

  const hook = options.debuggerHookConfig;
  if (!supported && hook) {
    issues.push({ path: 'debuggerHookConfig', rule: `SageMaker Debugger is not available in ${region}; remove it or set it to false` });
  } else if (hook) {
    const unique = new Map<string, { CollectionName: string; CollectionParameters?: Record<string, string> }>();
    for (const c of hook.collectionConfigs ?? []) {
      const entry = { CollectionName: c.name, ...(c.parameters !== undefined && { CollectionParameters: c.parameters }) };
      unique.set(JSON.stringify([c.name, Object.entries(c.parameters ?? {}).sort()]), entry);
    }
    result.DebugHookConfig = {
      S3OutputPath: hook.s3OutputPath !== undefined ? toUri(hook.s3OutputPath, cwd) : outputPath,
      ...(hook.containerLocalOutputPath !== undefined && { LocalPath: hook.containerLocalOutputPath }),
      ...(hook.hookParameters !== undefined && { HookParameters: hook.hookParameters }),
      CollectionConfigurations: [...unique.values()],
    };
  } else if (hook === undefined && supported && !local) {
    result.DebugHookConfig = { S3OutputPath: outputPath, CollectionConfigurations: [] };
  }

  const debuggerRules = (options.rules ?? []).filter((r) => (r.type ?? 'debugger') === 'debugger');
  const profilerRules = (options.rules ?? []).filter((r) => r.type === 'profiler');
  if (debuggerRules.length) result.DebugRuleConfigurations = debuggerRules.map((r) => ruleConfig(r, cwd));
  if (profilerRules.length) result.ProfilerRuleConfigurations = profilerRules.map((r) => ruleConfig(r, cwd));

  const trainium = jobInstanceTypes(options).find((type) => type.startsWith('ml.trn'));
  let disable = options.disableProfiler === true || !supported;
  if (trainium && !disable) {
    disable = true;
    if (options.profilerConfig) warnings.push(`profilerConfig ignored: the Profiler does not support ${trainium}`);
  }
  if (!supported && options.profilerConfig) {
    issues.push({ path: 'profilerConfig', rule: `SageMaker Profiler is not available in ${region}; remove it` });
  }
  if (disable) {
    result.ProfilerConfig = { DisableProfiler: true };
  } else if (options.profilerConfig) {
    const p = options.profilerConfig;
    result.ProfilerConfig = {
      S3OutputPath: p.s3OutputPath !== undefined ? toUri(p.s3OutputPath, cwd) : outputPath,
      ...(p.systemMonitorIntervalMillis !== undefined && { ProfilingIntervalInMilliseconds: p.systemMonitorIntervalMillis }),
      DisableProfiler: false,
    };
  } else if (!local) {
    result.ProfilerConfig = { S3OutputPath: outputPath, DisableProfiler: false };
  }
  return result;
}

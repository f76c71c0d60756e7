/**
 * Request fields the local backend cannot honour. Each is named once in a warning so nothing is
 * silently dropped; FileSystemDataSource channels are refused outright (no EFS/FSx here).
 */
import type { CreateTrainingJobRequest } from '@aws-sdk/client-sagemaker';
import { EnvironmentError, ValidationError } from '../errors.js';
import { cloudOnlyWarnings } from './unsupported-extra.js';

/** Warnings for `request` on the local backend, one per unsupported feature. */
export function unsupportedFieldWarnings(request: CreateTrainingJobRequest): string[] {
  const warnings: string[] = [];
  const say = (field: string, why: string) => warnings.push(`${field} is not honoured by local jobs: ${why}`);
  if (request.VpcConfig) say('VpcConfig', 'containers run on a private network of this machine');
  if (request.OutputDataConfig?.KmsKeyId) say('outputKmsKey', 'artifacts are written without KMS encryption (S3 server-side defaults apply)');
  if (request.ResourceConfig?.VolumeKmsKeyId) say('volumeKmsKey', 'there is no EBS volume');
  if (request.EnableManagedSpotTraining) say('useSpotInstances', 'local jobs always run on this machine (maxWait is ignored)');
  if (request.EnableInterContainerTrafficEncryption) say('encryptInterContainerTraffic', 'traffic between hosts stays on this machine unencrypted');
  if (request.DebugHookConfig) say('debuggerHookConfig', 'the Debugger service is cloud-only (the hook inside your container still writes locally)');
  if (request.DebugRuleConfigurations?.length || request.ProfilerRuleConfigurations?.length) say('rules', 'rule evaluators are cloud-only');
  if (request.ProfilerConfig && request.ProfilerConfig.DisableProfiler !== true) say('profilerConfig', 'the Profiler is cloud-only');
  if (request.TensorBoardOutputConfig) say('tensorboardOutputConfig', 'TensorBoard data is not uploaded');
  if (request.RetryStrategy) say('maxRetryAttempts', 'failed local jobs are not retried');
  if (request.ResourceConfig?.VolumeSizeInGB !== undefined && request.ResourceConfig.VolumeSizeInGB !== 30) {
    say('volumeSize', "local jobs use this machine's disk");
  }
  if (request.AlgorithmSpecification?.EnableSageMakerMetricsTimeSeries) say('enableSageMakerMetrics', 'metrics are kept in the local job record only');
  warnings.push(...cloudOnlyWarnings(request).map(([field, why]) => `${field} is not honoured by local jobs: ${why}`));
  return warnings;
}

/** Throws when the request needs something that cannot exist locally. */
export function assertRunnableLocally(request: CreateTrainingJobRequest): void {
  const issues = (request.InputDataConfig ?? [])
    .map((channel, index) => ({ channel, index }))
    .filter(({ channel }) => channel.DataSource?.FileSystemDataSource)
    .map(({ channel, index }) => ({
      path: `inputs.${channel.ChannelName ?? index}`,
      value: channel.DataSource?.FileSystemDataSource?.FileSystemId,
      rule: 'EFS / FSx for Lustre file systems cannot be mounted by local jobs; copy the data and use a local path or s3:// URI',
    }));
  if (issues.length) throw new ValidationError(issues);
}

/**
 * Throws (exit 3) when a job needs the engine on this machine but it is remote: Pipe-mode FIFOs
 * are shared with the container through bind mounts, which would name the remote machine's disk.
 */
export function assertRunnableRemotely(request: CreateTrainingJobRequest, engineHost: string): void {
  const jobMode = request.AlgorithmSpecification?.TrainingInputMode ?? 'File';
  const pipe = (request.InputDataConfig ?? []).filter((c) => (c.InputMode ?? jobMode) === 'Pipe').map((c) => c.ChannelName);
  if (!pipe.length) return;
  throw new EnvironmentError(
    `Pipe-mode channels (${pipe.join(', ')}) need the container engine on this machine, and ${engineHost} is remote`,
    'use File or FastFile mode with a remote engine, or point DOCKER_HOST at an engine on this machine',
  );
}

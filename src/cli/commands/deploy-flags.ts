/** `sagekit deploy`'s flags and the deploy options they set (shared by the dry run and the deployment). */
import type { DeployOptions } from '../../deploy/types.js';
import { UsageError } from '../../errors.js';

/** Flags of `sagekit deploy`. */
export interface DeployFlags {
  config?: string;
  dryRun?: boolean;
  instanceType?: string;
  initialInstanceCount?: string;
  endpointName?: string;
  modelName?: string;
  imageUri?: string;
  env: string[];
  containerStartupHealthCheckTimeout?: string;
  modelDataDownloadTimeout?: string;
  invocationTimeout?: string;
  maxPayload?: string;
  wait: boolean;
  backend?: 'local' | 'aws';
  region?: string;
}

/** A flag's number, or a usage error naming the flag, the value and the rule. */
function numberFlag(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${flag}: must be a number (got "${value}")`);
  return n;
}

/** `--env K=V` pairs as a map; a pair without `=` or with an empty name is a usage error. */
function parseEnvFlags(pairs: readonly string[]): Record<string, string> | undefined {
  if (!pairs.length) return undefined;
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--env ${pair}: expected NAME=VALUE (e.g. --env LOG_LEVEL=debug)`);
    env[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return env;
}

/** The deploy options the flags set, over `base` (the job file's `deploy:` section). */
export function deployOptionsFromFlags(flags: DeployFlags, base: DeployOptions = {}): DeployOptions {
  const env = parseEnvFlags(flags.env);
  const count = numberFlag('initial-instance-count', flags.initialInstanceCount);
  const healthTimeout = numberFlag('container-startup-health-check-timeout', flags.containerStartupHealthCheckTimeout);
  const downloadTimeout = numberFlag('model-data-download-timeout', flags.modelDataDownloadTimeout);
  const invocationTimeout = numberFlag('invocation-timeout', flags.invocationTimeout);
  const maxPayload = numberFlag('max-payload', flags.maxPayload);
  return {
    ...base,
    ...(flags.instanceType && { instanceType: flags.instanceType }),
    ...(count !== undefined && { initialInstanceCount: count }),
    ...(flags.endpointName && { endpointName: flags.endpointName }),
    ...(flags.modelName && { modelName: flags.modelName }),
    ...(flags.imageUri && { imageUri: flags.imageUri }),
    ...(env && { environment: { ...base.environment, ...env } }),
    ...(healthTimeout !== undefined && { containerStartupHealthCheckTimeout: healthTimeout }),
    ...(downloadTimeout !== undefined && { modelDataDownloadTimeout: downloadTimeout }),
    ...(invocationTimeout !== undefined && { invocationTimeout }),
    ...(maxPayload !== undefined && { maxPayload }),
    ...(!flags.wait && { wait: false }),
  };
}

/**
 * Request fields of the options beyond the seed's list (container entry point, private
 * registries, heterogeneous clusters, warm pools, training plans, uncompressed output, infra
 * check, remote debug, session tag chaining), shaped as the Python SDK sends them.
 */
import type { AlgorithmSpecification, CreateTrainingJobRequest, OutputDataConfig, ResourceConfig, TrainingInstanceType } from '@aws-sdk/client-sagemaker';
import type { EstimatorOptions } from './options.js';
import { sourceCodeEntrypoint } from './source-code.js';

/** `ResourceConfig` without the volume fields: instance type and count, or the groups. */
export function resourceShape(options: EstimatorOptions): ResourceConfig {
  const placement = options.instancePlacementConfig;
  return {
    ...(options.keepAlivePeriodInSeconds !== undefined && { KeepAlivePeriodInSeconds: options.keepAlivePeriodInSeconds }),
    ...(options.instanceGroups
      ? {
          InstanceGroups: options.instanceGroups.map((g) => ({
            InstanceGroupName: g.instanceGroupName,
            InstanceType: g.instanceType as TrainingInstanceType,
            InstanceCount: g.instanceCount,
          })),
        }
      : { InstanceCount: options.instanceCount ?? 1, InstanceType: options.instanceType as TrainingInstanceType }),
    ...(options.trainingPlan !== undefined && { TrainingPlanArn: options.trainingPlan }),
    ...(placement && {
      InstancePlacementConfig: {
        ...(placement.enableMultipleJobs !== undefined && { EnableMultipleJobs: placement.enableMultipleJobs }),
        ...(placement.placementSpecifications && {
          PlacementSpecifications: placement.placementSpecifications.map((p) => ({
            ...(p.ultraServerId !== undefined && { UltraServerId: p.ultraServerId }),
            InstanceCount: p.instanceCount,
          })),
        }),
      },
    }),
  };
}

/** Additions to `AlgorithmSpecification`. */
export function algorithmExtras(options: EstimatorOptions): Partial<AlgorithmSpecification> {
  const mode = options.trainingRepositoryAccessMode;
  const credentials = options.trainingRepositoryCredentialsProviderArn;
  const entrypoint = options.sourceCode ? sourceCodeEntrypoint(options.sourceCode) : options.containerEntryPoint;
  return {
    ...(entrypoint && { ContainerEntrypoint: entrypoint }),
    ...(options.containerArguments && { ContainerArguments: options.containerArguments }),
    ...(mode && {
      TrainingImageConfig: {
        TrainingRepositoryAccessMode: mode,
        ...(credentials && { TrainingRepositoryAuthConfig: { TrainingRepositoryCredentialsProviderArn: credentials } }),
      },
    }),
  };
}

/** Additions to `OutputDataConfig`. */
export function outputExtras(options: EstimatorOptions): Partial<OutputDataConfig> {
  return options.disableOutputCompression ? { CompressionType: 'NONE' } : {};
}

/** Top-level request fields sent whenever their option is given. */
export function topLevelExtras(options: EstimatorOptions): Partial<CreateTrainingJobRequest> {
  return {
    ...(options.enableInfraCheck !== undefined && { InfraCheckConfig: { EnableInfraCheck: options.enableInfraCheck } }),
    ...(options.enableRemoteDebug !== undefined && { RemoteDebugConfig: { EnableRemoteDebug: options.enableRemoteDebug } }),
    ...(options.enableSessionTagChaining !== undefined && {
      SessionChainingConfig: { EnableSessionTagChaining: options.enableSessionTagChaining },
    }),
  };
}

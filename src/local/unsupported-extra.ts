/**
 * The options of the rest of `Estimator.__init__` that have no local meaning, each named once
 * (see `unsupported.ts`): `[option, why]` pairs.
 */
import type { CreateTrainingJobRequest } from '@aws-sdk/client-sagemaker';

/** `[option, reason]` for every cloud-only setting present in `request`. */
export function cloudOnlyWarnings(request: CreateTrainingJobRequest): Array<[string, string]> {
  const found: Array<[string, string]> = [];
  const resources = request.ResourceConfig;
  if (resources?.KeepAlivePeriodInSeconds !== undefined)
    found.push(['keepAlivePeriodInSeconds', 'there is no warm pool; every local job starts fresh containers']);
  if (resources?.TrainingPlanArn) found.push(['trainingPlan', 'local jobs use this machine, not reserved capacity']);
  if (resources?.InstancePlacementConfig) found.push(['instancePlacementConfig', 'every host runs on this machine']);
  if (request.InfraCheckConfig) found.push(['enableInfraCheck', 'there are no instances to health-check']);
  if (request.RemoteDebugConfig) found.push(['enableRemoteDebug', 'attach to the local container directly (docker/podman exec)']);
  if (request.SessionChainingConfig) found.push(['enableSessionTagChaining', 'no role session is assumed locally']);
  const image = request.AlgorithmSpecification?.TrainingImageConfig;
  if (image?.TrainingRepositoryAuthConfig) {
    found.push(['trainingRepositoryCredentialsProviderArn', 'the engine pulls with its own registry credentials (docker/podman login)']);
  } else if (image?.TrainingRepositoryAccessMode === 'Vpc') {
    found.push(['trainingRepositoryAccessMode', "the engine pulls the image from this machine's network"]);
  }
  return found;
}

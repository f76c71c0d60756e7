/**
 * What a local container runs: the image's entry point with the argument `train`, as SageMaker
 * starts training containers, or `ContainerEntrypoint` / `ContainerArguments` in their place.
 */
import type { CreateTrainingJobRequest } from '@aws-sdk/client-sagemaker';

/** The `Entrypoint` (when replaced) and `Cmd` of the engine's container create call. */
export function containerCommand(request: CreateTrainingJobRequest): { Entrypoint?: string[]; Cmd: string[] } {
  const spec = request.AlgorithmSpecification;
  const entrypoint = spec?.ContainerEntrypoint;
  const args = spec?.ContainerArguments;
  // A replaced entry point gets the given arguments only: `train` is the default command's argument.
  if (entrypoint?.length) return { Entrypoint: entrypoint, Cmd: args ?? [] };
  return { Cmd: args?.length ? args : ['train'] };
}

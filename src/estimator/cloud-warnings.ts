/**
 * Warnings for a cloud job about settings that only make sense on this machine: SageMaker pulls
 * the image itself (from ECR), so a `localhost/` image — one built here — cannot be had there, and
 * `local.*` settings such as `buildContext` are not used at all.
 */
import type { EstimatorOptions } from './options.js';

/** Warnings for a cloud (ml.*) job; none for local ones. */
export function cloudOnlyWarnings(options: EstimatorOptions): string[] {
  const warnings: string[] = [];
  const image = options.imageUri ?? '';
  if (/^localhost(:\d+)?\//.test(image)) {
    warnings.push(`imageUri ${image} is an image of this machine, which SageMaker cannot pull: push it to ECR and use that URI for ${options.instanceType}`);
  }
  const local = options.local as Record<string, unknown> | undefined;
  if (local?.buildContext) {
    warnings.push(`local.buildContext is ignored for ${options.instanceType}: SageMaker does not build images; build and push it yourself`);
  }
  return warnings;
}

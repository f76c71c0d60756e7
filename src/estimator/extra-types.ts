/**
 * Types of the Estimator options beyond the seed's list: script mode's git source,
 * heterogeneous clusters and instance placement. Kept apart so `options.ts` stays readable.
 */

/** One group of a heterogeneous cluster (`ResourceConfig.InstanceGroups`), like the SDK's `InstanceGroup`. */
export interface InstanceGroup {
  /** Name of the group (unique in the job); channels name it in their `instanceGroups`. */
  instanceGroupName: string;
  /** Instance type of every host of the group, e.g. `ml.c5.xlarge` (or `local` for every group of a local job). */
  instanceType: string;
  /** Number of hosts in the group (at least 1). */
  instanceCount: number;
}

export type { GitConfig } from '../code/script-code.js';

/** One placement of instances on an UltraServer (`PlacementSpecification`). */
export interface PlacementSpecification {
  /** The UltraServer to place instances on. */
  ultraServerId?: string;
  /** Number of instances placed there. */
  instanceCount: number;
}

/** Where the job's instances are placed (`ResourceConfig.InstancePlacementConfig`). */
export interface InstancePlacementConfig {
  /** Allow several jobs on the same UltraServer. */
  enableMultipleJobs?: boolean;
  placementSpecifications?: PlacementSpecification[];
}

/**
 * User code for any image, without the SageMaker training toolkit (like the Python SDK v3's
 * `ModelTrainer` `SourceCode`): the folder becomes the input channel `code` and
 * `ContainerEntrypoint` runs `entryScript` (`python3` for `.py`, `sh` for `.sh`, else the
 * file itself) or `command` from it. Give exactly one of `entryScript` and `command`.
 */
export interface SourceCode {
  /** Local folder (uploaded like a local input for cloud jobs) or an `s3://` prefix holding the code. */
  sourceDir: string;
  /** Script to run, relative to `sourceDir`. */
  entryScript?: string;
  /** Shell command to run in `sourceDir` instead, e.g. `torchrun --nproc-per-node 2 train.py`. */
  command?: string;
  /** `requirements.txt` (relative to `sourceDir`) installed with `python3 -m pip` first; needs a package index at run time. */
  requirements?: string;
}

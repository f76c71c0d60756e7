/**
 * Settings of a local run that have no place in the SageMaker request. A leaf module: the
 * options, the backend contract and the local backend all name it, so it imports nothing.
 */

/** Settings of the local backend that have no place in the SageMaker request. */
export interface LocalRunSettings {
  /**
   * Seconds between SIGTERM and SIGKILL when a job is stopped or exceeds `maxRun`
   * (SageMaker gives 120 s). Default 120.
   */
  stopGracePeriodSeconds?: number;
  /**
   * Pass the host's AWS credentials into the containers as `AWS_*` variables.
   * Off by default: containers on SageMaker get the role's credentials, not yours.
   */
  passAwsCredentials?: boolean;
  /** When to pull the image: `missing` (default), `always` or `never`. */
  pull?: 'missing' | 'always' | 'never';
  /** Directory with a Dockerfile to build `imageUri` from before running. */
  buildContext?: string;
  /** Build arguments (`ARG`s of the Dockerfile) for `buildContext`, e.g. `{ BASE_IMAGE: 'busybox:1.36' }`. */
  buildArgs?: Record<string, string>;
  /** Container engine socket or URL; default: detection (DOCKER_HOST first). */
  engineHost?: string;
  /**
   * Let manifests (ManifestFile, AugmentedManifestFile) name files of this machine outside the
   * manifest's own folder. Off by default: a manifest can only point a job at what the user named.
   */
  allowManifestLocalPaths?: boolean;
  /** Directory where local job records live; default `$XDG_STATE_HOME/sagekit` or `~/.local/state/sagekit`. */
  stateDir?: string;
}

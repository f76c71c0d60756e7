/**
 * The contract between the Estimator and a backend. A backend receives the finished
 * `CreateTrainingJobRequest` (never the raw options) plus the run settings that are not part
 * of the SageMaker API, and returns a started {@link TrainingJob}.
 */
import type { CreateTrainingJobRequest } from '@aws-sdk/client-sagemaker';
import type { ScriptCode } from './code/script-code.js';
import type { JobEvents } from './events.js';
import type { TrainingJob } from './job.js';

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
  /** Directory where local job records live; default `$XDG_STATE_HOME/sagekit` or `~/.local/state/sagekit`. */
  stateDir?: string;
}

/** What every backend's `start` receives. */
export interface StartContext {
  /** The request built by `buildTrainingRequest` (validated, AWS field names). */
  request: CreateTrainingJobRequest;
  /** Events the job emits while it runs; the returned handle exposes the same emitter. */
  events: JobEvents;
  /** Region to use (aws backend; also recorded by the local backend for ARNs). */
  region?: string;
  /** Local-backend settings (ignored by the aws backend). */
  local?: LocalRunSettings;
  /** Script mode: the code to upload (aws) or to place at /opt/ml/code (local), from `BuiltRequest.code`. */
  code?: ScriptCode;
}

/** A backend: starts a job and returns its handle without waiting for it to end. */
export type StartJob = (context: StartContext) => Promise<TrainingJob>;

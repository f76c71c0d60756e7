/**
 * The contract between the Estimator and a backend. A backend receives the finished
 * `CreateTrainingJobRequest` (never the raw options) plus the run settings that are not part
 * of the SageMaker API, and returns a started {@link TrainingJob}.
 */
import type { CreateTrainingJobRequest } from '@aws-sdk/client-sagemaker';
import type { Session } from './aws/session.js';
import type { ScriptCode } from './code/script-code.js';
import type { JobEvents } from './events.js';
import type { LocalRunSettings } from './run-settings.js';
import type { TrainingJob } from './job.js';

export type { LocalRunSettings } from './run-settings.js';

/** What every backend's `start` receives. */
export interface StartContext {
  /** The request built by `buildTrainingRequest` (validated, AWS field names). */
  request: CreateTrainingJobRequest;
  /** Events the job emits while it runs; the returned handle exposes the same emitter. */
  events: JobEvents;
  /** Region to use (aws backend; also recorded by the local backend for ARNs). */
  region?: string;
  /** Account id the local backend records in ARNs (serve passes its own; default 000000000000). Ignored by the aws backend. */
  accountId?: string;
  /** The aws backend's session (default: one for `region` from the AWS configuration chain); ignored by the local backend. */
  session?: Session;
  /** Local-backend settings (ignored by the aws backend). */
  local?: LocalRunSettings;
  /** Script mode: the code to upload (aws) or to place at /opt/ml/code (local), from `BuiltRequest.code`. */
  code?: ScriptCode;
}

/**
 * A backend: starts a job and returns its handle without waiting for it to end. Both backends
 * implement it (`startLocalJob`, `startAwsJob`); `estimator/backends.ts` picks one by name.
 */
export type StartJob = (context: StartContext) => Promise<TrainingJob>;

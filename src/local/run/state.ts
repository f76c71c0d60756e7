/** What the phases of one local job share: its inputs, its parts, and how far it got. */
import type { CreateTrainingJobRequest } from '@aws-sdk/client-sagemaker';
import type { S3Client } from '@aws-sdk/client-s3';
import type { LocalRunSettings } from '../../backend.js';
import type { ScriptCode } from '../../code/script-code.js';
import type { JobEvents } from '../../events.js';
import type { CheckpointSync } from '../data/checkpoints.js';
import type { StagedInputs } from '../data/stage-inputs.js';
import type { EngineKind } from '../engine/info.js';
import type { JobNetwork } from '../engine/networks.js';
import type { Engine } from '../engine/types.js';
import type { JobPaths } from '../record.js';
import type { HostRun } from './host-run.js';
import type { JobLogs } from './logs.js';
import type { JobRecord, StopReason } from './status-record.js';
import type { GraceThenKill } from './timers.js';

/** The state of a running local job, passed to each phase. */
export interface RunState {
  readonly name: string;
  readonly request: CreateTrainingJobRequest;
  readonly events: JobEvents;
  readonly engine: Engine;
  readonly settings: LocalRunSettings;
  readonly paths: JobPaths;
  readonly region: string | undefined;
  /** Account id in the job's ARN (serve's own; undefined: the local placeholder). */
  readonly accountId: string | undefined;
  readonly code: ScriptCode | undefined;
  /** Set for `local_gpu` jobs: the engine kind whose way of passing GPUs is used. */
  readonly gpu: EngineKind | undefined;
  readonly hosts: HostRun[];
  readonly record: JobRecord;
  readonly logs: JobLogs;
  /** Aborted by a stop: data staging ends early. */
  readonly abort: AbortController;
  /** SIGTERM, then SIGKILL after the grace period, to every running container. */
  readonly termination: GraceThenKill;
  /** The job's S3 client, made on first use. */
  readonly s3: () => S3Client;
  /** Stops the job (used by the maxRun timer). */
  readonly stop: (reason: StopReason) => Promise<void>;
  stopReason?: StopReason;
  failureReason?: string;
  /** The first host that failed, claimed at once so only its reason is recorded. */
  failedHost?: string;
  network?: JobNetwork;
  /** A one-host job on the engine's default network rather than one of its own. */
  onDefaultNetwork?: boolean;
  staged?: StagedInputs;
  checkpoints?: CheckpointSync;
  /** Set once the maxRun timer runs; cleared when the artifacts are collected. */
  maxRunTimer?: NodeJS.Timeout;
}

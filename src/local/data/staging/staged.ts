/**
 * What executing channel plans produces — binds and Pipe-mode feeds per host, and the FIFOs and
 * worker copiers cleanup must remove — and the context every strategy executes in.
 */
import path from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import type { JobEvents } from '../../../events.js';
import type { Limiter } from '../../../util/concurrency.js';
import { makeFifo } from '../fifo.js';
import type { FifoCopier } from '../fifo-copier.js';
import type { PipeSpec } from '../pipe-feed.js';

/** A bind mount for the container engine (`source:target[:ro]`). */
export interface ContainerBind {
  source: string;
  target: string;
  readOnly: boolean;
}

/** Container path of a channel directory. */
export function channelTarget(channel: string): string {
  return `/opt/ml/input/data/${channel}`;
}

/** Host path of a channel directory (or FIFO base) inside host `hostDir`. */
export function hostChannelPath(hostDir: string, channel: string): string {
  return path.join(hostDir, 'input', 'data', channel);
}

/** Everything staged so far, collected from every channel's strategy. */
export class StagedParts {
  /** Host i's extra binds. */
  readonly binds: ContainerBind[][];
  /** Host i's first-epoch pipes. */
  readonly pipes: PipeSpec[][];
  readonly fifos: string[] = [];
  readonly copiers: FifoCopier[] = [];

  constructor(hostCount: number) {
    this.binds = Array.from({ length: hostCount }, () => []);
    this.pipes = Array.from({ length: hostCount }, () => []);
  }

  /** Makes a FIFO, registered for cleanup first (so a half-made one is removed too). */
  async addFifo(fifo: string): Promise<void> {
    this.fifos.push(fifo);
    await makeFifo(fifo);
  }
}

/** What a strategy needs to execute its plan. */
export interface StageContext {
  parts: StagedParts;
  /** Host directory bound at `/opt/ml` in host i's container. */
  hostDirs: string[];
  /** Shared by every channel: a few transfers at a time in all. */
  limiter: Limiter;
  s3: () => S3Client;
  events: JobEvents;
  signal?: AbortSignal | undefined;
}

/**
 * The error every input-data problem of the local backend raises: it names the channel and the
 * URI, so the user knows which input to fix (SageMaker's "no objects found" and friends).
 */
import { SagekitError } from '../../errors.js';

/** A channel's data cannot be staged: missing path, empty prefix, bad manifest, unsupported option … */
export class ChannelDataError extends SagekitError {
  readonly channel: string;
  readonly uri: string | undefined;

  constructor(channel: string, uri: string | undefined, message: string, cause?: unknown) {
    super(`channel "${channel}"${uri ? ` (${uri})` : ''}: ${message}`, { exitCode: 2, cause });
    this.channel = channel;
    this.uri = uri;
  }
}

/** The channel a reader works on; every reader gets it, so it is all an error needs. */
export interface ChannelRef {
  channel: string;
  uri: string;
}

/**
 * The {@link ChannelDataError} of `ref`, to `throw` where the problem is found (instead of a
 * callback threaded through every reader's signature).
 */
export function channelError(ref: ChannelRef, message: string, cause?: unknown): ChannelDataError {
  return new ChannelDataError(ref.channel, ref.uri, message, cause);
}

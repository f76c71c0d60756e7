/**
 * Serves the epochs of one Pipe-mode channel on one host: `<channel>_0`, `_1`, `_2` …
 *
 * Every pipe that exists waits for its reader at the same time, so a training program may open
 * them in any order (`find` lists `train_1` before `train_0`; `head -c 100 train_1` skips the
 * first pass) and always gets data instead of a deadlock. When the reader of epoch N arrives, the
 * pipe of epoch N+1 is made before anything is written into N, so a reader moving on never finds
 * the next pipe missing; the staging made `_0` and `_1`. Everything waiting ends on the signal.
 */
import { shuffleItems } from './distribution.js';
import { feedPipe, type PipeContext, type PipeSpec } from './pipe-feed.js';

/** Host path of a channel's FIFO for one epoch: `<channel>_<epoch>`. */
export function epochFifo(fifoBase: string, epoch: number): string {
  return `${fifoBase}_${epoch}`;
}

/** What {@link serveEpochs} needs from the staging. */
export interface EpochHooks {
  /** Makes a FIFO (and registers it for cleanup). */
  addFifo(fifo: string): Promise<void>;
  /** Reports a failure of a later epoch (the first epoch's failure rejects instead). */
  onLaterError(error: unknown): void;
  /** Registers background work the staging's cleanup must wait for. */
  track(work: Promise<unknown>): void;
}

/**
 * Starts serving `first` (epoch 0, made with `_1` at staging) and every epoch after it. Resolves
 * when epoch 0 was fed (or its reader went away, or the signal aborted); rejects with its error.
 */
export function serveEpochs(first: PipeSpec, ctx: PipeContext, hooks: EpochHooks): Promise<void> {
  const started = new Set<number>();
  const feed = (epoch: number) => {
    started.add(epoch);
    return feedPipe({ ...specFor(first, epoch), onReader: () => startInBackground(epoch + 1) }, ctx);
  };
  const startInBackground = async (epoch: number) => {
    if (started.has(epoch) || ctx.signal.aborted) return;
    started.add(epoch);
    if (epoch > 1) await hooks.addFifo(epochFifo(first.fifoBase, epoch));
    const work = feed(epoch).catch((error: unknown) => {
      if (!ctx.signal.aborted) hooks.onLaterError(error);
    });
    hooks.track(work);
  };
  const head = feed(0);
  // Epoch 1 exists from the start and waits too: a reader may open it first.
  void startInBackground(1);
  return head;
}

/** The spec of one epoch: its own pipe, reshuffled items; only epoch 0 has the worker copier. */
function specFor(first: PipeSpec, epoch: number): PipeSpec {
  if (epoch === 0) return first;
  const { copier: _firstEpochOnly, ...rest } = first;
  // SageMaker reshuffles a shuffled channel at the start of every Pipe-mode epoch.
  const items = first.shuffleSeed === undefined ? first.items : shuffleItems(first.units, first.shuffleSeed + epoch).flat();
  return { ...rest, fifo: epochFifo(first.fifoBase, epoch), epoch, items };
}

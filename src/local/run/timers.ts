/**
 * The timers of a local job: SIGTERM then SIGKILL after a grace period (a stop, or the first
 * host that failed), and the watcher of another process's stop request.
 */
import { existsSync } from 'node:fs';

export type KillSignal = 'SIGTERM' | 'SIGKILL';

/**
 * SIGTERM now and SIGKILL once the grace period is over, as SageMaker stops instances. However
 * often it is asked (a stop after a host failed), there is one kill timer: the first one.
 */
export class GraceThenKill {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly signal: (signal: KillSignal) => Promise<void>,
    private readonly graceMs: number,
  ) {}

  /** Sends SIGTERM, then arms the kill timer (when not armed yet). */
  async terminate(): Promise<void> {
    await this.signal('SIGTERM');
    this.timer ??= setTimeout(() => void this.signal('SIGKILL'), this.graceMs);
  }

  /** SIGKILL at once (a second stop). */
  kill(): Promise<void> {
    return this.signal('SIGKILL');
  }

  /** The job ended: no kill comes any more. */
  cancel(): void {
    clearTimeout(this.timer);
  }
}

/** Calls `onRequest` when `file` appears (`sagekit stop` from another process writes it); returns the cancel. */
export function watchStopRequest(file: string, onRequest: () => void, everyMs = 500): () => void {
  const watcher = setInterval(() => {
    if (existsSync(file)) onRequest();
  }, everyMs);
  watcher.unref();
  return () => clearInterval(watcher);
}

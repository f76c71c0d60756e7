/**
 * The instances of an endpoint in service, as SageMaker keeps them: each is health-checked
 * (`GET /ping` every few seconds), only healthy ones get requests (round robin), and one that
 * dies — its container exits, or it fails the check three times in a row — is replaced: its
 * container removed, a new one started for the same instance slot and put back in rotation once
 * it answers /ping. One the proxy could not reach leaves the rotation at once and is checked.
 */
import { sleep } from '../../util/sleep.js';
import type { Instance } from './containers.js';
import { pingOnce, waitHealthy } from './health.js';

/** Where the proxy sends the next request. */
export interface Upstream {
  name: string;
  address: string;
}

/** What the front proxy needs of the instances: the next healthy one, and news of one that did not answer. */
export interface Upstreams {
  /** The next healthy instance not in `tried` (addresses), or undefined when none is left. */
  next(tried: ReadonlySet<string>): Upstream | undefined;
  /** The proxy could not reach `address` (refused or reset before any byte of an answer). */
  unreachable(address: string): void;
}

/** One instance slot (`instance-N`) and the container now serving it. */
interface Slot {
  name: string;
  instance: Instance;
  healthy: boolean;
  failures: number;
  replacing: boolean;
}

/** What the pool needs from the endpoint process. */
export interface PoolDeps {
  startInstance(name: string): Promise<Instance>;
  removeInstance(instance: Instance): Promise<void>;
  /** Seconds a replacement has to answer /ping (the endpoint's start-up health-check timeout). */
  healthTimeoutSeconds: number;
  /** Called whenever an instance leaves or rejoins the rotation. */
  onChange(): void;
  /** A line for the endpoint's log, about instance `name`. */
  log(name: string, message: string): void;
  /** Between health checks (default 5 s). */
  checkIntervalMs?: number;
}

/** Failed checks in a row after which an instance is replaced. */
const FAILED_CHECKS = 3;
/** A health check's own time limit: a busy model may answer /ping slowly. */
const CHECK_TIMEOUT_MS = 5000;
const RETRY_MIN_MS = 2000;
const RETRY_MAX_MS = 30_000;
/** Longest wait for a replacement under way when the endpoint is deleted (its container goes by label then). */
const STOP_WAIT_MS = 30_000;

/** The instances in service; see the module comment. */
export class InstancePool implements Upstreams {
  private readonly slots: Slot[];
  private cursor = 0;
  private readonly stopping = new AbortController();
  private readonly replacements = new Set<Promise<void>>();

  constructor(
    instances: readonly Instance[],
    private readonly deps: PoolDeps,
  ) {
    this.slots = instances.map((instance) => ({ name: instance.name, instance, healthy: true, failures: 0, replacing: false }));
  }

  /** Starts watching: exits at once, health checks periodically. */
  start(): void {
    for (const slot of this.slots) this.watchExit(slot);
    void this.monitor();
  }

  /** Stops checking and replacing; resolves when no replacement is under way any more (or an engine call hangs: 30 s at most). */
  async stop(): Promise<void> {
    this.stopping.abort();
    const settled = new AbortController();
    await Promise.race([Promise.allSettled([...this.replacements]).finally(() => settled.abort()), sleep(STOP_WAIT_MS, settled.signal)]);
  }

  /** How many instances are in rotation. */
  get healthyCount(): number {
    return this.slots.filter((s) => s.healthy).length;
  }

  /** Each instance as the record shows it. */
  describe(): Array<{ Name: string; ContainerId: string; Address: string; Healthy: boolean }> {
    return this.slots.map((s) => ({ Name: s.name, ContainerId: s.instance.container.id, Address: s.instance.address, Healthy: s.healthy }));
  }

  next(tried: ReadonlySet<string>): Upstream | undefined {
    const count = this.slots.length;
    for (let i = 0; i < count; i++) {
      const slot = this.slots[(this.cursor + i) % count]!;
      if (!slot.healthy || tried.has(slot.instance.address)) continue;
      this.cursor = (this.cursor + i + 1) % count;
      return { name: slot.name, address: slot.instance.address };
    }
    return undefined;
  }

  unreachable(address: string): void {
    const slot = this.slots.find((s) => s.instance.address === address);
    if (!slot?.healthy || slot.replacing) return;
    this.setHealthy(slot, false, 'did not take a connection; out of rotation until it answers /ping');
    void this.check(slot);
  }

  private setHealthy(slot: Slot, healthy: boolean, why: string): void {
    if (slot.healthy === healthy) return;
    slot.healthy = healthy;
    this.deps.log(slot.name, why);
    this.deps.onChange();
  }

  private watchExit(slot: Slot): void {
    const { instance } = slot;
    void instance.exited.then((code) => {
      if (slot.instance === instance) this.replace(slot, `its container exited with code ${code}`);
    });
  }

  private async monitor(): Promise<void> {
    const { signal } = this.stopping;
    while (!signal.aborted) {
      await sleep(this.deps.checkIntervalMs ?? 5000, signal);
      if (!signal.aborted) await Promise.all(this.slots.map((slot) => this.check(slot)));
    }
  }

  /** One health check of `slot`: back in rotation on 200, replaced after too many failures. */
  private async check(slot: Slot): Promise<void> {
    if (slot.replacing) return;
    const { instance } = slot;
    const status = await pingOnce(instance.address, CHECK_TIMEOUT_MS);
    if (this.stopping.signal.aborted || slot.instance !== instance || slot.replacing) return;
    if (status === 200) {
      slot.failures = 0;
      this.setHealthy(slot, true, 'answers GET /ping; in rotation');
      return;
    }
    slot.failures++;
    if (slot.failures >= FAILED_CHECKS) {
      this.replace(slot, `GET /ping failed ${slot.failures} times in a row (last: ${typeof status === 'number' ? `HTTP ${status}` : status})`);
    }
  }

  /** Takes `slot` out of rotation and replaces its container (retrying, with growing pauses, until stopped). */
  private replace(slot: Slot, why: string): void {
    if (slot.replacing || this.stopping.signal.aborted) return;
    slot.replacing = true;
    slot.healthy = false;
    this.deps.log(slot.name, `${why}; starting a replacement`);
    this.deps.onChange();
    const done = this.replaceContainer(slot).finally(() => this.replacements.delete(done));
    this.replacements.add(done);
  }

  private async replaceContainer(slot: Slot): Promise<void> {
    const { signal } = this.stopping;
    await this.deps.removeInstance(slot.instance);
    for (let pause = RETRY_MIN_MS; !signal.aborted; pause = Math.min(pause * 2, RETRY_MAX_MS)) {
      let fresh: Instance | undefined;
      try {
        fresh = await this.deps.startInstance(slot.name);
        await waitHealthy(slot.name, fresh.address, fresh.exited, this.deps.healthTimeoutSeconds, signal);
        if (signal.aborted) throw new Error('the endpoint is being deleted');
        slot.instance = fresh;
        slot.failures = 0;
        slot.replacing = false;
        this.watchExit(slot);
        this.setHealthy(slot, true, 'replaced: the new container answers GET /ping; in rotation');
        return;
      } catch (error) {
        if (fresh) await this.deps.removeInstance(fresh);
        if (signal.aborted) return;
        this.deps.log(slot.name, `the replacement failed: ${(error as Error).message}; trying again in ${pause / 1000}s`);
        await sleep(pause, signal);
      }
    }
  }
}

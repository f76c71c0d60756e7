/**
 * Containers and networks of local jobs carry labels, so what a killed process left behind can
 * be found and removed later: anything labelled by sagekit whose owning process is gone.
 */
import type { Engine } from './engine/types.js';
import { processAlive } from './record.js';
import { sleep } from '../util/sleep.js';

/** Label on every container and network sagekit creates. */
export const MANAGED_LABEL = 'sagekit.managed';

function orphaned(labels: Record<string, string> | undefined): boolean {
  const pid = Number(labels?.['sagekit.pid']);
  return !Number.isInteger(pid) || pid <= 0 || !processAlive(pid);
}

/** Removes sagekit containers and networks whose owning process no longer exists. Returns how many. */
export async function cleanupLeftovers(engine: Pick<Engine, 'containers' | 'networks'>): Promise<number> {
  const labels = [`${MANAGED_LABEL}=true`];
  let removed = 0;
  // Both lists at once: one engine round trip of waiting instead of two at every job start.
  const [containers, networks] = await Promise.all([engine.containers.list(labels), engine.networks.list(labels)]);
  for (const info of containers) {
    if (!orphaned(info.labels)) continue;
    await engine.containers
      .get(info.id)
      .remove({ volumes: true })
      .then(
        () => removed++,
        () => undefined,
      );
  }
  // Networks after their containers: a network in use cannot be removed.
  for (const info of networks) {
    if (!orphaned(info.labels)) continue;
    await engine.networks.remove(info.id).then(
      () => removed++,
      () => undefined,
    );
  }
  return removed;
}

/** Removes every sagekit container and network carrying `label` (`key=value`), e.g. one job's or one endpoint's. */
export async function removeLabelledResources(engine: Pick<Engine, 'containers' | 'networks'>, label: string): Promise<void> {
  const labels = [`${MANAGED_LABEL}=true`, label];
  for (const info of await engine.containers.list(labels)) {
    await engine.containers
      .get(info.id)
      .remove({ volumes: true })
      .catch(() => undefined);
  }
  // Another process may be removing the same containers (its removal wins, ours is refused):
  // wait, bounded, until they are gone, so callers can rely on "removed" meaning removed.
  for (let attempt = 0; attempt < 40; attempt++) {
    const left = await engine.containers.list(labels).catch(() => []);
    if (left.length === 0) break;
    await sleep(250);
  }
  for (const info of await engine.networks.list(labels)) {
    await engine.networks.remove(info.id).catch(() => undefined);
  }
}

/** Removes every container and network of one job (used when its owner died). */
export function removeJobResources(engine: Pick<Engine, 'containers' | 'networks'>, jobName: string): Promise<void> {
  return removeLabelledResources(engine, `sagekit.job=${jobName}`);
}

/**
 * Containers and networks of local jobs carry labels, so what a killed process left behind can
 * be found and removed later: anything labelled by sagekit whose owning process is gone.
 */
import type Docker from 'dockerode';
import { processAlive } from './record.js';

/** Label on every container and network sagekit creates. */
export const MANAGED_LABEL = 'sagekit.managed';

function orphaned(labels: Record<string, string> | undefined): boolean {
  const pid = Number(labels?.['sagekit.pid']);
  return !Number.isInteger(pid) || pid <= 0 || !processAlive(pid);
}

/** Removes sagekit containers and networks whose owning process no longer exists. Returns how many. */
export async function cleanupLeftovers(docker: Docker): Promise<number> {
  const filters = JSON.stringify({ label: [`${MANAGED_LABEL}=true`] });
  let removed = 0;
  // Both lists at once: one engine round trip of waiting instead of two at every job start.
  const [containers, networks] = await Promise.all([docker.listContainers({ all: true, filters }), docker.listNetworks({ filters })]);
  for (const info of containers) {
    if (!orphaned(info.Labels)) continue;
    await docker
      .getContainer(info.Id)
      .remove({ force: true, v: true })
      .then(
        () => removed++,
        () => undefined,
      );
  }
  // Networks after their containers: a network in use cannot be removed.
  for (const info of networks) {
    if (!orphaned(info.Labels)) continue;
    await docker
      .getNetwork(info.Id)
      .remove()
      .then(
        () => removed++,
        () => undefined,
      );
  }
  return removed;
}

/** Removes every sagekit container and network carrying `label` (`key=value`), e.g. one job's or one endpoint's. */
export async function removeLabelledResources(docker: Docker, label: string): Promise<void> {
  const filters = JSON.stringify({ label: [`${MANAGED_LABEL}=true`, label] });
  for (const info of await docker.listContainers({ all: true, filters })) {
    await docker
      .getContainer(info.Id)
      .remove({ force: true, v: true })
      .catch(() => undefined);
  }
  // Another process may be removing the same containers (its removal wins, ours is refused):
  // wait, bounded, until they are gone, so callers can rely on "removed" meaning removed.
  for (let attempt = 0; attempt < 40; attempt++) {
    const left = await docker.listContainers({ all: true, filters }).catch(() => []);
    if (left.length === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  for (const info of await docker.listNetworks({ filters })) {
    await docker
      .getNetwork(info.Id)
      .remove()
      .catch(() => undefined);
  }
}

/** Removes every container and network of one job (used when its owner died). */
export function removeJobResources(docker: Docker, jobName: string): Promise<void> {
  return removeLabelledResources(docker, `sagekit.job=${jobName}`);
}

/** The backends by name, each loaded only when a job runs on it. */
import type { StartJob } from '../backend.js';
import type { BackendName } from '../job.js';

/** The `start` of backend `name`; both implement the one {@link StartJob} contract. */
export async function loadBackend(name: BackendName): Promise<StartJob> {
  if (name === 'local') return (await import('../local/index.js')).startLocalJob;
  return (await import('../aws/index.js')).startAwsJob;
}

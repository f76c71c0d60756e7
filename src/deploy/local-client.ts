/** The {@link EndpointClient} of a local endpoint: its record, its front proxy, its process. */
import { NotFoundError } from '../errors.js';
import type { EndpointStoreOptions } from '../local/endpoint/index.js';
import type { EndpointClient } from './endpoint-client.js';

/** A client for local endpoint `name`; undefined when there is no record (NotFoundError when `required`). */
export async function localEndpointClient(name: string, store: EndpointStoreOptions, required = false): Promise<EndpointClient | undefined> {
  const local = await import('../local/endpoint/index.js');
  const options: EndpointStoreOptions = { ...(store.stateDir && { stateDir: store.stateDir }), ...(store.engineHost && { engineHost: store.engineHost }) };
  try {
    await local.describeLocalEndpoint(name, options);
  } catch (error) {
    if (error instanceof NotFoundError && !required) return undefined;
    throw error;
  }
  return {
    backend: 'local',
    invoke: (body, headers) => local.invokeLocalEndpoint(name, body, headers, options),
    describe: () => local.describeLocalEndpoint(name, options),
    // A local endpoint's config and model are part of it: they go with it.
    delete: () => local.deleteLocalEndpoint(name, options),
  };
}

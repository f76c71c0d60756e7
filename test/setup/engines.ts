/**
 * Finding the engine of a kind for the tests: every engine that answers (usual detection) plus
 * the socket scripts/ensure-docker.sh starts a Docker Engine on beside Podman — not a place
 * users' engines live, so only the tests look there.
 */
import { discoverEngines, type FoundEngine } from '../../src/local/engine/connect.js';

const SAGEKIT_DOCKER = { host: 'unix:///run/sagekit-docker.sock', source: 'scripts/ensure-docker.sh' };

/** Engines that answer, one per kind (the first found of each). */
export async function testEngines(): Promise<{ byKind: Map<string, FoundEngine>; tried: string[] }> {
  const { found, tried } = await discoverEngines(process.env, [SAGEKIT_DOCKER]);
  const byKind = new Map<string, FoundEngine>();
  for (const engine of found) if (!byKind.has(engine.info.kind)) byKind.set(engine.info.kind, engine);
  return { byKind, tried };
}

/**
 * Hosts and network of a local job: the job's private network (fixed addresses, so every
 * `algo-i` resolves from the first instruction of `train`; a one-host job joins the engine's
 * default bridge when it has one) and one created container per host,
 * its folders bind-mounted, or copied in through the engine API when the engine is remote.
 */
import path from 'node:path';
import { containerCommand } from '../command.js';
import { type Bind, containerSpec } from '../container-spec.js';
import { createJobNetwork, defaultBridge } from '../engine/networks.js';
import { uploadBinds } from '../engine/remote-files.js';
import type { EngineContainer } from '../engine/types.js';
import { containerEnvironment } from '../environment.js';
import { MANAGED_LABEL } from '../leftovers.js';
import type { HostRun } from './host-run.js';
import type { RunState } from './state.js';

/** Labels of a job's network (no host) and containers, so leftovers can be found by owner. */
export function jobLabels(jobName: string, pid: number, host?: string): Record<string, string> {
  return {
    [MANAGED_LABEL]: 'true',
    'sagekit.job': jobName,
    'sagekit.pid': String(pid),
    ...(host && { 'sagekit.host': host }),
  };
}

/**
 * The job's private network. Every host gets a fixed address in it and every `algo-i` is
 * written into each container's hosts file, so all names resolve from the first instruction
 * of `train`, whatever order the containers start in (engine DNS only knows started ones).
 * Returns the network name: the engine's default bridge for a one-host job where it has one
 * (networks.ts defaultBridge), `none` for an isolated one-host job.
 */
async function createNetwork(state: RunState, podman: Promise<boolean>): Promise<string> {
  const isolated = state.request.EnableNetworkIsolation === true;
  if (isolated && state.hosts.length === 1) return 'none';
  if (state.hosts.length === 1) {
    const shared = await defaultBridge(state.engine.networks, await podman);
    state.onDefaultNetwork = shared !== undefined;
    if (shared) return shared;
  }
  // Unique per run: a crashed run's network must never collide with a new one.
  const name = `sagekit-${state.name}-${process.pid}`.slice(0, 100);
  const labels = jobLabels(state.name, process.pid);
  state.network = await createJobNetwork(state.engine.networks, { name, labels, internal: isolated, hosts: state.hosts.length });
  return name;
}

/** The folders a host's container sees: its /opt/ml tree, staged channels, a custom checkpoint path. */
function hostBinds(state: RunState, host: HostRun, index: number): Bind[] {
  const binds: Bind[] = [{ source: host.dir, target: '/opt/ml' }, ...(state.staged?.bindsFor(index) ?? [])];
  const checkpointPath = state.request.CheckpointConfig?.LocalPath;
  if (checkpointPath && checkpointPath !== '/opt/ml/checkpoints') binds.push({ source: path.join(host.dir, 'checkpoints'), target: checkpointPath });
  return binds;
}

async function createContainer(state: RunState, host: HostRun, network: string, env: string[]): Promise<EngineContainer> {
  const { engine, request, hosts } = state;
  const index = hosts.indexOf(host);
  const binds = hostBinds(state, host, index);
  const command = containerCommand(request);
  const addresses = state.network?.addresses;
  const spec = containerSpec({
    name: `sagekit-${state.name}-${host.name}-${process.pid}`.slice(0, 120),
    image: request.AlgorithmSpecification!.TrainingImage!,
    hostName: host.name,
    hostIndex: index,
    hostNames: hosts.map((h) => h.name),
    network,
    ...(state.onDefaultNetwork && { defaultNetwork: true }),
    ...(addresses && { addresses }),
    env,
    binds,
    labels: jobLabels(state.name, process.pid, host.name),
    ...(host.instanceType === 'local_gpu' && state.gpu && { gpu: state.gpu }),
    cmd: command.Cmd,
    ...(command.Entrypoint && { entrypoint: command.Entrypoint }),
  });
  if (engine.local) return engine.containers.create(spec);
  // A remote engine cannot see this machine's folders: their contents go in through the API.
  const container = await engine.containers.create({ ...spec, HostConfig: { ...spec.HostConfig, Binds: [] } });
  await uploadBinds(container, binds);
  return container;
}

/** Creates the network and every host's container (not started); `podman` tells which default network a one-host job joins. */
export async function createHosts(state: RunState, podman: Promise<boolean>): Promise<void> {
  const network = await createNetwork(state, podman);
  const env = await containerEnvironment(state.request, state.region, state.settings.passAwsCredentials === true, state.accountId);
  await Promise.all(state.hosts.map(async (host) => (host.container = await createContainer(state, host, network, env))));
}

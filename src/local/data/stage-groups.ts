/**
 * Heterogeneous clusters: a channel with `InstanceGroupNames` is staged for, and mounted on,
 * only the hosts of those groups (and sharded among them alone, as on SageMaker). Channels are
 * grouped by the hosts they reach; each group is staged by {@link stageInputs} with just those
 * hosts, and the results are combined behind the same {@link StagedInputs} interface.
 */
import path from 'node:path';
import type { Channel, CreateTrainingJobRequest } from '@aws-sdk/client-sagemaker';
import { channelReaches, clusterHosts } from '../cluster.js';
import { stageInputs, type StageInputsOptions, type StagedInputs } from './stage-inputs.js';

/** Channels that reach the same hosts (indexes into the host list). */
interface ChannelSet {
  hostIndexes: number[];
  channels: Channel[];
}

function channelSets(request: CreateTrainingJobRequest, channels: Channel[]): ChannelSet[] {
  const hosts = clusterHosts(request);
  const sets = new Map<string, ChannelSet>();
  for (const channel of channels) {
    const hostIndexes = hosts.flatMap((host, i) => (channelReaches(channel, host) ? [i] : []));
    const key = hostIndexes.join(',');
    const set = sets.get(key) ?? { hostIndexes, channels: [] };
    set.channels.push(channel);
    sets.set(key, set);
  }
  return [...sets.values()];
}

/** Like {@link stageInputs}, with each channel only on the hosts of its instance groups. */
export async function stageInputsByGroup(request: CreateTrainingJobRequest, options: StageInputsOptions): Promise<StagedInputs> {
  const sets = channelSets(request, options.channels);
  if (sets.length <= 1 && (sets[0]?.hostIndexes.length ?? options.hostDirs.length) === options.hostDirs.length) {
    return stageInputs(options);
  }
  const staged: Array<{ set: ChannelSet; inputs: StagedInputs }> = [];
  const cleanup = () => Promise.all(staged.map((s) => s.inputs.cleanup())).then(() => undefined);
  try {
    for (const [i, set] of sets.entries()) {
      const inputs = await stageInputs({
        ...options,
        channels: set.channels,
        hostDirs: set.hostIndexes.map((h) => options.hostDirs[h]!),
        workDir: path.join(options.workDir, `group-${i}`),
      });
      staged.push({ set, inputs });
    }
  } catch (error) {
    await cleanup().catch(() => undefined);
    throw error;
  }
  const local = (set: ChannelSet, hostIndex: number) => set.hostIndexes.indexOf(hostIndex);
  return {
    bindsFor: (hostIndex) => staged.flatMap(({ set, inputs }) => (local(set, hostIndex) >= 0 ? inputs.bindsFor(local(set, hostIndex)) : [])),
    feedPipes: async (hostIndex, signal) => {
      await Promise.all(staged.map(({ set, inputs }) => (local(set, hostIndex) >= 0 ? inputs.feedPipes(local(set, hostIndex), signal) : undefined)));
    },
    cleanup,
  };
}

/**
 * The hosts of a local job as SageMaker lays them out: `algo-1…N`, numbered across the
 * instance groups in order (a homogeneous job is one group, `homogeneousCluster`), and which
 * channels each host gets (a channel with `InstanceGroupNames` only reaches those groups).
 */
import type { Channel, CreateTrainingJobRequest } from '@aws-sdk/client-sagemaker';

/** SageMaker's group name for a job without instance groups. */
const HOMOGENEOUS_GROUP = 'homogeneousCluster';

/** One host of the job. */
export interface ClusterHost {
  name: string;
  group: string;
  instanceType: string;
}

/** Every host, in order. */
export function clusterHosts(request: CreateTrainingJobRequest): ClusterHost[] {
  const resources = request.ResourceConfig;
  const groups = resources?.InstanceGroups?.length
    ? resources.InstanceGroups.map((g) => ({ group: g.InstanceGroupName!, instanceType: String(g.InstanceType), count: g.InstanceCount ?? 1 }))
    : [{ group: HOMOGENEOUS_GROUP, instanceType: String(resources?.InstanceType ?? 'local'), count: resources?.InstanceCount ?? 1 }];
  const hosts: ClusterHost[] = [];
  for (const { group, instanceType, count } of groups) {
    for (let i = 0; i < count; i++) hosts.push({ name: `algo-${hosts.length + 1}`, group, instanceType });
  }
  return hosts;
}

/** `resourceconfig.json` of `currentHost`, with every group's hosts, as SageMaker writes it. */
export function resourceConfigFor(request: CreateTrainingJobRequest, currentHost: string): Record<string, unknown> {
  const hosts = clusterHosts(request);
  const current = hosts.find((h) => h.name === currentHost) ?? hosts[0]!;
  const groups: Array<{ instance_group_name: string; instance_type: string; hosts: string[] }> = [];
  for (const host of hosts) {
    const group = groups.find((g) => g.instance_group_name === host.group);
    if (group) group.hosts.push(host.name);
    else groups.push({ instance_group_name: host.group, instance_type: host.instanceType, hosts: [host.name] });
  }
  return {
    current_host: current.name,
    current_instance_type: current.instanceType,
    current_group_name: current.group,
    hosts: hosts.map((h) => h.name),
    instance_groups: groups,
    network_interface_name: 'eth0',
  };
}

/** True when `channel` reaches `host` (channels without InstanceGroupNames reach every host). */
export function channelReaches(channel: Channel, host: ClusterHost): boolean {
  const groups = channel.DataSource?.S3DataSource?.InstanceGroupNames;
  return !groups?.length || groups.includes(host.group);
}

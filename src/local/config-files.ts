/**
 * The files SageMaker writes into `/opt/ml/input/config/` of every host, with the same names and
 * shapes, because containers built on the sagemaker-training-toolkit parse them.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CreateTrainingJobRequest } from '@aws-sdk/client-sagemaker';
import { channelReaches, clusterHosts, resourceConfigFor } from './cluster.js';

/** `resourceconfig.json` of one host (instance groups included, see `cluster.ts`). */
function resourceConfig(request: CreateTrainingJobRequest, currentHost: string): Record<string, unknown> {
  return resourceConfigFor(request, currentHost);
}

/**
 * `inputdataconfig.json`: per channel its real input mode (the channel's, else the job's). With
 * `host`, only the channels that reach that host's instance group.
 */
function inputDataConfig(request: CreateTrainingJobRequest, host?: string): Record<string, Record<string, string>> {
  const jobMode = request.AlgorithmSpecification?.TrainingInputMode ?? 'File';
  const config: Record<string, Record<string, string>> = {};
  const clusterHost = host === undefined ? undefined : clusterHosts(request).find((h) => h.name === host);
  for (const channel of request.InputDataConfig ?? []) {
    if (clusterHost && !channelReaches(channel, clusterHost)) continue;
    const entry: Record<string, string> = {};
    if (channel.ContentType) entry.ContentType = channel.ContentType;
    entry.TrainingInputMode = channel.InputMode ?? jobMode;
    entry.S3DistributionType = channel.DataSource?.S3DataSource?.S3DataDistributionType ?? 'FullyReplicated';
    entry.RecordWrapperType = channel.RecordWrapperType ?? 'None';
    if (channel.CompressionType) entry.CompressionType = channel.CompressionType;
    config[channel.ChannelName!] = entry;
  }
  return config;
}

/** `checkpointconfig.json`, when checkpoints are configured. */
function checkpointConfig(request: CreateTrainingJobRequest): Record<string, string> | undefined {
  const checkpoint = request.CheckpointConfig;
  if (!checkpoint?.S3Uri) return undefined;
  return { LocalPath: checkpoint.LocalPath ?? '/opt/ml/checkpoints', S3Uri: checkpoint.S3Uri };
}

/**
 * Creates a host's /opt/ml tree (`input/config`, `input/data`, `model`, `output/data`,
 * `checkpoints`) and writes its config files.
 */
export async function writeHostTree(hostDir: string, request: CreateTrainingJobRequest, host: string): Promise<void> {
  const config = path.join(hostDir, 'input', 'config');
  await Promise.all(
    [config, path.join(hostDir, 'input', 'data'), path.join(hostDir, 'model'), path.join(hostDir, 'output', 'data'), path.join(hostDir, 'checkpoints')].map(
      (dir) => mkdir(dir, { recursive: true }),
    ),
  );
  const json = (value: unknown) => `${JSON.stringify(value)}\n`;
  const writes = [
    writeFile(path.join(config, 'hyperparameters.json'), json(request.HyperParameters ?? {})),
    writeFile(path.join(config, 'resourceconfig.json'), json(resourceConfig(request, host))),
    writeFile(path.join(config, 'inputdataconfig.json'), json(inputDataConfig(request, host))),
  ];
  const checkpoint = checkpointConfig(request);
  if (checkpoint) writes.push(writeFile(path.join(config, 'checkpointconfig.json'), json(checkpoint)));
  await Promise.all(writes);
}

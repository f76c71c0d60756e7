/** The preparation phases of a local job: its image, then its data (host trees, code, channels, checkpoints). */
import path from 'node:path';
import { placeCode } from '../code.js';
import { writeHostTree } from '../config-files.js';
import { createCheckpointSync } from '../data/checkpoints.js';
import { stageInputsByGroup } from '../data/stage-groups.js';
import { ensureImage } from '../image.js';
import type { RunState } from './state.js';

/** Builds, finds or pulls the training image. */
export async function prepareImage(state: RunState): Promise<void> {
  const { settings } = state;
  const image = state.request.AlgorithmSpecification!.TrainingImage!;
  await ensureImage(state.engine, image, {
    ...(settings.pull && { pull: settings.pull }),
    ...(settings.buildContext && { buildContext: settings.buildContext }),
    ...(settings.buildArgs && { buildArgs: settings.buildArgs }),
    events: state.events,
    onBuildLine: (message) => state.logs.writeBuildLine(message),
  });
}

/** Writes each host's /opt/ml tree, places the script code, stages the channels and restores checkpoints. */
export async function prepareData(state: RunState): Promise<void> {
  const { request, hosts } = state;
  state.record.setStatus('Downloading', 'Downloading input data');
  await Promise.all(hosts.map((host) => writeHostTree(host.dir, request, host.name)));
  if (state.code)
    await placeCode(
      state.code,
      hosts.map((h) => h.dir),
    );
  state.staged = await stageInputsByGroup(request, {
    channels: request.InputDataConfig ?? [],
    jobInputMode: request.AlgorithmSpecification?.TrainingInputMode ?? 'File',
    hostDirs: hosts.map((h) => h.dir),
    workDir: state.paths.work,
    s3: state.s3,
    events: state.events,
    signal: state.abort.signal,
    allowManifestLocalPaths: state.settings.allowManifestLocalPaths === true,
  });
  const checkpointUri = request.CheckpointConfig?.S3Uri;
  if (checkpointUri) {
    state.checkpoints = createCheckpointSync({
      s3Uri: checkpointUri,
      hostDirs: hosts.map((h) => path.join(h.dir, 'checkpoints')),
      s3: state.s3,
      events: state.events,
    });
    await state.checkpoints.restore();
  }
}

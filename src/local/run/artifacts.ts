/** The artifacts phase of a local job: model.tar.gz and output.tar.gz saved to the output path, the last checkpoints uploaded. */
import path from 'node:path';
import { joinUri } from '../../s3/uri.js';
import { saveArtifacts } from '../data/uncompressed.js';
import type { RunState } from './state.js';

/** Packs the hosts' `what` folders; a failure to save becomes the job's reason (or a warning after another). */
async function pack(state: RunState, what: 'model' | 'output', dirs: string[]): Promise<{ uri: string } | undefined> {
  const { request, events } = state;
  const output = joinUri(request.OutputDataConfig!.S3OutputPath!, state.name, 'output');
  const kmsKeyId = request.OutputDataConfig?.KmsKeyId;
  const compressed = request.OutputDataConfig?.CompressionType !== 'NONE';
  try {
    return await saveArtifacts({ sources: dirs, output, what, compressed, s3: state.s3, ...(kmsKeyId && { kmsKeyId }), events });
  } catch (error) {
    // The files themselves stay in the record's host folders: say where, since saving failed.
    const message = `could not save ${what}.tar.gz: ${(error as Error).message}; the files are kept in ${path.join(state.paths.dir, 'hosts')}`;
    if (!state.failureReason && !state.stopReason) state.failureReason = `ClientError: ${message}`;
    else events.warnOnce(message);
    return undefined;
  }
}

/** Saves the model and output of a job that ran (none when nothing ran, as on SageMaker), then the last checkpoints. */
export async function collectArtifacts(state: RunState): Promise<void> {
  if (!state.record.trainingStart) {
    // Nothing ran: no artifacts to save (SageMaker likewise reports none).
    await state.checkpoints?.stop().catch(() => undefined);
    return;
  }
  state.record.setStatus('Uploading', 'Uploading generated training model');
  const [model] = await Promise.all([
    pack(
      state,
      'model',
      state.hosts.map((h) => path.join(h.dir, 'model')),
    ),
    pack(
      state,
      'output',
      state.hosts.map((h) => path.join(h.dir, 'output', 'data')),
    ),
  ]);
  if (model) state.record.update({ ModelArtifacts: { S3ModelArtifacts: model.uri } });
  try {
    await state.checkpoints?.stop();
  } catch (error) {
    state.events.warnOnce(`could not save the last checkpoints: ${(error as Error).message}`);
  }
}

/**
 * Files of a job on a remote engine (`tcp://`, `ssh://`): bind mounts would name the remote
 * machine's disk, so each host's `/opt/ml` tree and channel folders are copied into its
 * container through the engine API's archive upload before it starts, and the model, output
 * and checkpoints are copied back the same way once it exited (before it is removed).
 */
import { lstat, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import * as tar from 'tar';
import { extractTar } from '../../archive/extract.js';
import type { Bind, EngineContainer } from './types.js';

/** A tar of `source` (folder or file) whose entries sit at `target` inside the container. */
async function archiveAt(source: string, target: string): Promise<Readable> {
  const stat = await lstat(source);
  const inside = target.replace(/^\/+/, '');
  const options = { portable: true, follow: false } as const;
  if (stat.isDirectory()) return tar.c({ ...options, cwd: source, prefix: inside }, ['.']) as unknown as Readable;
  // A file bind: same base name inside the folder it is mounted in.
  return tar.c({ ...options, cwd: path.dirname(source), prefix: path.posix.dirname(inside) }, [path.basename(source)]) as unknown as Readable;
}

/** Copies every bind's source into the (created, not started) container, in order. */
export async function uploadBinds(container: EngineContainer, binds: Bind[]): Promise<void> {
  for (const bind of binds) {
    await container.putArchive(await archiveAt(bind.source, bind.target), '/');
  }
}

/** The container paths whose contents come back after the job, and where they land on the host. */
export function outputsToCollect(hostDir: string, checkpointPath: string | undefined): Array<{ from: string; to: string }> {
  const collected = [
    { from: '/opt/ml/model', to: hostDir },
    { from: '/opt/ml/output', to: hostDir },
    { from: '/opt/ml/checkpoints', to: hostDir },
  ];
  if (checkpointPath && checkpointPath !== '/opt/ml/checkpoints') collected.push({ from: checkpointPath, to: path.join(hostDir, '.remote-checkpoints') });
  return collected;
}

/**
 * Copies the model, output and checkpoints of an exited container into its host tree. A path the
 * container never created is skipped; the archive's top folder is the path's own name
 * (`model/…`), so it lands at `<hostDir>/model/…`.
 */
export async function downloadOutputs(container: EngineContainer, hostDir: string, checkpointPath?: string): Promise<void> {
  for (const { from, to } of outputsToCollect(hostDir, checkpointPath)) {
    let stream: NodeJS.ReadableStream;
    try {
      stream = await container.getArchive(from);
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) continue;
      throw error;
    }
    await extractTar(stream as Readable, to);
    if (to !== hostDir) {
      // A custom checkpoint path comes back under its own name: it becomes the host's checkpoints.
      await rm(path.join(hostDir, 'checkpoints'), { recursive: true, force: true });
      await rename(path.join(to, path.posix.basename(from)), path.join(hostDir, 'checkpoints'));
      await rm(to, { recursive: true, force: true });
    }
  }
}

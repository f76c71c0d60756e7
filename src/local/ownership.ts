/**
 * Files the user can delete. With a rootful engine (Docker's usual Linux set-up: the user is in
 * the `docker` group), a job's containers write root-owned files into the user's state folder
 * (`hosts/algo-N/model/…`), and `rm -rf` of it then fails — a long-standing complaint about the
 * Python SDK's local mode. After the job, a short helper container from the job's own image
 * hands ownership back (`chown -R uid:gid`); when the image has no `chown`, a warning says how.
 */
import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { JobEvents } from '../events.js';
import type { ContainerClient } from './engine/types.js';
import { MANAGED_LABEL } from './leftovers.js';

/** The first file under `dir` (itself included) not owned by `uid`, if any. */
async function foreignFile(dir: string, uid: number): Promise<string | undefined> {
  const stat = await lstat(dir).catch(() => undefined);
  if (!stat) return undefined;
  if (stat.uid !== uid) return dir;
  if (!stat.isDirectory()) return undefined;
  const entries = await readdir(dir).catch(() => [] as string[]);
  for (const entry of entries) {
    const found = await foreignFile(path.join(dir, entry), uid);
    if (found) return found;
  }
  return undefined;
}

/** What {@link handBackOwnership} needs. */
export interface OwnershipOptions {
  containers: ContainerClient;
  /** An image present on the engine (the job's), run with `chown` as its entrypoint. */
  image: string;
  /** Host folders (the job's host trees) whose contents must end up the user's. */
  dirs: string[];
  jobName: string;
  events: JobEvents;
  /** The user to hand files to; default this process's. */
  uid?: number;
  gid?: number;
}

/** Gives every file under `dirs` back to the user when a container left some of them root's. */
export async function handBackOwnership(options: OwnershipOptions): Promise<void> {
  const uid = options.uid ?? process.getuid?.();
  const gid = options.gid ?? process.getgid?.();
  // Root owns everything anyway; platforms without uids (Windows) have nothing to hand back.
  if (uid === undefined || gid === undefined || uid === 0) return;
  const foreign = (await Promise.all(options.dirs.map((d) => foreignFile(d, uid)))).find(Boolean);
  if (!foreign) return;
  const targets = options.dirs.map((_, i) => `/sagekit-owned/${i}`);
  const hint = `remove or take them with: sudo chown -R ${uid}:${gid} ${options.dirs.join(' ')}`;
  try {
    const container = await options.containers.create({
      Image: options.image,
      Entrypoint: ['chown', '-R', `${uid}:${gid}`, ...targets],
      Cmd: [],
      User: '0:0',
      Labels: { [MANAGED_LABEL]: 'true', 'sagekit.job': options.jobName, 'sagekit.pid': String(process.pid) },
      HostConfig: { Binds: options.dirs.map((d, i) => `${d}:${targets[i]}`), NetworkMode: 'none' },
    });
    try {
      await container.start();
      const { StatusCode } = await container.wait();
      if (StatusCode !== 0)
        options.events.warnOnce(
          `some files the job's containers wrote (such as ${foreign}) are not yours and chown failed in ${options.image} (exit ${StatusCode}); ${hint}`,
        );
    } finally {
      await container.remove().catch(() => undefined);
    }
  } catch (error) {
    options.events.warnOnce(
      `files the job's containers wrote (such as ${foreign}) are not yours, and ${options.image} cannot run chown (${(error as Error).message.split('\n')[0]}); ${hint}`,
    );
  }
}

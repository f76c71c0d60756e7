/** Small helpers shared by the local-data tests: temp dirs, hashes, readers standing in for containers. */
import { createHash, randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export { recordingEvents } from '../helpers/job-events.js';

/** A temp dir removed by the returned function. */
export async function tempDir(prefix = 'sagekit-data-'): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Writes `files` (relative path → content) under `root`. */
export async function writeTree(root: string, files: Record<string, string | Buffer>): Promise<void> {
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(root, rel);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content);
  }
}

/** Every file under `root` as relative path → content (utf8), sorted. */
export async function readTree(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const visit = async (dir: string, rel: string) => {
    for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const r = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await visit(path.join(dir, entry.name), r);
      else out[r] = await readFile(path.join(dir, entry.name), 'utf8');
    }
  };
  await visit(root, '');
  return out;
}

export const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/** Deterministic-size random bytes. */
export const randomData = (size: number) => randomBytes(size);

/**
 * True when `promise` resolves within `ms`, false when it is still pending then (a rejection
 * propagates). For hang detection only, with bounds far above any expected time: never to
 * measure speed.
 */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true as const), expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** True when `file` exists. */
export const exists = (file: string) =>
  stat(file).then(
    () => true,
    () => false,
  );

/**
 * Reads a FIFO like a container would, with `cat` (or `head -c N` when `limit` is given), and
 * resolves with the sha256 and length of what it read.
 */
export function readFifo(fifo: string, limit?: number): Promise<{ sha256: string; bytes: number; data: Buffer[] }> {
  const child = limit === undefined ? spawn('cat', [fifo]) : spawn('head', ['-c', String(limit), fifo]);
  const hash = createHash('sha256');
  const data: Buffer[] = [];
  let bytes = 0;
  child.stdout.on('data', (chunk: Buffer) => {
    hash.update(chunk);
    bytes += chunk.length;
    if (bytes <= 16 * 1024 * 1024) data.push(chunk);
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve({ sha256: hash.digest('hex'), bytes, data }) : reject(new Error(`reader exited with ${code}`))));
  });
}

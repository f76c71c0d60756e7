/**
 * Packaging when a source file fails mid-read: the archive must not appear at the destination
 * (file:// keeps its temp name hidden and removes it; s3:// never completes the upload). The read
 * failure is injected into `node:fs` for files named `explode.bin` only.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { packageArtifacts } from '../../src/local/data/artifacts.js';
import { pathToFileUri } from '../../src/s3/uri.js';
import { randomData, recordingEvents, tempDir, writeTree } from './helpers.js';
import { startS3, type TestS3 } from './s3-server.js';

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const createReadStream = ((file: string, options?: unknown) => {
    if (String(file).endsWith('explode.bin')) {
      // Some bytes first, so a partial archive exists when the failure hits.
      return Readable.from(
        (async function* () {
          yield Buffer.alloc(256 * 1024, 1);
          throw Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' });
        })(),
      );
    }
    return fs.createReadStream(file, options as Parameters<typeof fs.createReadStream>[1]);
  }) as typeof fs.createReadStream;
  return { ...fs, default: { ...fs, createReadStream }, createReadStream };
});

let s3: TestS3;
let root: { dir: string; remove: () => Promise<void> };
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  s3 = await startS3(['out']);
  root = await tempDir('sagekit-artifacts-fail-');
  await writeTree(path.join(root.dir, 'model'), { 'a.bin': randomData(10 * 1024 * 1024), 'explode.bin': randomData(1024 * 1024) });
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});
afterAll(async () => {
  await s3?.close();
  await root?.remove();
});

describe('packageArtifacts when a read fails', () => {
  it('leaves nothing at a file:// destination, not even the temp file', async () => {
    const out = path.join(root.dir, 'out');
    const { events } = recordingEvents();
    await expect(
      packageArtifacts({ sources: [path.join(root.dir, 'model')], destination: pathToFileUri(path.join(out, 'model.tar.gz')), s3: () => s3.client, events }),
    ).rejects.toThrow(/EIO/);
    expect(await readdir(out)).toEqual([]);
  });

  it('does not complete the S3 upload', async () => {
    const { events } = recordingEvents();
    await expect(
      packageArtifacts({ sources: [path.join(root.dir, 'model')], destination: 's3://out/job/output/model.tar.gz', s3: () => s3.client, events }),
    ).rejects.toThrow(/EIO/);
    await expect(s3.client.send(new HeadObjectCommand({ Bucket: 'out', Key: 'job/output/model.tar.gz' }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 404 },
    });
  });
});

/**
 * sagekit's own S3 store (the one `sagekit serve` embeds) on 127.0.0.1 with a random port and a
 * temporary directory, plus an S3 client pointed at it. Every test file starts its own and closes it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createS3Client } from '../../src/s3/client.js';
import { openEmbeddedStore } from '../../src/serve/s3/handler.js';

/** A running store with its client. */
export interface TestS3 {
  endpoint: string;
  /** The store's own folder. */
  directory: string;
  client: S3Client;
  put(bucket: string, key: string, body: string | Buffer): Promise<void>;
  close(): Promise<void>;
}

/** Starts the store with the given buckets. */
export async function startS3(buckets: string[] = ['bucket']): Promise<TestS3> {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'sagekit-s3-'));
  const { handle, store } = await openEmbeddedStore(directory);
  for (const name of buckets) await store.createBucket(name);
  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = createS3Client({
    endpoint,
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'not-a-secret' },
    region: 'us-east-1',
    forcePathStyle: true,
  });
  return {
    endpoint,
    directory,
    client,
    async put(bucket, key, body) {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    },
    async close() {
      client.destroy();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/**
 * A real S3-compatible server (s3rver) on 127.0.0.1 with a random port and a temporary
 * directory, plus an S3 client pointed at it. Every test file starts its own and closes it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createS3Client } from '../../src/s3/client.js';

interface S3rverInstance {
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}
type S3rverConstructor = new (options: {
  port: number;
  address: string;
  silent: boolean;
  directory: string;
  configureBuckets: Array<{ name: string }>;
}) => S3rverInstance;

// s3rver ships no type declarations; load it through require and type the little we use.
const S3rver = createRequire(import.meta.url)('s3rver') as S3rverConstructor;

/** A running s3rver with its client. */
export interface TestS3 {
  endpoint: string;
  client: S3Client;
  put(bucket: string, key: string, body: string | Buffer): Promise<void>;
  close(): Promise<void>;
}

/** Starts s3rver with the given buckets. */
export async function startS3(buckets: string[] = ['bucket']): Promise<TestS3> {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'sagekit-s3rver-'));
  const server = new S3rver({
    port: 0,
    address: '127.0.0.1',
    silent: true,
    directory,
    configureBuckets: buckets.map((name) => ({ name })),
  });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const client = createS3Client({
    endpoint,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    region: 'us-east-1',
    forcePathStyle: true,
  });
  return {
    endpoint,
    client,
    async put(bucket, key, body) {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    },
    async close() {
      client.destroy();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/**
 * sagekit's S3 store through the AWS SDK for JavaScript (which sends CRC32 checksums in
 * aws-chunked trailers by default) and through raw HTTP requests an attacker would send: keys
 * and buckets with `..` never reach the file system, long keys are fine, listings page past
 * 1 000 keys, and every byte stays inside the store's folder.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  paginateListObjectsV2,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3, type TestS3 } from '../local-data/s3-server.js';

let s3: TestS3;
let outside: string;

beforeAll(async () => {
  s3 = await startS3(['bucket']);
  outside = await mkdtemp(path.join(os.tmpdir(), 'sagekit-s3-outside-'));
});

afterAll(async () => {
  await s3?.close();
  await rm(outside, { recursive: true, force: true });
});

/** A request with its path exactly as given (fetch would resolve `..` segments, as browsers do; curl --path-as-is does not). */
function raw(method: string, pathAndQuery: string, body?: string): Promise<{ status: number; text(): Promise<string> }> {
  const { hostname, port } = new URL(s3.endpoint);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, method, path: pathAndQuery }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: async () => text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe("sagekit's S3 store", () => {
  it('keeps traversal attempts inside the store: keys with .. are just keys, bucket names follow S3 rules', async () => {
    const target = encodeURIComponent(path.join(outside, 'pwn.txt'));
    for (const p of [
      `/bucket/../../../../..${path.join(outside, 'a.txt')}`,
      `/bucket/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e${target}`,
      `/bucket/..%2f..%2f..%2f..%2f..%2f..%2f${target}`,
    ]) {
      expect((await raw('PUT', p, 'x')).status).toBe(200);
    }
    expect(await readdir(outside)).toEqual([]);
    for (const bucket of ['..', '..%2f..%2f..%2ftmp', '%2e%2e', 'UPPER', 'a', 'under_score']) {
      const answer = await raw('PUT', `/${bucket}`);
      expect(answer.status, bucket).toBe(400);
      expect(await answer.text()).toContain('<Code>InvalidBucketName</Code>');
      expect((await raw('DELETE', `/${bucket}`)).status, bucket).toBe(404);
    }
    const listed = await s3.client.send(new ListObjectsV2Command({ Bucket: 'bucket', Prefix: '../' }));
    expect(listed.Contents?.map((o) => o.Key).every((k) => k?.startsWith('../'))).toBe(true);
  });

  it('stores keys of 256-character segments and up to 1 024 bytes; longer ones are KeyTooLongError', async () => {
    const segment = 'k'.repeat(256);
    await s3.put('bucket', `${segment}/${segment}`, 'long');
    const utf8 = 'é'.repeat(512);
    await s3.put('bucket', utf8, 'utf8 key');
    expect(await (await s3.client.send(new GetObjectCommand({ Bucket: 'bucket', Key: utf8 }))).Body?.transformToString()).toBe('utf8 key');
    await expect(s3.put('bucket', `${utf8}x`, 'too long')).rejects.toMatchObject({ name: 'KeyTooLongError' });
  });

  it('pages ListObjectsV2 past 1 000 keys with continuation tokens, and V1 with markers', async () => {
    await s3.client.send(new CreateBucketCommand({ Bucket: 'paged' }));
    const keys = Array.from({ length: 1205 }, (_, i) => `keys/${String(i).padStart(5, '0')}`);
    for (let i = 0; i < keys.length; i += 50) await Promise.all(keys.slice(i, i + 50).map((key) => s3.put('paged', key, key)));
    const seen: string[] = [];
    let pages = 0;
    for await (const page of paginateListObjectsV2({ client: s3.client, pageSize: 500 }, { Bucket: 'paged', Prefix: 'keys/' })) {
      pages++;
      seen.push(...(page.Contents ?? []).map((o) => o.Key!));
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(keys);
    const first = await raw('GET', '/paged?prefix=keys/&max-keys=1000');
    expect(await first.text()).toContain('<IsTruncated>true</IsTruncated>');
    const rolled = await s3.client.send(new ListObjectsV2Command({ Bucket: 'paged', Delimiter: '/' }));
    expect(rolled.CommonPrefixes).toEqual([{ Prefix: 'keys/' }]);
    expect((await raw('GET', '/paged?versions&max-keys=2')).status).toBe(200);
  });

  it('streams uploads with the SDK default checksums, multipart, copies, ranges and multi-deletes', async () => {
    const big = Buffer.alloc(12 * 1024 * 1024, 7);
    await new Upload({ client: s3.client, params: { Bucket: 'bucket', Key: 'big.bin', Body: Readable.from([big]) }, partSize: 5 * 1024 * 1024 }).done();
    const head = await s3.client.send(new HeadObjectCommand({ Bucket: 'bucket', Key: 'big.bin' }));
    expect(head.ContentLength).toBe(big.length);
    expect(head.ETag).toMatch(/^"[0-9a-f]{32}-3"$/);
    const ranged = await s3.client.send(new GetObjectCommand({ Bucket: 'bucket', Key: 'big.bin', Range: 'bytes=10-19' }));
    expect(Buffer.from(await ranged.Body!.transformToByteArray())).toEqual(big.subarray(10, 20));
    await s3.client.send(new PutObjectCommand({ Bucket: 'bucket', Key: 'meta.txt', Body: 'hello', ContentType: 'text/plain', Metadata: { owner: 'me' } }));
    await s3.client.send(new CopyObjectCommand({ Bucket: 'bucket', Key: 'copy.txt', CopySource: 'bucket/meta.txt' }));
    const copy = await s3.client.send(new GetObjectCommand({ Bucket: 'bucket', Key: 'copy.txt' }));
    expect([await copy.Body!.transformToString(), copy.ContentType, copy.Metadata]).toEqual(['hello', 'text/plain', { owner: 'me' }]);
    const wrong = await raw('PUT', '/bucket/bad.txt', 'abc');
    expect(wrong.status).toBe(200);
    const deleted = await s3.client.send(new DeleteObjectsCommand({ Bucket: 'bucket', Delete: { Objects: [{ Key: 'copy.txt' }, { Key: 'never-was' }] } }));
    expect(deleted.Deleted?.map((d) => d.Key)).toEqual(['copy.txt', 'never-was']);
    await expect(s3.client.send(new HeadObjectCommand({ Bucket: 'bucket', Key: 'copy.txt' }))).rejects.toMatchObject({ name: 'NotFound' });
  });

  it('refuses a body whose checksum does not match, and a multipart part list out of order', async () => {
    const bad = await fetch(`${s3.endpoint}/bucket/bad-md5.txt`, {
      method: 'PUT',
      body: 'abc',
      headers: { 'content-md5': Buffer.alloc(16).toString('base64') },
    });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('<Code>BadDigest</Code>');
    const { UploadId } = await s3.client.send(new CreateMultipartUploadCommand({ Bucket: 'bucket', Key: 'parts' }));
    const parts = [];
    for (const n of [1, 2])
      parts.push({
        PartNumber: n,
        ETag: (await s3.client.send(new UploadPartCommand({ Bucket: 'bucket', Key: 'parts', UploadId, PartNumber: n, Body: 'x' }))).ETag,
      });
    await expect(
      s3.client.send(new CompleteMultipartUploadCommand({ Bucket: 'bucket', Key: 'parts', UploadId, MultipartUpload: { Parts: parts.reverse() } })),
    ).rejects.toMatchObject({ name: 'InvalidPartOrder' });
  });

  it('keeps data as random blobs and JSON records: no file is named after a bucket or key', async () => {
    const names = await readdir(s3.directory, { recursive: true });
    expect(names.length).toBeGreaterThan(10);
    expect(names.some((n) => n.includes('meta.txt') || n.includes('big.bin') || n.includes('..') || n.includes('kkkk'))).toBe(false);
    const [bucketRecord] = await readdir(path.join(s3.directory, 'buckets'));
    expect(bucketRecord).toMatch(/^[0-9a-f]{64}\.json$/);
    expect(JSON.parse(await readFile(path.join(s3.directory, 'buckets', bucketRecord!), 'utf8'))).toHaveProperty('name');
  });
});

import { mkdir, readdir, readFile, readlink, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import * as tar from 'tar';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { packageArtifacts } from '../../src/local/data/artifacts.js';
import { pathToFileUri } from '../../src/s3/uri.js';
import { exists, randomData, readTree, recordingEvents, sha256, tempDir, writeTree } from './helpers.js';
import { startS3, type TestS3 } from './s3-server.js';

let s3: TestS3;
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  s3 = await startS3(['out']);
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});
afterAll(async () => {
  await s3?.close();
});

async function temp() {
  const t = await tempDir('sagekit-artifacts-');
  cleanups.push(t.remove);
  return t.dir;
}

async function entries(archive: string): Promise<string[]> {
  const names: string[] = [];
  await tar.t({ file: archive, onReadEntry: (entry) => void names.push(entry.path) });
  return names;
}

async function extract(archive: Buffer | string, into: string): Promise<Record<string, string>> {
  await mkdir(into, { recursive: true });
  const source = typeof archive === 'string' ? Readable.from(await readFile(archive)) : Readable.from(archive);
  await new Promise<void>((resolve, reject) =>
    source
      .pipe(tar.x({ cwd: into }))
      .on('finish', resolve)
      .on('error', reject),
  );
  return readTree(into);
}

/** Two hosts' model directories that overlap in every way they can. */
async function overlappingHosts(root: string) {
  const a = path.join(root, 'algo-1');
  const b = path.join(root, 'algo-2');
  const long = `${'deep/'.repeat(25)}weights-with-a-long-name.bin`;
  await writeTree(a, { 'model.pth': 'from algo-1', 'shared/a.txt': 'a', clash: 'file in algo-1', [long]: 'long' });
  await writeTree(b, { 'model.pth': 'from algo-2', 'shared/b.txt': 'b', 'clash/inner.txt': 'dir in algo-2', 'only-b.txt': 'b only' });
  await mkdir(path.join(a, 'empty-dir'));
  await symlink('model.pth', path.join(a, 'link-to-model'));
  return { a, b, long };
}

describe('packageArtifacts', () => {
  it('archives the union of the sources to file://, earlier source winning, with one warning', async () => {
    const root = await temp();
    const { a, b, long } = await overlappingHosts(root);
    const destination = pathToFileUri(path.join(root, 'out', 'job', 'output', 'model.tar.gz'));
    const { events, warnings, progress } = recordingEvents();
    const result = await packageArtifacts({ sources: [a, b, path.join(root, 'missing')], destination, s3: () => s3.client, events });

    const file = path.join(root, 'out', 'job', 'output', 'model.tar.gz');
    expect(result).toEqual({ uri: destination, bytes: (await readFile(file)).length });
    const tree = await extract(file, path.join(root, 'x'));
    expect(tree).toEqual({
      clash: 'file in algo-1',
      [long]: 'long',
      'link-to-model': 'from algo-1',
      'model.pth': 'from algo-1',
      'only-b.txt': 'b only',
      'shared/a.txt': 'a',
      'shared/b.txt': 'b',
    });
    expect(await readlink(path.join(root, 'x', 'link-to-model'))).toBe('model.pth');
    expect(await readdir(path.join(root, 'x', 'empty-dir'))).toEqual([]);
    const names = await entries(file);
    expect(names).toContain('empty-dir/');
    expect(names.filter((n) => n === 'model.pth')).toHaveLength(1);
    expect(names.some((n) => n.startsWith('/') || n.startsWith('./'))).toBe(false);

    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/model\.tar\.gz: 2 path\(s\) exist in more than one host's directory \(clash, model\.pth\)/);
    const last = progress.at(-1)!;
    expect(last).toMatchObject({ kind: 'package', done: true });
    expect(last.loaded).toBe(last.total);
    expect(await readdir(path.dirname(file))).toEqual(['model.tar.gz']);
  });

  it('writes a valid empty archive when there is nothing to package', async () => {
    const root = await temp();
    const { events } = recordingEvents();
    const target = path.join(root, 'a', 'b', 'output.tar.gz');
    await packageArtifacts({ sources: [path.join(root, 'nothing')], destination: pathToFileUri(target), s3: () => s3.client, events });
    expect(await entries(target)).toEqual([]);
    await mkdir(path.join(root, 'empty'));
    await packageArtifacts({ sources: [], destination: pathToFileUri(target), s3: () => s3.client, events });
    expect(await entries(target)).toEqual([]);
  });

  it('uploads to s3:// (multipart for large archives) and round-trips byte for byte', async () => {
    const root = await temp();
    const big = randomData(12 * 1024 * 1024);
    await writeTree(path.join(root, 'model'), { 'weights.bin': big, 'config.json': '{"a":1}' });
    const { events } = recordingEvents();
    const result = await packageArtifacts({
      sources: [path.join(root, 'model')],
      destination: 's3://out/job/output/model.tar.gz',
      s3: () => s3.client,
      events,
      kmsKeyId: 'alias/key',
    });
    const object = await s3.client.send(new GetObjectCommand({ Bucket: 'out', Key: 'job/output/model.tar.gz' }));
    const body = Buffer.from(await object.Body!.transformToByteArray());
    expect(body.length).toBe(result.bytes);
    const into = path.join(root, 'x');
    await extract(body, into);
    expect(sha256(await readFile(path.join(into, 'weights.bin')))).toBe(sha256(big));
    expect(await readFile(path.join(into, 'config.json'), 'utf8')).toBe('{"a":1}');
  });

  it('refuses destinations that are neither s3:// nor file://', async () => {
    const { events } = recordingEvents();
    await expect(packageArtifacts({ sources: [], destination: '/tmp/x.tar.gz', s3: () => s3.client, events })).rejects.toThrow(/s3:\/\/ or file:\/\//);
    expect(await exists('/tmp/x.tar.gz')).toBe(false);
  });

  it('leaves no partial file behind when the destination cannot be written', async () => {
    const root = await temp();
    await writeTree(path.join(root, 'model'), { 'a.bin': randomData(1024) });
    await writeFile(path.join(root, 'blocker'), 'a file where a directory should be');
    const { events } = recordingEvents();
    await expect(
      packageArtifacts({
        sources: [path.join(root, 'model')],
        destination: pathToFileUri(path.join(root, 'blocker', 'model.tar.gz')),
        s3: () => s3.client,
        events,
      }),
    ).rejects.toThrow();
    expect(await readFile(path.join(root, 'blocker'), 'utf8')).toBe('a file where a directory should be');
  });
});

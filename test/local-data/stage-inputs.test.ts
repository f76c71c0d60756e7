import { spawn } from 'node:child_process';
import { lstat, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Channel } from '@aws-sdk/client-sagemaker';
import * as tar from 'tar';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ChannelDataError } from '../../src/local/data/errors.js';
import { decodeRecords } from '../../src/local/data/recordio.js';
import { stageInputs, type StagedInputs, type StageInputsOptions } from '../../src/local/data/stage-inputs.js';
import { pathToFileUri } from '../../src/s3/uri.js';
import { exists, randomData, readFifo, readTree, recordingEvents, settlesWithin, sha256, tempDir, writeTree } from './helpers.js';
import { startS3, type TestS3 } from './s3-server.js';

let s3: TestS3;
let root: { dir: string; remove: () => Promise<void> };
const cleanups: Array<() => Promise<void>> = [];
/** Bound for "returns after abort": far above the few ms it takes, below the test timeout. */
const HANG_MS = 20_000;

beforeAll(async () => {
  s3 = await startS3(['bucket']);
  root = await tempDir();
  await writeTree(path.join(root.dir, 'data'), {
    'train/a.csv': 'a\n',
    'train/sub/b.csv': 'b\n',
    'train/sub/deeper/c.csv': 'c\n',
    'train_extra.csv': 'extra\n',
    'single.csv': 'single\n',
    'other/x.txt': 'x',
  });
  await mkdir(path.join(root.dir, 'data', 'empty', 'nested'), { recursive: true });
  await s3.put('bucket', 'ds/train/a.csv', 'A');
  await s3.put('bucket', 'ds/train/nested/deep/b.csv', 'B');
  await s3.put('bucket', 'ds/train/marker/', '');
  await s3.put('bucket', 'ds/train_extra/c.csv', 'C');
  await s3.put('bucket', 'ds/other/d.csv', 'D');
  for (let i = 0; i < 10; i += 1) await s3.put('bucket', `shards/part-${String(i).padStart(2, '0')}`, `shard ${i}\n`);
  await s3.put('bucket', 'manifests/m.json', JSON.stringify([{ prefix: 's3://bucket/ds/' }, 'train/a.csv', 'other/d.csv']));
  await s3.put('bucket', 'gz/one.gz', gzipSync(Buffer.from('first file\n')));
  await s3.put('bucket', 'gz/two.gz', gzipSync(Buffer.from('second file\n')));
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

afterAll(async () => {
  await s3?.close();
  await root?.remove();
});

/** A job layout: N host dirs and a work dir, removed after the test. */
async function job(hosts: number) {
  const t = await tempDir('sagekit-job-');
  cleanups.push(t.remove);
  const hostDirs = Array.from({ length: hosts }, (_, i) => path.join(t.dir, `algo-${i + 1}`));
  for (const dir of hostDirs) await mkdir(dir, { recursive: true });
  return { hostDirs, workDir: path.join(t.dir, 'work') };
}

function channel(name: string, uri: string, extra: Partial<Channel> = {}, s3Extra: Record<string, unknown> = {}): Channel {
  return {
    ChannelName: name,
    DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: uri, S3DataDistributionType: 'FullyReplicated', ...s3Extra } },
    ...extra,
  };
}

async function stage(channels: Channel[], hosts = 1, extra: Partial<StageInputsOptions> = {}) {
  const layout = await job(hosts);
  const recorded = recordingEvents();
  const staged = await stageInputs({ channels, jobInputMode: 'File', ...layout, s3: () => s3.client, events: recorded.events, ...extra });
  cleanups.unshift(() => staged.cleanup());
  return { staged, ...layout, ...recorded };
}

/** The directory a host would see at `target`, following the binds (host dir for the rest). */
function hostView(staged: StagedInputs, hostDirs: string[], host: number, channelName: string): string {
  const target = `/opt/ml/input/data/${channelName}`;
  const bind = staged.bindsFor(host).find((b) => b.target === target);
  return bind ? bind.source : path.join(hostDirs[host]!, 'input', 'data', channelName);
}

describe('File mode, file:// sources', () => {
  it('binds an existing directory read-only into every host without copying', async () => {
    const dir = path.join(root.dir, 'data', 'train');
    const { staged, hostDirs, workDir } = await stage([channel('train', pathToFileUri(dir))], 2);
    for (const host of [0, 1]) {
      expect(staged.bindsFor(host)).toEqual([{ source: dir, target: '/opt/ml/input/data/train', readOnly: true }]);
      expect((await stat(path.join(hostDirs[host]!, 'input/data/train'))).isDirectory()).toBe(true);
    }
    expect(await exists(path.join(workDir, 'inputs'))).toBe(false);
  });

  it('binds a single file at <channel>/<basename> with a mount point in place', async () => {
    const file = path.join(root.dir, 'data', 'single.csv');
    const { staged, hostDirs } = await stage([channel('train', pathToFileUri(file))]);
    expect(staged.bindsFor(0)).toEqual([{ source: file, target: '/opt/ml/input/data/train/single.csv', readOnly: true }]);
    expect((await stat(path.join(hostDirs[0]!, 'input/data/train/single.csv'))).isFile()).toBe(true);
  });

  it('treats a path that does not exist as a name prefix, hard-linking the matches', async () => {
    const prefix = path.join(root.dir, 'data', 'train');
    const { staged, hostDirs } = await stage([channel('train', pathToFileUri(`${prefix}_`))]);
    const view = hostView(staged, hostDirs, 0, 'train');
    expect(await readTree(view)).toEqual({ 'train_extra.csv': 'extra\n' });
    const original = await stat(path.join(root.dir, 'data', 'train_extra.csv'));
    expect((await stat(path.join(view, 'train_extra.csv'))).ino).toBe(original.ino);
  });

  it('refuses a missing path, an empty directory and a file system source, naming channel and URI', async () => {
    const missing = pathToFileUri(path.join(root.dir, 'nope', 'data'));
    await expect(stage([channel('train', missing)])).rejects.toThrow(new RegExp(`channel "train" \\(${missing}\\):.*does not exist`));
    await expect(stage([channel('train', pathToFileUri(path.join(root.dir, 'data', 'empty')))])).rejects.toThrow(/channel "train".*no files found/);
    const efs: Channel = {
      ChannelName: 'efs',
      DataSource: { FileSystemDataSource: { FileSystemId: 'fs-123', FileSystemType: 'EFS', FileSystemAccessMode: 'ro', DirectoryPath: '/data' } },
    };
    const error = await stage([efs]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChannelDataError);
    expect((error as ChannelDataError).channel).toBe('efs');
    expect(String(error)).toMatch(/EFS fs-123\/data.*cannot be mounted/);
  });

  it('shards a directory over 1..4 hosts: disjoint and complete', async () => {
    const dir = path.join(root.dir, 'data', 'train');
    for (const hosts of [1, 2, 3, 4]) {
      const { staged, hostDirs } = await stage([channel('train', pathToFileUri(dir), {}, { S3DataDistributionType: 'ShardedByS3Key' })], hosts);
      const files = ['a.csv', 'sub/b.csv', 'sub/deeper/c.csv'];
      for (let h = 0; h < hosts; h += 1) {
        const share = Object.keys(await readTree(hostView(staged, hostDirs, h, 'train')));
        expect(share).toEqual(files.filter((_, k) => k % hosts === h));
      }
    }
  });

  it('leaves Gzip data compressed in File mode, with a warning (SageMaker decompresses only in Pipe mode)', async () => {
    const gz = await tempDir();
    cleanups.push(gz.remove);
    await writeTree(gz.dir, { 'x.gz': gzipSync(Buffer.from('zipped')) });
    const { staged, warnings } = await stage([channel('train', pathToFileUri(gz.dir), { CompressionType: 'Gzip' })]);
    expect(staged.bindsFor(0)[0]!.source).toBe(gz.dir);
    expect(warnings.join('\n')).toMatch(/Gzip applies to Pipe mode only/);
  });
});

describe('File mode, s3:// sources', () => {
  it('downloads a prefix once with nested keys, skipping folder markers, and binds it into every host', async () => {
    const { staged, hostDirs, progress } = await stage([channel('train', 's3://bucket/ds/train')], 2);
    const view = hostView(staged, hostDirs, 0, 'train');
    expect(hostView(staged, hostDirs, 1, 'train')).toBe(view);
    expect(staged.bindsFor(0)[0]!.readOnly).toBe(true);
    expect(await readTree(view)).toEqual({ 'a.csv': 'A', 'nested/deep/b.csv': 'B', 'train_extra/c.csv': 'C' });
    const last = progress.filter((p) => p.label.startsWith('train <-')).at(-1);
    expect(last).toMatchObject({ kind: 'download', done: true, loaded: 3, total: 3 });
  });

  it('keeps the name of a single-object URI and of partial-name prefixes', async () => {
    const one = await stage([channel('train', 's3://bucket/ds/train/a.csv')]);
    expect(await readTree(hostView(one.staged, one.hostDirs, 0, 'train'))).toEqual({ 'a.csv': 'A' });
    const partial = await stage([channel('train', 's3://bucket/ds/tr')]);
    expect(Object.keys(await readTree(hostView(partial.staged, partial.hostDirs, 0, 'train')))).toEqual([
      'train/a.csv',
      'train/nested/deep/b.csv',
      'train_extra/c.csv',
    ]);
  });

  it('shows FastFile channels as files under the channel directory, like File mode', async () => {
    const { staged, hostDirs } = await stage([channel('train', 's3://bucket/ds/other/', { InputMode: 'FastFile' })], 1, { jobInputMode: 'Pipe' });
    expect(await readTree(hostView(staged, hostDirs, 0, 'train'))).toEqual({ 'd.csv': 'D' });
    expect(await exists(path.join(hostDirs[0]!, 'input/data/train_0'))).toBe(false);
  });

  it('fails like SageMaker when a prefix has no objects', async () => {
    await expect(stage([channel('train', 's3://bucket/nothing/here')])).rejects.toThrow(
      'channel "train" (s3://bucket/nothing/here): no S3 objects found under s3://bucket/nothing/here',
    );
  });

  it('reads a manifest: prefix plus listed keys, placed at the listed paths', async () => {
    const { staged, hostDirs } = await stage([channel('train', 's3://bucket/manifests/m.json', {}, { S3DataType: 'ManifestFile' })]);
    expect(await readTree(hostView(staged, hostDirs, 0, 'train'))).toEqual({ 'other/d.csv': 'D', 'train/a.csv': 'A' });
  });

  it('lets a manifest name local files only inside its own folder, unless local.allowManifestLocalPaths is set', async () => {
    const secretDir = path.join(root.dir, 'secret-elsewhere');
    await mkdir(secretDir, { recursive: true });
    await writeFile(path.join(secretDir, 'canary.txt'), 'host secret');
    const manifestDir = path.join(root.dir, 'manifest-dir');
    await mkdir(path.join(manifestDir, 'files'), { recursive: true });
    await writeFile(path.join(manifestDir, 'files', 'a.csv'), 'A');
    const write = async (file: string, prefix: string, entry: string) => {
      await writeFile(path.join(manifestDir, file), JSON.stringify([{ prefix }, entry]));
      return pathToFileUri(path.join(manifestDir, file));
    };
    const inside = await write('inside.json', pathToFileUri(path.join(manifestDir, 'files')) + '/', 'a.csv');
    const { staged, hostDirs } = await stage([channel('train', inside, {}, { S3DataType: 'ManifestFile' })]);
    expect(await readTree(hostView(staged, hostDirs, 0, 'train'))).toEqual({ 'a.csv': 'A' });

    const outside = await write('outside.json', pathToFileUri(secretDir) + '/', 'canary.txt');
    await expect(stage([channel('train', outside, {}, { S3DataType: 'ManifestFile' })])).rejects.toThrow(
      /manifest entry "canary.txt": .*canary.txt is outside the manifest's folder .*local.allowManifestLocalPaths/,
    );
    const traversal = await write('traversal.json', pathToFileUri(path.join(manifestDir, 'files')) + '/', '../../secret-elsewhere/canary.txt');
    await expect(stage([channel('train', traversal, {}, { S3DataType: 'ManifestFile' })])).rejects.toThrow(/outside the manifest's folder/);
    const allowed = await stage([channel('train', outside, {}, { S3DataType: 'ManifestFile' })], 1, { allowManifestLocalPaths: true });
    expect(await readTree(hostView(allowed.staged, allowed.hostDirs, 0, 'train'))).toEqual({ 'canary.txt': 'host secret' });

    await s3.put('bucket', 'manifests/local.json', JSON.stringify([{ prefix: pathToFileUri(secretDir) + '/' }, 'canary.txt']));
    await expect(stage([channel('train', 's3://bucket/manifests/local.json', {}, { S3DataType: 'ManifestFile' })])).rejects.toThrow(
      /a file of this machine, named in a manifest read from S3; a manifest from S3 may name s3:\/\/ objects only/,
    );
  });

  it('refuses a manifest without a prefix', async () => {
    await s3.put('bucket', 'manifests/bad.json', JSON.stringify(['a']));
    await expect(stage([channel('train', 's3://bucket/manifests/bad.json', {}, { S3DataType: 'ManifestFile' })])).rejects.toThrow(
      /first element is \{"prefix"/,
    );
  });

  it('refuses an augmented manifest outside Pipe mode, without attributeNames, or with a line that lacks one', async () => {
    await s3.put('bucket', 'aug/bad.jsonl', '{"source-ref": "s3://bucket/aug/one.bin", "label": 1}\n{"source-ref": "s3://bucket/aug/two.bin"}\n');
    const augmented = (extra: Partial<Channel>, attributeNames?: string[]) =>
      channel('train', 's3://bucket/aug/bad.jsonl', extra, { S3DataType: 'AugmentedManifestFile', ...(attributeNames && { AttributeNames: attributeNames }) });
    await expect(stage([augmented({}, ['source-ref', 'label'])])).rejects.toThrow(/channel "train".*needs Pipe input mode \(as on SageMaker\), not File/);
    await expect(stage([augmented({ InputMode: 'Pipe' })])).rejects.toThrow(/needs attributeNames/);
    await expect(stage([augmented({ InputMode: 'Pipe' }, ['source-ref', 'label'])])).rejects.toThrow(
      /line 2 of the augmented manifest has no attribute "label"/,
    );
  });

  it('shards S3 objects over 1..4 hosts: disjoint, complete, round-robin by key', async () => {
    const keys = Array.from({ length: 10 }, (_, i) => `part-${String(i).padStart(2, '0')}`);
    for (const hosts of [1, 2, 3, 4]) {
      const { staged, hostDirs } = await stage([channel('train', 's3://bucket/shards/', {}, { S3DataDistributionType: 'ShardedByS3Key' })], hosts);
      const shares: string[][] = [];
      for (let h = 0; h < hosts; h += 1) shares.push(Object.keys(await readTree(hostView(staged, hostDirs, h, 'train'))));
      expect(shares.flat().sort()).toEqual(keys);
      shares.forEach((share, h) => expect(share).toEqual(keys.filter((_, k) => k % hosts === h)));
    }
  });

  it('removes its downloads on cleanup, twice without error', async () => {
    const { staged, workDir } = await stage([channel('train', 's3://bucket/ds/train')]);
    expect(await exists(path.join(workDir, 'inputs'))).toBe(true);
    await staged.cleanup();
    await staged.cleanup();
    expect(await exists(path.join(workDir, 'inputs'))).toBe(false);
  });
});

describe('model channel', () => {
  const model = { ContentType: 'application/x-sagemaker-model' };

  it('places model.tar.gz in the channel and extracts it there', async () => {
    const src = await tempDir();
    cleanups.push(src.remove);
    await writeTree(path.join(src.dir, 'content'), { 'weights.bin': 'W', 'code/inference.py': 'print(1)' });
    const archive = path.join(src.dir, 'model.tar.gz');
    await tar.c({ gzip: true, file: archive, cwd: path.join(src.dir, 'content') }, ['weights.bin', 'code']);
    const before = sha256(await readFile(archive));
    const { staged, hostDirs } = await stage([channel('model', pathToFileUri(archive), model)], 2);
    const view = hostView(staged, hostDirs, 1, 'model');
    const tree = await readTree(view);
    expect(Object.keys(tree).sort()).toEqual(['code/inference.py', 'model.tar.gz', 'weights.bin']);
    expect(tree['weights.bin']).toBe('W');
    expect(sha256(await readFile(path.join(view, 'model.tar.gz')))).toBe(before);
    expect(sha256(await readFile(archive))).toBe(before); // the user's archive is untouched
  });

  it('refuses an archive whose entries escape the channel directory, and cleans up', async () => {
    const header = new tar.Header({ path: '../evil.txt', type: 'File', size: 4, mode: 0o644, mtime: new Date() });
    header.encode();
    const raw = Buffer.concat([header.block!, Buffer.from('evil'), Buffer.alloc(508), Buffer.alloc(1024)]);
    await s3.put('bucket', 'models/evil.tar.gz', gzipSync(raw));
    const layout = await job(1);
    const { events } = recordingEvents();
    const error = await stageInputs({
      channels: [channel('model', 's3://bucket/models/evil.tar.gz', model)],
      jobInputMode: 'File',
      ...layout,
      s3: () => s3.client,
      events,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChannelDataError);
    expect(String(error)).toMatch(/cannot extract the model archive s3:\/\/bucket\/models\/evil\.tar\.gz: refusing archive entry "\.\.\/evil\.txt"/);
    expect(await exists(path.join(layout.workDir, 'inputs'))).toBe(false);
    expect(await exists(path.join(layout.workDir, 'evil.txt'))).toBe(false);
  });
});

describe('Pipe mode', () => {
  const pipe = { InputMode: 'Pipe' as const };

  it('streams a directory into <channel>_0 in key order, bytes exact, for every host', async () => {
    const dir = await tempDir();
    cleanups.push(dir.remove);
    const big = randomData(6 * 1024 * 1024 + 3);
    await writeTree(dir.dir, { 'a.txt': 'first\n', 'b/big.bin': big, 'c.txt': 'last\n' });
    const { staged, hostDirs } = await stage([channel('train', pathToFileUri(dir.dir), pipe)], 2);
    const expected = sha256(Buffer.concat([Buffer.from('first\n'), big, Buffer.from('last\n')]));
    for (const host of [0, 1]) {
      const fifo = path.join(hostDirs[host]!, 'input/data/train_0');
      expect((await lstat(fifo)).isFIFO()).toBe(true);
      const [read] = await Promise.all([readFifo(fifo), staged.feedPipes(host, new AbortController().signal)]);
      expect(read.sha256).toBe(expected);
    }
    expect(staged.bindsFor(0)).toEqual([]);
  });

  it('serves another epoch to a reader that comes back: <channel>_1, _2 …, the next pipe ready before the current one ends', async () => {
    const dir = await tempDir();
    cleanups.push(dir.remove);
    await writeTree(dir.dir, { 'a.txt': 'first\n', 'b.txt': 'second\n', 'c.txt': 'third\n' });
    const { staged, hostDirs } = await stage([channel('train', pathToFileUri(dir.dir), pipe)]);
    const fifo = (epoch: number) => path.join(hostDirs[0]!, `input/data/train_${epoch}`);
    expect((await lstat(fifo(1))).isFIFO()).toBe(true);
    const controller = new AbortController();
    const [first] = await Promise.all([readFifo(fifo(0)), staged.feedPipes(0, controller.signal)]);
    const second = await readFifo(fifo(1));
    expect((await lstat(fifo(2))).isFIFO()).toBe(true);
    const third = await readFifo(fifo(2));
    for (const read of [first, second, third]) expect(Buffer.concat(read.data).toString()).toBe('first\nsecond\nthird\n');
    controller.abort();
    await staged.cleanup();
    expect(await exists(fifo(3))).toBe(false);
  });

  it('reshuffles a channel with a ShuffleConfig at every epoch, reproducibly', async () => {
    const dir = await tempDir();
    cleanups.push(dir.remove);
    const files = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`f${String(i).padStart(2, '0')}.txt`, `${i}\n`]));
    await writeTree(dir.dir, files);
    const readEpochs = async () => {
      const { staged, hostDirs } = await stage([channel('train', pathToFileUri(dir.dir), { ...pipe, ShuffleConfig: { Seed: 7 } })]);
      const fifo = (epoch: number) => path.join(hostDirs[0]!, `input/data/train_${epoch}`);
      const controller = new AbortController();
      const [first] = await Promise.all([readFifo(fifo(0)), staged.feedPipes(0, controller.signal)]);
      const second = await readFifo(fifo(1));
      controller.abort();
      return [first, second].map((read) => Buffer.concat(read.data).toString());
    };
    const [first, second] = await readEpochs();
    const lines = (text: string) => text.trim().split('\n');
    expect(lines(first!).sort()).toEqual(lines(second!).sort());
    expect(second).not.toBe(first);
    expect(await readEpochs()).toEqual([first, second]);
  });

  it('resolves when the reader closes early', async () => {
    const dir = await tempDir();
    cleanups.push(dir.remove);
    await writeTree(dir.dir, { 'big.bin': randomData(8 * 1024 * 1024) });
    const { staged, hostDirs } = await stage([channel('train', pathToFileUri(dir.dir), pipe)]);
    const [read] = await Promise.all([readFifo(path.join(hostDirs[0]!, 'input/data/train_0'), 1000), staged.feedPipes(0, new AbortController().signal)]);
    expect(read.bytes).toBe(1000);
  });

  it.each([
    ['S3 objects (event-loop writer)', 's3://bucket/ds/train'],
    ['local files (worker writer)', 'LOCAL'],
  ])('returns promptly on abort when no reader ever opens the pipe: %s', async (_, uri) => {
    const source = uri === 'LOCAL' ? pathToFileUri(path.join(root.dir, 'data', 'train')) : uri;
    const { staged, hostDirs } = await stage([channel('train', source, pipe)]);
    const controller = new AbortController();
    const feeding = staged.feedPipes(0, controller.signal);
    setTimeout(() => controller.abort(), 100);
    // Without the abort, opening a FIFO nobody reads blocks forever.
    await expect(settlesWithin(feeding, HANG_MS)).resolves.toBe(true);
    expect((await lstat(path.join(hostDirs[0]!, 'input/data/train_0'))).isFIFO()).toBe(true);
  });

  it.each([
    ['S3 objects (event-loop writer)', 's3://bucket/big/'],
    ['local files (worker writer)', 'LOCAL'],
  ])('returns promptly on abort while the reader holds the pipe open without reading: %s', async (_, uri) => {
    const dir = await tempDir();
    cleanups.push(dir.remove);
    const big = randomData(4 * 1024 * 1024);
    await writeTree(dir.dir, { 'big.bin': big });
    await s3.put('bucket', 'big/big.bin', big);
    const source = uri === 'LOCAL' ? pathToFileUri(dir.dir) : uri;
    const { staged, hostDirs } = await stage([channel('train', source, pipe)]);
    const fifo = path.join(hostDirs[0]!, 'input/data/train_0');
    // A "container" that opens the pipe and then never reads from it.
    // It holds on longer than the hang bound, so only the abort can end feedPipes in time.
    const holder = spawn('sh', ['-c', 'exec 3<"$1"; exec sleep 600', 'sh', fifo], { stdio: 'ignore' });
    cleanups.push(async () => void holder.kill('SIGKILL'));
    const controller = new AbortController();
    const feeding = staged.feedPipes(0, controller.signal);
    await new Promise((resolve) => setTimeout(resolve, 300));
    controller.abort();
    await expect(settlesWithin(feeding, HANG_MS)).resolves.toBe(true);
  });

  it('resolves when the reader of an S3-fed pipe closes early', async () => {
    await s3.put('bucket', 'big2/big.bin', randomData(5 * 1024 * 1024));
    const { staged, hostDirs } = await stage([channel('train', 's3://bucket/big2/', pipe)]);
    const [read] = await Promise.all([readFifo(path.join(hostDirs[0]!, 'input/data/train_0'), 4096), staged.feedPipes(0, new AbortController().signal)]);
    expect(read.bytes).toBe(4096);
  });

  it('decompresses Gzip objects from S3 into the pipe', async () => {
    const { staged, hostDirs } = await stage([channel('train', 's3://bucket/gz/', { ...pipe, CompressionType: 'Gzip' })]);
    const [read] = await Promise.all([readFifo(path.join(hostDirs[0]!, 'input/data/train_0')), staged.feedPipes(0, new AbortController().signal)]);
    expect(Buffer.concat(read.data).toString()).toBe('first file\nsecond file\n');
  });

  it('wraps each object in a RecordIO record, also after Gzip', async () => {
    const plain = await stage([channel('train', 's3://bucket/ds/train', { ...pipe, RecordWrapperType: 'RecordIO' })]);
    const [read] = await Promise.all([readFifo(path.join(plain.hostDirs[0]!, 'input/data/train_0')), plain.staged.feedPipes(0, new AbortController().signal)]);
    expect(decodeRecords(Buffer.concat(read.data)).map(String)).toEqual(['A', 'B', 'C']);

    const gz = await stage([channel('train', 's3://bucket/gz/', { ...pipe, CompressionType: 'Gzip', RecordWrapperType: 'RecordIO' })]);
    const [readGz] = await Promise.all([readFifo(path.join(gz.hostDirs[0]!, 'input/data/train_0')), gz.staged.feedPipes(0, new AbortController().signal)]);
    expect(decodeRecords(Buffer.concat(readGz.data)).map(String)).toEqual(['first file\n', 'second file\n']);
    expect(await exists(path.join(gz.workDir, 'pipe-spool'))).toBe(true);
  });

  it('shards objects over the hosts pipes and feeds several channels at once', async () => {
    const { staged, hostDirs } = await stage(
      [channel('train', 's3://bucket/shards/', pipe, { S3DataDistributionType: 'ShardedByS3Key' }), channel('extra', 's3://bucket/ds/other/', pipe)],
      3,
    );
    const all: string[] = [];
    for (let h = 0; h < 3; h += 1) {
      // Read "extra" first: the feeder must not wait for "train" to be consumed.
      const extra = readFifo(path.join(hostDirs[h]!, 'input/data/extra_0'));
      const feeding = staged.feedPipes(h, new AbortController().signal);
      expect(Buffer.concat((await extra).data).toString()).toBe('D');
      const train = await readFifo(path.join(hostDirs[h]!, 'input/data/train_0'));
      await feeding;
      const lines = Buffer.concat(train.data).toString().split('\n').filter(Boolean);
      expect(lines).toEqual(Array.from({ length: 10 }, (_, i) => `shard ${i}`).filter((_, i) => i % 3 === h));
      all.push(...lines);
    }
    expect(all).toHaveLength(10);
  });

  it('feeds more local pipes than are pre-started (lazy workers), each with its bytes', async () => {
    const dir = await tempDir();
    cleanups.push(dir.remove);
    await writeTree(dir.dir, { 'one/x.txt': 'one', 'two/x.txt': 'two', 'three/x.txt': 'three' });
    const names = ['one', 'two', 'three'];
    const { staged, hostDirs } = await stage(
      names.map((n) => channel(n, pathToFileUri(path.join(dir.dir, n)), pipe)),
      4,
    );
    for (let h = 0; h < 4; h += 1) {
      const reads = names.map((n) => readFifo(path.join(hostDirs[h]!, `input/data/${n}_0`)));
      await staged.feedPipes(h, new AbortController().signal);
      expect((await Promise.all(reads)).map((r) => Buffer.concat(r.data).toString())).toEqual(names);
    }
  });

  it('fails with the channel and file when a local file vanished before feeding', async () => {
    const dir = await tempDir();
    cleanups.push(dir.remove);
    await writeTree(dir.dir, { 'a.txt': 'a', 'b.txt': 'b' });
    const { staged, hostDirs } = await stage([channel('train', pathToFileUri(dir.dir), pipe)]);
    await rm(path.join(dir.dir, 'b.txt'));
    const reading = readFifo(path.join(hostDirs[0]!, 'input/data/train_0'));
    const error = await staged.feedPipes(0, new AbortController().signal).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChannelDataError);
    expect(String(error)).toMatch(/channel "train".*cannot stream .*b\.txt into the pipe/);
    expect(Buffer.concat((await reading).data).toString()).toBe('a');
  });

  it('removes the FIFOs on cleanup and stops feeders still waiting', async () => {
    const { staged, hostDirs } = await stage([channel('train', 's3://bucket/ds/train', pipe)]);
    const feeding = staged.feedPipes(0, new AbortController().signal);
    await staged.cleanup();
    await feeding;
    expect(await exists(path.join(hostDirs[0]!, 'input/data/train_0'))).toBe(false);
  });
});

describe('uncommon inputs', () => {
  it('streams an augmented manifest: per line, each attribute in order (-ref objects as bytes, values as text), one RecordIO record each', async () => {
    const local = path.join(root.dir, 'data', 'single.csv');
    await s3.put('bucket', 'aug/one.bin', 'IMAGE-ONE');
    await s3.put('bucket', 'aug/two.bin', 'IMAGE-TWO');
    const lines = [
      { 'source-ref': 's3://bucket/aug/one.bin', label: 1, ignored: 'x' },
      { 'source-ref': pathToFileUri(local), label: 'cat' },
      { 'source-ref': 's3://bucket/aug/two.bin', label: { boxes: [[1, 2, 3, 4]] } },
    ];
    await s3.put('bucket', 'aug/train.jsonl', `${lines.map((l) => JSON.stringify(l)).join('\n')}\n\n`);
    const augmented = (extra: Partial<Channel>, s3Extra: Record<string, unknown> = {}) =>
      channel(
        'train',
        's3://bucket/aug/train.jsonl',
        { InputMode: 'Pipe', ...extra },
        { S3DataType: 'AugmentedManifestFile', AttributeNames: ['source-ref', 'label'], ...s3Extra },
      );

    // A local -ref in a manifest read from S3 needs the opt-in (see the manifest reference tests).
    const optIn = { allowManifestLocalPaths: true };
    await expect(stage([augmented({ RecordWrapperType: 'RecordIO' })])).rejects.toThrow(/a file of this machine, named in a manifest read from S3/);
    const wrapped = await stage([augmented({ RecordWrapperType: 'RecordIO' })], 1, optIn);
    const [read] = await Promise.all([
      readFifo(path.join(wrapped.hostDirs[0]!, 'input/data/train_0')),
      wrapped.staged.feedPipes(0, new AbortController().signal),
    ]);
    expect(decodeRecords(Buffer.concat(read.data)).map(String)).toEqual(['IMAGE-ONE', '1', 'single\n', 'cat', 'IMAGE-TWO', '{"boxes":[[1,2,3,4]]}']);

    const plain = await stage([augmented({})], 1, optIn);
    const [readPlain] = await Promise.all([
      readFifo(path.join(plain.hostDirs[0]!, 'input/data/train_0')),
      plain.staged.feedPipes(0, new AbortController().signal),
    ]);
    expect(Buffer.concat(readPlain.data).toString()).toBe('IMAGE-ONE1single\ncatIMAGE-TWO{"boxes":[[1,2,3,4]]}');

    // Sharding and shuffling move whole lines.
    const sharded = await stage([augmented({ RecordWrapperType: 'RecordIO' }, { S3DataDistributionType: 'ShardedByS3Key' })], 2, optIn);
    const perHost: string[][] = [];
    for (const host of [0, 1]) {
      const [hostRead] = await Promise.all([
        readFifo(path.join(sharded.hostDirs[host]!, 'input/data/train_0')),
        sharded.staged.feedPipes(host, new AbortController().signal),
      ]);
      perHost.push(decodeRecords(Buffer.concat(hostRead.data)).map(String));
    }
    expect(perHost).toEqual([
      ['IMAGE-ONE', '1', 'IMAGE-TWO', '{"boxes":[[1,2,3,4]]}'],
      ['single\n', 'cat'],
    ]);
    const shuffled = await stage([augmented({ RecordWrapperType: 'RecordIO', ShuffleConfig: { Seed: 3 } })], 1, optIn);
    const [readShuffled] = await Promise.all([
      readFifo(path.join(shuffled.hostDirs[0]!, 'input/data/train_0')),
      shuffled.staged.feedPipes(0, new AbortController().signal),
    ]);
    const records = decodeRecords(Buffer.concat(readShuffled.data)).map(String);
    expect(records).toEqual(['single\n', 'cat', 'IMAGE-ONE', '1', 'IMAGE-TWO', '{"boxes":[[1,2,3,4]]}']);
    const pairs = [0, 2, 4].map((i) => `${records[i]}|${records[i + 1]}`).sort();
    expect(pairs).toEqual(['IMAGE-ONE|1', 'IMAGE-TWO|{"boxes":[[1,2,3,4]]}', 'single\n|cat']);
  });

  it('reads a local file through a Pipe with RecordIO', async () => {
    const file = path.join(root.dir, 'data', 'single.csv');
    const { staged, hostDirs } = await stage([channel('one', pathToFileUri(file), { InputMode: 'Pipe', RecordWrapperType: 'RecordIO' })]);
    const [read] = await Promise.all([readFifo(path.join(hostDirs[0]!, 'input/data/one_0')), staged.feedPipes(0, new AbortController().signal)]);
    expect(decodeRecords(Buffer.concat(read.data)).map(String)).toEqual(['single\n']);
  });
});

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Channel } from '@aws-sdk/client-sagemaker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pathToFileUri } from '../../../s3/uri.js';
import { ChannelDataError } from '../errors.js';
import { MODEL_CONTENT_TYPE } from '../../../sagemaker-contract.js';
import { checkChannel, type PlanContext, planChannel } from './plan.js';

function channel(uri: string, extra: Partial<Channel> = {}, s3Extra: Record<string, unknown> = {}): Channel {
  return { ChannelName: 'train', DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: uri, ...s3Extra } }, ...extra };
}

describe('checkChannel', () => {
  it('fills in the defaults: the job input mode, FullyReplicated, no compression, no wrapping', () => {
    const settings = checkChannel(channel('s3://bucket/data'), 'FastFile');
    expect(settings).toMatchObject({
      channel: 'train',
      uri: 's3://bucket/data',
      mode: 'FastFile',
      distribution: 'FullyReplicated',
      gzip: false,
      recordIO: false,
      isModel: false,
      seed: undefined,
    });
  });

  it('reads the channel own settings', () => {
    const settings = checkChannel(
      channel(
        's3://bucket/data',
        { InputMode: 'Pipe', CompressionType: 'Gzip', RecordWrapperType: 'RecordIO', ContentType: MODEL_CONTENT_TYPE, ShuffleConfig: { Seed: 7 } },
        { S3DataDistributionType: 'ShardedByS3Key' },
      ),
      'File',
    );
    expect(settings).toMatchObject({ mode: 'Pipe', distribution: 'ShardedByS3Key', gzip: true, recordIO: true, isModel: true, seed: 7 });
  });

  it.each([
    [
      { ChannelName: 'bad name', DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://b/k' } } } as Channel,
      /channel "bad name": a channel name must match/,
    ],
    [{ ChannelName: 'train', DataSource: {} } as Channel, /only S3DataSource channels/],
    [channel('s3://b/k', { InputMode: 'Stream' as never }), /channel "train" \(s3:\/\/b\/k\): unknown input mode "Stream"/],
    [channel('s3://b/k', {}, { S3DataDistributionType: 'Everywhere' }), /unknown S3DataDistributionType "Everywhere"/],
  ])('refuses %j', (bad, message) => {
    expect(() => checkChannel(bad, 'File')).toThrow(ChannelDataError);
    expect(() => checkChannel(bad, 'File')).toThrow(message);
  });
});

describe('planChannel', () => {
  let root: string;
  const warnings: string[] = [];
  const context = (hostCount: number): PlanContext => ({
    jobInputMode: 'File',
    hostCount,
    stagingRoot: path.join(root, 'inputs'),
    s3: () => {
      throw new Error('no S3 in this test');
    },
    warn: (message) => warnings.push(message),
  });

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'sagekit-plan-'));
    await mkdir(path.join(root, 'data', 'sub'), { recursive: true });
    await writeFile(path.join(root, 'data', 'a.csv'), 'a');
    await writeFile(path.join(root, 'data', 'sub', 'b.csv'), 'bb');
    await writeFile(path.join(root, 'data', 'model.tar.gz'), 'not really');
    await mkdir(path.join(root, 'empty'));
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('binds an existing directory shared by every host, creating nothing', async () => {
    const plan = await planChannel(channel(pathToFileUri(path.join(root, 'data'))), context(2));
    expect(plan).toMatchObject({ strategy: 'bind', local: { type: 'local-dir', path: path.join(root, 'data') } });
  });

  it('puts a sharded directory together per host, each with its own items', async () => {
    const plan = await planChannel(channel(pathToFileUri(path.join(root, 'data')), {}, { S3DataDistributionType: 'ShardedByS3Key' }), context(2));
    if (plan.strategy !== 'copy') throw new Error(`expected copy, got ${plan.strategy}`);
    expect(plan.dirs.map((d) => d.hosts)).toEqual([[0], [1]]);
    expect(plan.dirs.map((d) => path.relative(root, d.dir))).toEqual(['inputs/train/algo-1', 'inputs/train/algo-2']);
    expect(plan.dirs.flatMap((d) => d.items.map((i) => i.relativePath)).sort()).toEqual(['a.csv', 'model.tar.gz', 'sub/b.csv']);
    expect(plan.totalBytes).toBe(1 + 2 + 'not really'.length);
  });

  it('stages a model channel once for every host', async () => {
    const plan = await planChannel(channel(pathToFileUri(path.join(root, 'data')), { ContentType: MODEL_CONTENT_TYPE }), context(3));
    if (plan.strategy !== 'model') throw new Error(`expected model, got ${plan.strategy}`);
    expect(plan.dirs).toHaveLength(1);
    expect(plan.dirs[0]!.hosts).toEqual([0, 1, 2]);
  });

  it('gives Pipe mode each host its share, in feeding order', async () => {
    const plan = await planChannel(channel(pathToFileUri(path.join(root, 'data')), { InputMode: 'Pipe' }), context(1));
    if (plan.strategy !== 'pipe') throw new Error(`expected pipe, got ${plan.strategy}`);
    expect(plan.shares[0]!.map((i) => i.relativePath)).toEqual(['a.csv', 'model.tar.gz', 'sub/b.csv']);
    expect(plan.unitShares[0]).toHaveLength(3);
  });

  it('refuses an empty directory before anything is staged, and warns about Pipe-only options in File mode', async () => {
    await expect(planChannel(channel(pathToFileUri(path.join(root, 'empty')), { CompressionType: 'Gzip' }), context(1))).rejects.toThrow(
      /channel "train" .*no files found/,
    );
    expect(warnings.some((w) => /CompressionType Gzip applies to Pipe mode only/.test(w))).toBe(true);
  });
});

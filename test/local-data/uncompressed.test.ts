/**
 * disableOutputCompression: the hosts' directories saved as plain files under a prefix, to a
 * local folder and to S3 (sagekit's S3 store), the first host winning a clash.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveArtifacts } from '../../src/local/data/uncompressed.js';
import { pathToFileUri } from '../../src/s3/uri.js';
import { recordingEvents } from '../helpers/job-events.js';
import { startS3, type TestS3 } from './s3-server.js';

let s3: TestS3;
beforeAll(async () => {
  s3 = await startS3(['out']);
});
afterAll(async () => s3?.close());

/** Two host model folders: algo-1 and algo-2 both have model.bin (algo-1's wins). */
function hosts(): string[] {
  const root = mkdtempSync(path.join(tmpdir(), 'sagekit-uncompressed-'));
  const dirs = ['algo-1', 'algo-2'].map((h) => path.join(root, h));
  for (const [i, dir] of dirs.entries()) {
    mkdirSync(path.join(dir, 'sub'), { recursive: true });
    writeFileSync(path.join(dir, 'model.bin'), `model of host ${i + 1}`);
    writeFileSync(path.join(dir, 'sub', `part-${i + 1}.txt`), `part ${i + 1}`);
  }
  return dirs;
}

describe('saveArtifacts without compression', () => {
  it('copies the union to <output>/model/ in a local folder and reports that prefix', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'sagekit-uncompressed-out-'));
    const { events, warnings } = recordingEvents();
    const output = `${pathToFileUri(out)}/job/output`;
    const saved = await saveArtifacts({ sources: hosts(), output, what: 'model', compressed: false, s3: () => s3.client, events });
    expect(saved.uri).toBe(`${output}/model/`);
    expect(readFileSync(path.join(out, 'job/output/model/model.bin'), 'utf8')).toBe('model of host 1');
    expect(readFileSync(path.join(out, 'job/output/model/sub/part-2.txt'), 'utf8')).toBe('part 2');
    expect(warnings).toEqual(["model: 1 path(s) exist in more than one host's directory (model.bin); the copy from the first host was kept"]);
  });

  it('uploads every file under the S3 prefix; output data goes to <output>/data/', async () => {
    const { events } = recordingEvents();
    const saved = await saveArtifacts({
      sources: hosts(),
      output: 's3://out/prefix/job/output',
      what: 'output',
      compressed: false,
      s3: () => s3.client,
      events,
    });
    expect(saved.uri).toBe('s3://out/prefix/job/output/data/');
    const listed = await s3.client.send(new ListObjectsV2Command({ Bucket: 'out', Prefix: 'prefix/job/output/' }));
    expect((listed.Contents ?? []).map((o) => o.Key).sort()).toEqual([
      'prefix/job/output/data/model.bin',
      'prefix/job/output/data/sub/part-1.txt',
      'prefix/job/output/data/sub/part-2.txt',
    ]);
    const object = await s3.client.send(new GetObjectCommand({ Bucket: 'out', Key: 'prefix/job/output/data/model.bin' }));
    expect(await object.Body!.transformToString()).toBe('model of host 1');
  });
});

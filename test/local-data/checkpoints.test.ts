import { readFile, utimes, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCheckpointSync } from '../../src/local/data/checkpoints.js';
import { pathToFileUri } from '../../src/s3/uri.js';
import { exists, readTree, recordingEvents, tempDir, writeTree } from './helpers.js';
import { startS3, type TestS3 } from './s3-server.js';

let s3: TestS3;
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  s3 = await startS3(['ckpt']);
  await s3.put('ckpt', 'job/ckpt/epoch-1.pt', 'weights 1');
  await s3.put('ckpt', 'job/ckpt/opt/state.json', '{"step":1}');
  await s3.put('ckpt', 'job/ckpt/folder/', '');
  await s3.put('ckpt', 'job/ckpt-old/stale.pt', 'must not be restored');
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});
afterAll(async () => {
  await s3?.close();
});

async function hosts(count: number) {
  const t = await tempDir('sagekit-ckpt-');
  cleanups.push(t.remove);
  const dirs = Array.from({ length: count }, (_, i) => path.join(t.dir, `algo-${i + 1}`, 'checkpoints'));
  for (const dir of dirs) await mkdir(dir, { recursive: true });
  return { root: t.dir, dirs };
}

async function getText(key: string): Promise<string> {
  const object = await s3.client.send(new GetObjectCommand({ Bucket: 'ckpt', Key: key }));
  return object.Body!.transformToString();
}

// Polls until `check` holds; the bound only turns a hang into a clear failure (syncs run every 20-30 ms).
const waitFor = async (check: () => Promise<boolean>, ms = 20_000) => {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describe('createCheckpointSync with s3://', () => {
  it('restores the folder into every host, syncs only changes, and syncs once more on stop', async () => {
    const { dirs } = await hosts(2);
    const { events, progress } = recordingEvents();
    const sync = createCheckpointSync({ s3Uri: 's3://ckpt/job/ckpt', hostDirs: dirs, s3: () => s3.client, events, intervalMs: 60_000 });
    await sync.restore();
    for (const dir of dirs) expect(await readTree(dir)).toEqual({ 'epoch-1.pt': 'weights 1', 'opt/state.json': '{"step":1}' });

    sync.start();
    await writeFile(path.join(dirs[0]!, 'opt', 'state.json'), '{"step":22}');
    await writeTree(dirs[1]!, { 'epoch-2.pt': 'weights 2' });
    await sync.stop();

    expect(await getText('job/ckpt/opt/state.json')).toBe('{"step":22}');
    expect(await getText('job/ckpt/epoch-2.pt')).toBe('weights 2');
    // Restored files that did not change are not uploaded again: only the two changed files' bytes.
    const uploads = progress.filter((p) => p.kind === 'upload');
    expect(uploads.map((p) => p.loaded)).toEqual(['{"step":22}'.length + 'weights 2'.length]);
  });

  it('warns when a periodic sync fails and throws from the final one', async () => {
    const { dirs } = await hosts(1);
    await writeTree(dirs[0]!, { 'a.pt': 'a' });
    const { events, warnings } = recordingEvents();
    const sync = createCheckpointSync({ s3Uri: 's3://no-such-bucket/ckpt', hostDirs: dirs, s3: () => s3.client, events, intervalMs: 20 });
    sync.start();
    await waitFor(async () => warnings.length > 0);
    expect(warnings[0]).toMatch(/checkpoint sync to s3:\/\/no-such-bucket\/ckpt failed/);
    await expect(sync.stop()).rejects.toThrow();
  });
});

describe('createCheckpointSync with file://', () => {
  it('treats a missing folder as nothing to restore, then syncs periodically, also same-size rewrites', async () => {
    const { root, dirs } = await hosts(2);
    const target = path.join(root, 'saved', 'ckpt');
    const { events } = recordingEvents();
    const sync = createCheckpointSync({ s3Uri: pathToFileUri(target), hostDirs: dirs, s3: () => s3.client, events, intervalMs: 30 });
    await sync.restore();
    expect(await exists(target)).toBe(false);

    sync.start();
    sync.start();
    await writeTree(dirs[0]!, { 'model/step.txt': 'AAAA' });
    await waitFor(async () => (await readFile(path.join(target, 'model/step.txt'), 'utf8').catch(() => '')) === 'AAAA');

    // Same size, new content and mtime: still copied.
    await writeFile(path.join(dirs[0]!, 'model/step.txt'), 'BBBB');
    const later = new Date(Date.now() + 5000);
    await utimes(path.join(dirs[0]!, 'model/step.txt'), later, later);
    await waitFor(async () => (await readFile(path.join(target, 'model/step.txt'), 'utf8')) === 'BBBB');

    await writeTree(dirs[1]!, { 'host2.txt': 'from algo-2' });
    await sync.stop();
    expect(await readTree(target)).toEqual({ 'host2.txt': 'from algo-2', 'model/step.txt': 'BBBB' });

    // A second job restores what the first one saved into every host.
    const next = await hosts(2);
    const restore = createCheckpointSync({ s3Uri: pathToFileUri(target), hostDirs: next.dirs, s3: () => s3.client, events });
    await restore.restore();
    for (const dir of next.dirs) expect(await readTree(dir)).toEqual({ 'host2.txt': 'from algo-2', 'model/step.txt': 'BBBB' });
  });
});

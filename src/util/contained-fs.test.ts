/** Reads of container-written trees never leave the tree, whatever links the container made. */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContainedReadStream, OutsideTreeError, openContained, readContainedText, walkContained } from './contained-fs.js';

let dir: string;
let tree: string;
let secret: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'sagekit-contained-'));
  secret = path.join(dir, 'secret');
  await mkdir(secret);
  await writeFile(path.join(secret, 'canary.txt'), 'host secret');
  tree = path.join(dir, 'host', 'output');
  await mkdir(path.join(tree, 'data', 'sub'), { recursive: true });
  await writeFile(path.join(tree, 'data', 'sub', 'real.txt'), 'real');
  await writeFile(path.join(tree, 'failure'), 'the reason');
  await symlink(path.join(secret, 'canary.txt'), path.join(tree, 'data', 'leak.txt'));
  await symlink(secret, path.join(tree, 'data', 'etcdir'));
  execFileSync('mkfifo', [path.join(tree, 'data', 'pipe')]);
});

afterAll(() => rm(dir, { recursive: true, force: true }));

describe('contained reads', () => {
  it('walks regular files only, reporting links and never descending into them', async () => {
    const walk = await walkContained(path.join(tree, 'data'));
    expect(walk.files.map((f) => f.relativePath)).toEqual(['sub/real.txt']);
    expect(walk.links.sort()).toEqual(['etcdir', 'leak.txt']);
  });

  it('reads a regular file, and refuses a link, a FIFO (without blocking) and a file through a linked folder', async () => {
    expect(await readContainedText(tree, path.join(tree, 'failure'), 100)).toBe('the reason');
    await expect(openContained(tree, path.join(tree, 'data', 'leak.txt'))).rejects.toBeInstanceOf(OutsideTreeError);
    await expect(openContained(tree, path.join(tree, 'data', 'pipe'))).rejects.toThrow(/not a regular file/);
    await expect(openContained(tree, path.join(tree, 'data', 'etcdir', 'canary.txt'))).rejects.toThrow(/outside/);
    expect(await readContainedText(tree, path.join(tree, 'data', 'leak.txt'), 100)).toBeUndefined();
  });

  it('refuses a root the container replaced with a link, and a folder swapped for a link after the walk', async () => {
    const root = path.join(dir, 'host', 'model');
    await symlink(secret, root);
    expect(await walkContained(root)).toEqual({ files: [], links: ['.'] });
    await expect(openContained(root, path.join(root, 'canary.txt'))).rejects.toThrow(/symbolic link/);

    const swapped = path.join(dir, 'host', 'checkpoints');
    await mkdir(path.join(swapped, 'step'), { recursive: true });
    await writeFile(path.join(swapped, 'step', 'canary.txt'), 'mine');
    const walk = await walkContained(swapped);
    expect(walk.files.map((f) => f.relativePath)).toEqual(['step/canary.txt']);
    await rename(path.join(swapped, 'step'), path.join(swapped, 'old'));
    await symlink(secret, path.join(swapped, 'step'));
    await expect(createContainedReadStream(swapped, walk.files[0]!.path)).rejects.toThrow(/outside/);
    expect(await readFile(path.join(secret, 'canary.txt'), 'utf8')).toBe('host secret');
  });
});

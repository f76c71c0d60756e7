/**
 * Files of the sagekit package itself (its package.json, bin/sagekit.js), found by walking up
 * from this module: the same answer from src/ (tests), dist/ and the bundled CLI, whose chunks
 * sit at other depths than the modules they were built from.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

function isSagekitRoot(dir: string): boolean {
  const manifest = path.join(dir, 'package.json');
  if (!existsSync(manifest)) return false;
  try {
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'sagekit';
  } catch {
    return false;
  }
}

/** The path of `parts` inside the sagekit package. */
export function packagePath(...parts: string[]): string {
  if (!root) {
    let dir = path.dirname(fileURLToPath(import.meta.url));
    while (!isSagekitRoot(dir)) {
      const parent = path.dirname(dir);
      if (parent === dir) throw new Error(`sagekit: no package.json named "sagekit" above ${fileURLToPath(import.meta.url)}`);
      dir = parent;
    }
    root = dir;
  }
  return path.join(root, ...parts);
}

/**
 * The layout of script-mode code, the same on SageMaker and locally: what the Python SDK puts in
 * `sourcedir.tar.gz` (`tar_and_upload_dir`): every entry of `sourceDir` at the root (or the lone
 * entry point file), and each dependency beside them under its own base name. Symbolic links
 * are followed, as the SDK's `dereference=True` does.
 */
import { cp, mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { ScriptCode } from './script-code.js';

/** One top-level entry of the code: a file or folder and its name at the root. */
interface CodeEntry {
  source: string;
  name: string;
}

/** The top-level entries of `code` (its paths absolute), sorted by name so archives are reproducible. */
async function codeEntries(code: ScriptCode): Promise<CodeEntry[]> {
  const entries: CodeEntry[] =
    code.sourceDir !== undefined
      ? (await readdir(code.sourceDir)).map((name) => ({ source: path.join(code.sourceDir!, name), name }))
      : [{ source: code.entryPoint, name: path.basename(code.entryPoint) }];
  for (const dependency of code.dependencies) entries.push({ source: dependency, name: path.basename(dependency) });
  return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * Copies the code into `target` (created) in its final layout; a dependency whose name clashes
 * with an entry of `sourceDir` replaces it, as extracting the SDK's tar would.
 */
export async function copyCode(code: ScriptCode, target: string): Promise<void> {
  await mkdir(target, { recursive: true });
  for (const entry of await codeEntries(code)) {
    await cp(entry.source, path.join(target, entry.name), { recursive: true, dereference: true, preserveTimestamps: true, force: true });
  }
}

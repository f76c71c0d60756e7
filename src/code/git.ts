/**
 * `gitConfig`: the code comes from a git repository. It is cloned with the system `git` (so any
 * URL and credential helper git knows works, `file://` included) into a temporary folder, and
 * the script-mode paths are resolved inside the clone. The caller removes the clone afterwards.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { EnvironmentError, ValidationError, type ValidationIssue } from '../errors.js';
import type { GitConfig } from './script-code.js';
import type { ScriptCode } from './script-code.js';

const run = promisify(execFile);

/** A checked-out repository and how to remove it. */
interface Clone {
  dir: string;
  cleanup(): Promise<void>;
}

/** Runs git; a failure is reported against `field` of gitConfig (its value is what git could not use). */
async function git(args: string[], field: { path: string; value: string }, cwd?: string): Promise<void> {
  try {
    // No prompt: a repository that needs credentials git does not have fails instead of hanging.
    await run('git', args, { ...(cwd && { cwd }), env: { ...process.env, GIT_TERMINAL_PROMPT: '0' }, maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') throw new EnvironmentError('gitConfig needs the git command, which is not installed', 'install git (e.g. apt-get install git)');
    const said = (e.stderr ?? e.message).trim().split('\n').slice(-3).join(' ');
    throw new ValidationError([{ ...field, rule: `git ${args[0]} failed: ${said}` }]);
  }
}

/** Clones `config.repo` and checks out `branch`, then `commit`, as the Python SDK does. */
async function cloneRepository(config: GitConfig): Promise<Clone> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sagekit-git-'));
  const cleanup = () => rm(dir, { recursive: true, force: true });
  try {
    await git(['clone', '--quiet', config.repo, dir], { path: 'gitConfig.repo', value: config.repo });
    if (config.branch) await git(['checkout', '--quiet', config.branch], { path: 'gitConfig.branch', value: config.branch }, dir);
    if (config.commit) await git(['checkout', '--quiet', config.commit], { path: 'gitConfig.commit', value: config.commit }, dir);
  } catch (error) {
    await cleanup();
    throw error;
  }
  return { dir, cleanup };
}

/** `code` with its paths inside `clone` (checked to exist there). */
function resolveInClone(code: ScriptCode, clone: string): ScriptCode {
  const inside = (p: string) => path.resolve(clone, p);
  const resolved: ScriptCode = {
    ...code,
    entryPoint: code.sourceDir !== undefined ? code.entryPoint : inside(code.entryPoint),
    ...(code.sourceDir !== undefined && { sourceDir: inside(code.sourceDir) }),
    dependencies: code.dependencies.map(inside),
  };
  delete resolved.gitConfig;
  const issues: ValidationIssue[] = [];
  const where = `in the clone of ${code.gitConfig?.repo}`;
  const script = resolved.sourceDir !== undefined ? path.join(resolved.sourceDir, resolved.entryPoint) : resolved.entryPoint;
  if (resolved.sourceDir !== undefined && !existsSync(resolved.sourceDir))
    issues.push({ path: 'sourceDir', value: code.sourceDir, rule: `must exist ${where}` });
  else if (!existsSync(script)) issues.push({ path: 'entryPoint', value: code.entryPoint, rule: `must exist ${where}` });
  resolved.dependencies.forEach(
    (d, i) => !existsSync(d) && issues.push({ path: `dependencies[${i}]`, value: code.dependencies[i], rule: `must exist ${where}` }),
  );
  if (issues.length) throw new ValidationError(issues);
  return resolved;
}

/** Runs `use` with the code's local form: cloned first when it has `gitConfig` (and removed after). */
export async function withLocalCode<T>(code: ScriptCode, use: (local: ScriptCode) => Promise<T>): Promise<T> {
  if (!code.gitConfig) return use(code);
  const clone = await cloneRepository(code.gitConfig);
  try {
    return await use(resolveInClone(code, clone.dir));
  } finally {
    await clone.cleanup();
  }
}

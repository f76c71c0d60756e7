/**
 * Job files: YAML or JSON documents with the estimator's options (camelCase keys). Relative
 * local paths in a file are resolved against the file's directory, so a job file works from
 * any working directory. `--set key=value` overrides are applied after that.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import YAML from 'yaml';
import { UsageError } from '../errors.js';
import { isLocalPath } from '../estimator/rule-basics.js';

/** A job file after parsing, before validation. */
export interface LoadedJobFile {
  /** Absolute path of the file. */
  file: string;
  /** The document (validated later, so every problem is reported with the file's name). */
  options: Record<string, unknown>;
}

/** Parses YAML or JSON text; syntax errors name the file, line and column. */
export function parseJobText(text: string, file: string): Record<string, unknown> {
  const document = YAML.parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length) {
    const first = document.errors[0]!;
    const where = first.linePos?.[0] ? `:${first.linePos[0].line}:${first.linePos[0].col}` : '';
    throw new UsageError(`cannot parse ${file}${where}: ${first.message.split('\n')[0]}`);
  }
  const value: unknown = document.toJS();
  if (value === null || value === undefined) throw new UsageError(`${file} is empty`, 'a job file needs at least imageUri and instanceType');
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new UsageError(`${file} must contain a mapping of options (imageUri, instanceType, …), not ${Array.isArray(value) ? 'a list' : typeof value}`);
  }
  return value as Record<string, unknown>;
}

const resolveIfLocal = (value: unknown, baseDir: string): unknown =>
  typeof value === 'string' && value !== '' && isLocalPath(value) ? path.resolve(baseDir, value) : value;

/**
 * Script-mode paths: `sourceDir`, `dependencies`, and `entryPoint` when it is a lone script
 * (with `sourceDir` it stays relative to that folder). With `gitConfig` they are paths inside
 * the repository, so they are left alone.
 */
function resolveCodePaths(result: Record<string, unknown>, baseDir: string): void {
  if (result.gitConfig !== undefined) return;
  if ('sourceDir' in result) result.sourceDir = resolveIfLocal(result.sourceDir, baseDir);
  else if ('entryPoint' in result) result.entryPoint = resolveIfLocal(result.entryPoint, baseDir);
  if (Array.isArray(result.dependencies)) result.dependencies = result.dependencies.map((d) => resolveIfLocal(d, baseDir));
  const sourceCode = result.sourceCode;
  if (sourceCode && typeof sourceCode === 'object' && 'sourceDir' in sourceCode) {
    result.sourceCode = { ...sourceCode, sourceDir: resolveIfLocal((sourceCode as Record<string, unknown>).sourceDir, baseDir) };
  }
}

/** Makes relative local paths in a job absolute, against `baseDir`. Returns a new object. */
function resolveLocalPaths(options: Record<string, unknown>, baseDir: string): Record<string, unknown> {
  const result: Record<string, unknown> = { ...options };
  for (const key of ['modelUri', 'outputPath', 'checkpointS3Uri'] as const) {
    if (key in result) result[key] = resolveIfLocal(result[key], baseDir);
  }
  resolveCodePaths(result, baseDir);
  for (const key of ['tensorboardOutputConfig', 'debuggerHookConfig', 'profilerConfig'] as const) {
    const nested = result[key];
    if (nested && typeof nested === 'object' && 's3OutputPath' in nested) {
      result[key] = { ...nested, s3OutputPath: resolveIfLocal((nested as Record<string, unknown>).s3OutputPath, baseDir) };
    }
  }
  const inputs = result.inputs;
  if (typeof inputs === 'string') result.inputs = resolveIfLocal(inputs, baseDir);
  else if (inputs && typeof inputs === 'object' && !Array.isArray(inputs)) {
    result.inputs = Object.fromEntries(
      Object.entries(inputs).map(([name, channel]) => {
        if (channel && typeof channel === 'object' && 's3Data' in channel) {
          return [name, { ...channel, s3Data: resolveIfLocal((channel as Record<string, unknown>).s3Data, baseDir) }];
        }
        return [name, resolveIfLocal(channel, baseDir)];
      }),
    );
  }
  const local = result.local;
  if (local && typeof local === 'object' && !Array.isArray(local)) {
    const settings = { ...(local as Record<string, unknown>) };
    for (const key of ['buildContext', 'stateDir']) {
      if (typeof settings[key] === 'string') settings[key] = path.resolve(baseDir, settings[key] as string);
    }
    result.local = settings;
  }
  return result;
}

/** Parses a `--set` value: YAML scalars and flow collections (`10`, `true`, `[a, b]`, `{k: v}`); empty → "". */
function parseSetValue(raw: string): unknown {
  if (raw === '') return '';
  try {
    return YAML.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

/**
 * Applies `key=value` overrides with dotted paths (`hyperparameters.epochs=20`,
 * `inputs.train.s3Data=s3://b/p`, `metricDefinitions.0.regex=…`). Returns a new object.
 */
export function applyOverrides(options: Record<string, unknown>, overrides: readonly string[]): Record<string, unknown> {
  const result = structuredClone(options);
  for (const override of overrides) {
    const eq = override.indexOf('=');
    if (eq <= 0) throw new UsageError(`--set ${override}: expected key=value (e.g. --set hyperparameters.epochs=20)`);
    const keys = override.slice(0, eq).split('.');
    if (keys.some((k) => k === '')) throw new UsageError(`--set ${override}: empty segment in key "${override.slice(0, eq)}"`);
    let node: Record<string, unknown> | unknown[] = result;
    keys.forEach((key, i) => {
      const last = i === keys.length - 1;
      const container = node as Record<string, unknown>;
      if (last) {
        container[key] = parseSetValue(override.slice(eq + 1));
        return;
      }
      const next = container[key];
      if (next === undefined || next === null || typeof next !== 'object') {
        container[key] = /^\d+$/.test(keys[i + 1]!) ? [] : {};
      }
      node = container[key] as Record<string, unknown>;
    });
  }
  return result;
}

/** Reads a job file, resolves its relative paths, and applies `--set` overrides. */
export async function loadJobFile(file: string, overrides: readonly string[] = []): Promise<LoadedJobFile> {
  const absolute = path.resolve(file);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      code === 'ENOENT' ? `job file not found: ${file}` : `cannot read job file ${file}: ${(error as Error).message}`,
      code === 'ENOENT' ? 'create one with: sagekit init' : undefined,
    );
  }
  const parsed = resolveLocalPaths(parseJobText(text, file), path.dirname(absolute));
  return { file: absolute, options: applyOverrides(parsed, overrides) };
}

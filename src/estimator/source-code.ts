/**
 * `sourceCode` (beyond the Python SDK v2, like v3's `ModelTrainer`): user code in *any* image,
 * without the SageMaker training toolkit. The code folder travels as one more input channel,
 * `code` (a local folder is uploaded like any local input for cloud jobs, and bound read-only
 * locally), and `ContainerEntrypoint` is a `/bin/sh` line that changes into it, installs
 * `requirements` with pip when given (that needs a package index when the job runs) and runs the
 * entry script or command. The same request runs on SageMaker and locally.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Channel } from '@aws-sdk/client-sagemaker';
import type { ValidationIssue } from '../errors.js';
import { pathToFileUri } from '../s3/uri.js';
import type { SourceCode } from './extra-types.js';

/** Name of the channel that carries the code. */
const CODE_CHANNEL = 'code';
/** Where that channel appears in the container. */
const CODE_CHANNEL_DIR = `/opt/ml/input/data/${CODE_CHANNEL}`;
/** The API's limit for each ContainerEntrypoint entry. */
const ENTRYPOINT_ENTRY_MAX = 256;

/** Single-quotes a word for /bin/sh. */
function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The interpreter of an entry script, by its extension (anything else is run as a program). */
function runnerOf(script: string): string[] {
  if (script.endsWith('.py')) return ['python3', script];
  if (script.endsWith('.sh')) return ['sh', script];
  return [script.includes('/') ? script : `./${script}`];
}

/** `ContainerEntrypoint` that runs `code` from the code channel. */
export function sourceCodeEntrypoint(code: SourceCode): string[] {
  const install = code.requirements ? `python3 -m pip install -r ${shellQuote(code.requirements)} && ` : '';
  const prefix = `cd ${CODE_CHANNEL_DIR} && ${install}`;
  // An entry script goes as separate words ($0, $1): no quoting, and each entry stays short.
  if (code.entryScript !== undefined) return ['/bin/sh', '-c', `${prefix}exec "$0" "$@"`, ...runnerOf(code.entryScript)];
  return ['/bin/sh', '-c', `${prefix}${code.command ?? ''}`];
}

/** The `code` channel: a local folder as `file://` (uploaded for cloud jobs), or the s3:// prefix. */
export function sourceCodeChannel(code: SourceCode, cwd: string): Channel {
  const uri = code.sourceDir.startsWith('s3://') ? code.sourceDir : pathToFileUri(code.sourceDir, cwd);
  return {
    DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: uri, S3DataDistributionType: 'FullyReplicated' } },
    InputMode: 'File',
    ChannelName: CODE_CHANNEL,
  };
}

/** Problems the file system shows (local folder, entry script and requirements exist) and the entry point's length. */
export function sourceCodeIssues(code: SourceCode, cwd: string): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  sourceCodeEntrypoint(code).forEach((entry) => {
    if (entry.length > ENTRYPOINT_ENTRY_MAX) {
      const field = code.command !== undefined ? 'sourceCode.command' : 'sourceCode.entryScript';
      issues.push({
        path: field,
        value: code.command ?? code.entryScript,
        rule: `makes a ContainerEntrypoint entry longer than the API's ${ENTRYPOINT_ENTRY_MAX} characters; put it in a script`,
      });
    }
  });
  if (code.sourceDir.startsWith('s3://')) return issues;
  const dir = path.resolve(cwd, code.sourceDir);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    issues.push({ path: 'sourceCode.sourceDir', value: dir, rule: 'must be an existing folder' });
    return issues;
  }
  for (const key of ['entryScript', 'requirements'] as const) {
    const file = code[key];
    if (file !== undefined && !existsSync(path.join(dir, file))) {
      issues.push({ path: `sourceCode.${key}`, value: file, rule: `must be an existing file in sourceCode.sourceDir (looked for ${path.join(dir, file)})` });
    }
  }
  return issues;
}

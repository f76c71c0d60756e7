/**
 * Script mode (`entryPoint`): where the user's code comes from and goes to, and the
 * hyperparameters the SageMaker training toolkit reads to find and run it.
 *
 * Why every hyperparameter is JSON-encoded here: the toolkit inside framework images
 * (sagemaker-training-toolkit) `json.loads` each value of hyperparameters.json before it passes
 * them to the script as `--key value` arguments and `SM_HP_*` variables. The Python SDK therefore
 * JSON-encodes every value in script mode (`"x"` → `"\"x\""`, `3` → `"3"`), its own keys included,
 * so that strings, numbers, booleans and lists all come back as what the user wrote. Without
 * script mode the container reads the raw strings, so sagekit's `auto` encoding keeps them plain.
 */
import type { ScriptCode } from '../code/script-code.js';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Channel } from '@aws-sdk/client-sagemaker';
import type { ValidationIssue } from '../errors.js';
import { parseS3Uri } from '../s3/uri.js';
import { encodeHyperparameters } from './hyperparameters.js';
import { isLocalJob } from './local-job.js';
import type { EstimatorOptions } from './options.js';
import { LIMITS } from './rule-basics.js';
import { SCRIPT_MODE_HYPERPARAMETERS } from './rules-extra.js';

/** Where script-mode code is mounted in every local container, and what the toolkit is told. */
const LOCAL_CODE_DIR = '/opt/ml/code';
/**
 * With network isolation the container cannot fetch its code, so the SDK hands the archive over
 * as the input channel `code` and points the toolkit at the file in it.
 */
const ISOLATED_CODE_CHANNEL = 'code';
const ISOLATED_SUBMIT_DIRECTORY = '/opt/ml/input/data/code/sourcedir.tar.gz';
/** Default `sagemaker_container_log_level`: Python's logging.INFO. */
const DEFAULT_CONTAINER_LOG_LEVEL = 20;

/** Script-mode parts of a request. */
export interface ScriptModeBuild {
  hyperparameters: Record<string, string>;
  /** Code the backend must place (absent when `sourceDir` is an s3:// archive used as is). */
  code?: ScriptCode;
  /** Network isolation (cloud): the channel carrying `sourcedir.tar.gz`, added after the model channel. */
  codeChannel?: Channel;
  warnings: string[];
}

function uploadUriFor(options: EstimatorOptions, jobName: string, outputPath: string): { uri: string; kmsKey?: string } {
  const output = parseS3Uri(outputPath);
  if (options.codeLocation === undefined) {
    return { uri: `s3://${output.bucket}/${jobName}/source/sourcedir.tar.gz`, ...(options.outputKmsKey && { kmsKey: options.outputKmsKey }) };
  }
  const code = parseS3Uri(options.codeLocation);
  const key = [code.key.replace(/\/+$/, ''), jobName, 'source', 'sourcedir.tar.gz'].filter(Boolean).join('/');
  const sameBucket = code.bucket === output.bucket;
  return { uri: `s3://${code.bucket}/${key}`, ...(sameBucket && options.outputKmsKey && { kmsKey: options.outputKmsKey }) };
}

/** Issues for local code paths that do not exist (skipped with gitConfig: they are inside the clone). */
function missingPaths(code: ScriptCode): ValidationIssue[] {
  if (code.gitConfig) return [];
  const issues: ValidationIssue[] = [];
  const isDir = (p: string) => existsSync(p) && statSync(p).isDirectory();
  if (code.sourceDir !== undefined && !isDir(code.sourceDir)) {
    issues.push({ path: 'sourceDir', value: code.sourceDir, rule: 'must be an existing folder' });
  } else {
    const script = code.sourceDir !== undefined ? path.join(code.sourceDir, code.entryPoint) : code.entryPoint;
    if (!existsSync(script) || statSync(script).isDirectory()) {
      issues.push({ path: 'entryPoint', value: code.entryPoint, rule: `must be an existing file (looked for ${script})` });
    }
  }
  code.dependencies.forEach((dep, i) => {
    if (!existsSync(dep)) issues.push({ path: `dependencies[${i}]`, value: dep, rule: 'must be an existing folder or file' });
  });
  return issues;
}

interface BuildContext {
  jobName: string;
  outputPath: string;
  region: string | undefined;
  cwd: string;
}

/** Where the code comes from and what `sagemaker_submit_directory` says, before network isolation. */
function locateCode(
  options: EstimatorOptions,
  context: BuildContext,
  issues: ValidationIssue[],
  warnings: string[],
): { code?: ScriptCode; program: string; submitDirectory: string } {
  const local = isLocalJob(options);
  const entryPoint = options.entryPoint!;
  if (options.sourceDir?.startsWith('s3://')) {
    if (local) {
      warnings.push(
        `sourceDir ${options.sourceDir} is fetched by the image's training toolkit inside the container; it needs AWS credentials there (local.passAwsCredentials)`,
      );
    }
    return { program: path.posix.basename(entryPoint), submitDirectory: options.sourceDir };
  }
  const resolve = (p: string) => (options.gitConfig ? p : path.resolve(context.cwd, p));
  const program = options.sourceDir !== undefined ? entryPoint : path.basename(entryPoint);
  const code: ScriptCode = {
    program,
    entryPoint: options.sourceDir !== undefined ? entryPoint : resolve(entryPoint),
    ...(options.sourceDir !== undefined && { sourceDir: resolve(options.sourceDir) }),
    dependencies: (options.dependencies ?? []).map(resolve),
    ...(options.gitConfig && { gitConfig: options.gitConfig }),
  };
  issues.push(...missingPaths(code));
  if (local) {
    if (options.codeLocation !== undefined) warnings.push(`codeLocation is not used by local jobs: the code is mounted at ${LOCAL_CODE_DIR}`);
    return { code, program, submitDirectory: LOCAL_CODE_DIR };
  }
  const upload = uploadUriFor(options, context.jobName, context.outputPath);
  code.uploadUri = upload.uri;
  if (upload.kmsKey) code.kmsKey = upload.kmsKey;
  return { code, program, submitDirectory: upload.uri };
}

/** The user's hyperparameters and script mode's own, every value JSON-encoded. */
function scriptHyperparameters(
  options: EstimatorOptions,
  values: { submitDirectory: string; program: string; jobName: string; region: string },
  issues: ValidationIssue[],
): Record<string, string> {
  const encoded = encodeHyperparameters(options.hyperparameters ?? {}, 'json');
  issues.push(...encoded.issues);
  const hyperparameters: Record<string, string> = {
    ...encoded.values,
    sagemaker_submit_directory: JSON.stringify(values.submitDirectory),
    sagemaker_program: JSON.stringify(values.program),
    sagemaker_container_log_level: JSON.stringify(options.containerLogLevel ?? DEFAULT_CONTAINER_LOG_LEVEL),
    sagemaker_job_name: JSON.stringify(values.jobName),
    sagemaker_region: JSON.stringify(values.region),
  };
  const count = Object.keys(hyperparameters).length;
  if (count > LIMITS.hyperparameters) {
    const own = SCRIPT_MODE_HYPERPARAMETERS.length;
    issues.push({
      path: 'hyperparameters',
      value: count,
      rule: `may have at most ${LIMITS.hyperparameters - own} entries in script mode (the API allows ${LIMITS.hyperparameters}, script mode adds ${own})`,
    });
  }
  return hyperparameters;
}

/**
 * The hyperparameters and code of a script-mode job (call only when `entryPoint` is set).
 * `outputPath` is the resolved output URI; issues (missing files, unknown region) are added to
 * `issues`.
 */
export function buildScriptMode(options: EstimatorOptions, context: BuildContext, issues: ValidationIssue[]): ScriptModeBuild {
  const local = isLocalJob(options);
  const warnings: string[] = [];
  const placed = locateCode(options, context, issues, warnings);
  let submitDirectory = placed.submitDirectory;

  // As the SDK: an isolated cloud container gets the archive as a channel instead of a URI.
  let codeChannel: Channel | undefined;
  if (!local && options.enableNetworkIsolation === true) {
    codeChannel = {
      DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: submitDirectory, S3DataDistributionType: 'FullyReplicated' } },
      ChannelName: ISOLATED_CODE_CHANNEL,
    };
    submitDirectory = ISOLATED_SUBMIT_DIRECTORY;
  }

  let region = context.region;
  if (region === undefined) {
    if (local) region = 'us-east-1';
    else issues.push({ path: 'region', rule: 'is needed in script mode (it is passed to the script as sagemaker_region); set region or pass --region' });
  }
  const hyperparameters = scriptHyperparameters(options, { submitDirectory, program: placed.program, jobName: context.jobName, region: region ?? '' }, issues);
  return { hyperparameters, ...(placed.code && { code: placed.code }), ...(codeChannel && { codeChannel }), warnings };
}

export type { ScriptCode } from '../code/script-code.js';

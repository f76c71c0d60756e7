/**
 * Value rules of the options beyond the seed's list: script mode, container entry point,
 * heterogeneous clusters, warm pools, private registries, training plans, `sourceCode`. Same contract as
 * `rules.ts`: each problem names the option path, the value and the rule; values of the wrong
 * type are left to the schema. File existence needs the job's folder, so the request builder
 * checks that (`script-mode.ts`).
 */
import type { ValidationIssue } from '../errors.js';
import { isLocalInstanceType, isLocalJobInput } from './local-job.js';
import { checkInt, checkUri, INSTANCE_TYPE_PATTERN, isNumber, isObject, isString, type Sink } from './rule-basics.js';

/** Hyperparameters script mode sets itself; a user value would be overwritten silently. */
export const SCRIPT_MODE_HYPERPARAMETERS = [
  'sagemaker_program',
  'sagemaker_submit_directory',
  'sagemaker_container_log_level',
  'sagemaker_job_name',
  'sagemaker_region',
] as const;

const GROUP_NAME_PATTERN = /^.{1,64}$/s;
const LAMBDA_ARN_PATTERN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[a-zA-Z0-9_-]{1,64}(:[a-zA-Z0-9$_-]+)?$/;
const TRAINING_PLAN_ARN_PATTERN = /^arn:aws[a-z-]*:sagemaker:[a-z0-9-]*:\d{12}:training-plan\/[a-z0-9](-*[a-z0-9]){0,63}$/;
const GIT_COMMIT_PATTERN = /^[0-9a-fA-F]{4,40}$/;
const MAX_INSTANCE_GROUPS = 5;
const MAX_CONTAINER_ARGS = 100;
const MAX_CONTAINER_ARG_LENGTH = 256;
const MAX_KEEP_ALIVE_SECONDS = 3600;

const groupsOf = (options: Record<string, unknown>): Record<string, unknown>[] =>
  Array.isArray(options.instanceGroups) ? options.instanceGroups.filter(isObject) : [];

function checkInstanceGroups(add: Sink, options: Record<string, unknown>, local: boolean): void {
  if (options.instanceGroups === undefined) {
    if (options.instanceType === undefined) add('instanceType', undefined, 'is required');
    return;
  }
  if (options.instanceType !== undefined) {
    add('instanceType', options.instanceType, 'cannot be combined with instanceGroups (each group has its own instanceType)');
  }
  if (options.instanceCount !== undefined) {
    add('instanceCount', options.instanceCount, 'cannot be combined with instanceGroups (each group has its own instanceCount)');
  }
  if (!Array.isArray(options.instanceGroups)) return;
  const count = options.instanceGroups.length;
  if (count === 0 || count > MAX_INSTANCE_GROUPS) add('instanceGroups', count, `must list 1-${MAX_INSTANCE_GROUPS} groups`);
  const seen = new Set<string>();
  options.instanceGroups.forEach((group, i) => {
    if (!isObject(group)) return;
    const path = `instanceGroups[${i}]`;
    if (isString(group.instanceGroupName)) {
      if (!GROUP_NAME_PATTERN.test(group.instanceGroupName)) add(`${path}.instanceGroupName`, group.instanceGroupName, 'must be 1-64 characters');
      if (seen.has(group.instanceGroupName)) add(`${path}.instanceGroupName`, group.instanceGroupName, 'must be unique among instanceGroups');
      seen.add(group.instanceGroupName);
    }
    if (isString(group.instanceType)) {
      if (isLocalInstanceType(group.instanceType) !== local) {
        add(`${path}.instanceType`, group.instanceType, 'groups must be all local (local / local_gpu) or all ml.* instance types');
      } else if (!local && !INSTANCE_TYPE_PATTERN.test(group.instanceType)) {
        add(`${path}.instanceType`, group.instanceType, 'must be an ml.* instance type (e.g. ml.c5.xlarge), or local / local_gpu');
      }
    }
    checkInt(add, `${path}.instanceCount`, group.instanceCount, 1);
  });
}

function checkChannelGroups(add: Sink, options: Record<string, unknown>): void {
  if (!isObject(options.inputs)) return;
  const names = new Set(groupsOf(options).map((g) => g.instanceGroupName));
  for (const [channel, input] of Object.entries(options.inputs)) {
    if (!isObject(input) || !Array.isArray(input.instanceGroups)) continue;
    const path = `inputs.${channel}.instanceGroups`;
    if (options.instanceGroups === undefined) {
      add(path, input.instanceGroups, 'needs the job option instanceGroups (it names groups of a heterogeneous cluster)');
      continue;
    }
    input.instanceGroups.forEach((name, i) => {
      if (isString(name) && !names.has(name)) {
        add(`${path}[${i}]`, name, `must name one of the job's instanceGroups (${[...names].join(', ')})`);
      }
    });
  }
}

function checkScriptMode(add: Sink, options: Record<string, unknown>): void {
  const scriptMode = options.entryPoint !== undefined;
  if (isString(options.entryPoint)) {
    if (options.entryPoint.trim() === '') add('entryPoint', options.entryPoint, 'must not be empty');
    else if (options.sourceDir !== undefined && options.entryPoint.startsWith('/')) {
      add('entryPoint', options.entryPoint, 'must be a path relative to sourceDir when sourceDir is set');
    }
  }
  for (const key of ['sourceDir', 'dependencies', 'codeLocation', 'gitConfig', 'containerLogLevel'] as const) {
    if (options[key] !== undefined && !scriptMode) {
      add(key, options[key], 'needs entryPoint (the script to run, relative to sourceDir) — these options belong to script mode');
    }
  }
  if (isString(options.sourceDir)) {
    if (options.sourceDir === '') add('sourceDir', options.sourceDir, 'must not be empty');
    else if (options.sourceDir.startsWith('s3://')) {
      checkUri(add, 'sourceDir', options.sourceDir, 'input', false);
      if (!options.sourceDir.endsWith('.tar.gz')) add('sourceDir', options.sourceDir, 'an s3:// sourceDir must be a .tar.gz archive of the code');
      if (options.gitConfig !== undefined) add('sourceDir', options.sourceDir, 'must be a folder inside the repository with gitConfig, not an s3:// URI');
    } else if (/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(options.sourceDir)) {
      add('sourceDir', options.sourceDir, 'must be a local folder or an s3://….tar.gz URI');
    }
  }
  if (Array.isArray(options.dependencies)) {
    options.dependencies.forEach((dep, i) => {
      if (isString(dep) && (dep === '' || /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(dep))) {
        add(`dependencies[${i}]`, dep, 'must be a local folder or file');
      }
    });
  }
  if (isString(options.codeLocation)) {
    if (!options.codeLocation.startsWith('s3://')) add('codeLocation', options.codeLocation, 'must be an s3:// URI (s3://bucket/prefix)');
    else checkUri(add, 'codeLocation', options.codeLocation, 'input', false);
  }
  checkInt(add, 'containerLogLevel', options.containerLogLevel, 0, 50);
  if (isObject(options.gitConfig)) {
    const git = options.gitConfig;
    if (isString(git.repo) && git.repo.trim() === '') add('gitConfig.repo', git.repo, 'must be a URL git can clone');
    if (isString(git.commit) && !GIT_COMMIT_PATTERN.test(git.commit)) add('gitConfig.commit', git.commit, 'must be a commit hash (4-40 hex digits)');
  }
  if (scriptMode && options.enableNetworkIsolation === true && isObject(options.inputs) && 'code' in options.inputs) {
    add('inputs.code', undefined, 'the channel name code is taken by the code of a network-isolated script-mode job; rename this channel');
  }
  if (scriptMode && options.hyperparameterEncoding === 'auto') {
    add('hyperparameterEncoding', 'auto', 'script mode always JSON-encodes hyperparameters (as the SDK does); remove hyperparameterEncoding');
  }
  if (scriptMode && isObject(options.hyperparameters)) {
    for (const key of SCRIPT_MODE_HYPERPARAMETERS) {
      if (key in options.hyperparameters)
        add(`hyperparameters.${key}`, options.hyperparameters[key], 'is set by script mode; remove it (use entryPoint, sourceDir, containerLogLevel)');
    }
  }
}

function checkStringList(add: Sink, path: string, list: unknown): void {
  if (!Array.isArray(list)) return;
  if (list.length === 0 || list.length > MAX_CONTAINER_ARGS) add(path, list.length, `must list 1-${MAX_CONTAINER_ARGS} strings`);
  list.forEach((item, i) => {
    if (isString(item) && (item.length === 0 || item.length > MAX_CONTAINER_ARG_LENGTH)) {
      add(`${path}[${i}]`, item, `each entry must be 1-${MAX_CONTAINER_ARG_LENGTH} characters`);
    }
  });
}

function checkCloudSettings(add: Sink, options: Record<string, unknown>, local: boolean): void {
  checkInt(add, 'keepAlivePeriodInSeconds', options.keepAlivePeriodInSeconds, 0, MAX_KEEP_ALIVE_SECONDS);
  const arn = options.trainingRepositoryCredentialsProviderArn;
  if (isString(arn)) {
    if (!LAMBDA_ARN_PATTERN.test(arn))
      add('trainingRepositoryCredentialsProviderArn', arn, 'must be a Lambda function ARN (arn:aws:lambda:<region>:<account>:function:<name>)');
    if (options.trainingRepositoryAccessMode !== 'Vpc') {
      add('trainingRepositoryCredentialsProviderArn', arn, 'needs trainingRepositoryAccessMode: Vpc (credentials are for a private registry)');
    }
  }
  // Locally the engine pulls (a warning says so), so a job file can keep its cloud setting.
  if (!local && options.trainingRepositoryAccessMode === 'Vpc' && !(Array.isArray(options.subnets) && options.subnets.length)) {
    add('trainingRepositoryAccessMode', 'Vpc', "needs subnets and securityGroupIds (the private registry is reached through the job's VPC)");
  }
  if (isString(options.trainingPlan) && !TRAINING_PLAN_ARN_PATTERN.test(options.trainingPlan)) {
    add('trainingPlan', options.trainingPlan, 'must be a training plan ARN (arn:aws:sagemaker:<region>:<account>:training-plan/<name>)');
  }
  const placement = options.instancePlacementConfig;
  if (isObject(placement) && Array.isArray(placement.placementSpecifications)) {
    placement.placementSpecifications.forEach((spec, i) => {
      if (isObject(spec)) checkInt(add, `instancePlacementConfig.placementSpecifications[${i}].instanceCount`, spec.instanceCount, 1);
      if (isObject(spec) && isString(spec.ultraServerId) && spec.ultraServerId === '') {
        add(`instancePlacementConfig.placementSpecifications[${i}].ultraServerId`, spec.ultraServerId, 'must not be empty');
      }
    });
  }
  if (isNumber(options.keepAlivePeriodInSeconds) && options.useSpotInstances === true) {
    add('keepAlivePeriodInSeconds', options.keepAlivePeriodInSeconds, 'warm pools cannot be used with useSpotInstances');
  }
}

function checkSourceCode(add: Sink, options: Record<string, unknown>): void {
  const code = options.sourceCode;
  if (!isObject(code)) return;
  const given = ['entryScript', 'command'].filter((key) => code[key] !== undefined);
  if (given.length !== 1) add('sourceCode', given, 'needs exactly one of entryScript and command');
  for (const key of ['entryScript', 'requirements'] as const) {
    const file = code[key];
    if (isString(file) && (file === '' || file.startsWith('/') || file.split('/').includes('..'))) {
      add(`sourceCode.${key}`, file, 'must be a path inside sourceCode.sourceDir (relative, without ..)');
    }
  }
  if (isString(code.command) && code.command.trim() === '') add('sourceCode.command', code.command, 'must not be empty');
  if (isString(code.sourceDir)) {
    if (code.sourceDir === '') add('sourceCode.sourceDir', code.sourceDir, 'must not be empty');
    else if (code.sourceDir.startsWith('s3://')) checkUri(add, 'sourceCode.sourceDir', code.sourceDir, 'input', false);
    else if (/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(code.sourceDir)) add('sourceCode.sourceDir', code.sourceDir, 'must be a local folder or an s3:// prefix');
  }
  for (const key of ['entryPoint', 'containerEntryPoint'] as const) {
    if (options[key] !== undefined) add(key, options[key], 'cannot be combined with sourceCode (sourceCode sets the container entry point itself)');
  }
  if (isObject(options.inputs) && 'code' in options.inputs) {
    add('inputs.code', undefined, 'the channel name code is taken by sourceCode; rename this channel');
  }
}

/** Checks the options of this module (see the module comment); same contract as `checkRules`. */
export function checkExtraRules(input: unknown): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (!isObject(input)) return issues;
  const add: Sink = (path, value, rule) => issues.push(value === undefined ? { path, rule } : { path, value, rule });
  checkAll(add, input, isLocalJobInput(input));
  return issues;
}

function checkAll(add: Sink, options: Record<string, unknown>, local: boolean): void {
  checkInstanceGroups(add, options, local);
  checkChannelGroups(add, options);
  checkScriptMode(add, options);
  checkStringList(add, 'containerEntryPoint', options.containerEntryPoint);
  checkStringList(add, 'containerArguments', options.containerArguments);
  checkCloudSettings(add, options, local);
  checkSourceCode(add, options);
}

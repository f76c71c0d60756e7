/**
 * The rules of the options beyond the seed's list (script mode, container entry point,
 * instance groups, warm pools, private registries, training plans): one test per rule, each
 * asserting the exact text the user sees (field, value, rule), before anything is uploaded.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatIssue, ValidationError } from '../../src/errors.js';
import { buildTrainingRequest } from '../../src/estimator/request.js';
import { findIssues } from '../../src/estimator/validate.js';

const base = {
  imageUri: '111122223333.dkr.ecr.us-west-2.amazonaws.com/my-algo:latest',
  role: 'arn:aws:iam::111122223333:role/SageMakerRole',
  instanceType: 'ml.m5.xlarge',
  instanceCount: 1,
  outputPath: 's3://my-bucket/output',
  region: 'us-west-2',
};
const groups = [
  { instanceGroupName: 'data', instanceType: 'ml.c5.xlarge', instanceCount: 2 },
  { instanceGroupName: 'gpu', instanceType: 'ml.p3.2xlarge', instanceCount: 1 },
];
const { instanceType: _t, instanceCount: _c, ...baseWithoutType } = base;

function problems(patch: Record<string, unknown>, from: Record<string, unknown> = base): string[] {
  return findIssues({ ...from, ...patch }).map(formatIssue);
}

/** The problems the request builder finds (file checks need the job's folder). */
function buildProblems(patch: Record<string, unknown>, cwd: string): string[] {
  try {
    buildTrainingRequest({ ...base, ...patch } as never, undefined, { cwd, jobName: 'job-1' });
    return [];
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return error.issues.map(formatIssue);
  }
}

describe('the new keys in Python spelling', () => {
  it('suggest their camelCase names', () => {
    expect(problems({ entry_point: 'train.py', keep_alive_period_in_seconds: 60 })).toEqual([
      'entry_point: unknown option; did you mean "entryPoint"?',
      'keep_alive_period_in_seconds: unknown option; did you mean "keepAlivePeriodInSeconds"?',
    ]);
  });
});

describe('instance groups', () => {
  it('accepts groups without instanceType/instanceCount', () => {
    expect(problems({ instanceGroups: groups }, baseWithoutType)).toEqual([]);
  });
  it('still requires instanceType without groups', () => {
    expect(problems({}, baseWithoutType)).toEqual(['instanceType: is required']);
  });
  it('excludes instanceType and instanceCount', () => {
    expect(problems({ instanceGroups: groups })).toEqual([
      'instanceType: cannot be combined with instanceGroups (each group has its own instanceType) (got "ml.m5.xlarge")',
      'instanceCount: cannot be combined with instanceGroups (each group has its own instanceCount) (got 1)',
    ]);
  });
  it('checks names, counts, types and the number of groups', () => {
    expect(problems({ instanceGroups: [groups[0], { ...groups[0], instanceCount: 0 }] }, baseWithoutType)).toEqual([
      'instanceGroups[1].instanceGroupName: must be unique among instanceGroups (got "data")',
      'instanceGroups[1].instanceCount: must be an integer >= 1 (got 0)',
    ]);
    expect(problems({ instanceGroups: [{ ...groups[0], instanceType: 'c5.xlarge' }] }, baseWithoutType)).toEqual([
      'instanceGroups[0].instanceType: must be an ml.* instance type (e.g. ml.c5.xlarge), or local / local_gpu (got "c5.xlarge")',
    ]);
    expect(problems({ instanceGroups: [{ ...groups[0], instanceType: 'local' }, groups[1]] }, baseWithoutType)).toEqual([
      'instanceGroups[1].instanceType: groups must be all local (local / local_gpu) or all ml.* instance types (got "ml.p3.2xlarge")',
    ]);
    expect(problems({ instanceGroups: [] }, baseWithoutType)).toEqual(['instanceGroups: must list 1-5 groups (got 0)']);
  });
  it('channel instanceGroups must name existing groups', () => {
    const inputs = { train: { s3Data: 's3://my-bucket/train', instanceGroups: ['data', 'cpu'] } };
    expect(problems({ instanceGroups: groups, inputs }, baseWithoutType)).toEqual([
      'inputs.train.instanceGroups[1]: must name one of the job\'s instanceGroups (data, gpu) (got "cpu")',
    ]);
    expect(problems({ inputs })).toEqual([
      'inputs.train.instanceGroups: needs the job option instanceGroups (it names groups of a heterogeneous cluster) (got ["data","cpu"])',
    ]);
  });
});

describe('script mode', () => {
  it('sourceDir, dependencies, codeLocation, gitConfig and containerLogLevel need entryPoint', () => {
    expect(problems({ sourceDir: 's3://my-bucket/code/sourcedir.tar.gz' })).toEqual([
      'sourceDir: needs entryPoint (the script to run, relative to sourceDir) — these options belong to script mode (got "s3://my-bucket/code/sourcedir.tar.gz")',
    ]);
    expect(problems({ containerLogLevel: 10 })).toEqual([
      'containerLogLevel: needs entryPoint (the script to run, relative to sourceDir) — these options belong to script mode (got 10)',
    ]);
  });
  it('an s3:// sourceDir must be a tar.gz; other schemes are refused', () => {
    expect(problems({ entryPoint: 'train.py', sourceDir: 's3://my-bucket/code/' })).toEqual([
      'sourceDir: an s3:// sourceDir must be a .tar.gz archive of the code (got "s3://my-bucket/code/")',
    ]);
    expect(problems({ entryPoint: 'train.py', sourceDir: 'https://example.com/code' })).toEqual([
      'sourceDir: must be a local folder or an s3://….tar.gz URI (got "https://example.com/code")',
    ]);
  });
  it('entryPoint is relative to sourceDir and not empty', () => {
    expect(problems({ entryPoint: '/abs/train.py', sourceDir: 'src' })).toEqual([
      'entryPoint: must be a path relative to sourceDir when sourceDir is set (got "/abs/train.py")',
    ]);
    expect(problems({ entryPoint: ' ' })).toEqual(['entryPoint: must not be empty (got " ")']);
  });
  it('codeLocation must be an S3 URI', () => {
    expect(problems({ entryPoint: 'train.py', codeLocation: '/tmp/code' })).toEqual([
      'codeLocation: must be an s3:// URI (s3://bucket/prefix) (got "/tmp/code")',
    ]);
    expect(problems({ entryPoint: 'train.py', codeLocation: 's3://B/x' })[0]).toMatch(/^codeLocation: must be an S3 URI/);
  });
  it('containerLogLevel is a Python logging level', () => {
    expect(problems({ entryPoint: 'train.py', containerLogLevel: 99 })).toEqual(['containerLogLevel: must be an integer between 0 and 50 (got 99)']);
  });
  it('dependencies are local paths', () => {
    expect(problems({ entryPoint: 'train.py', dependencies: ['s3://my-bucket/lib'] })).toEqual([
      'dependencies[0]: must be a local folder or file (got "s3://my-bucket/lib")',
    ]);
  });
  it('gitConfig needs a repo and a commit hash', () => {
    expect(problems({ entryPoint: 'train.py', gitConfig: { repo: 'file:///r', commit: 'main' } })).toEqual([
      'gitConfig.commit: must be a commit hash (4-40 hex digits) (got "main")',
    ]);
    expect(problems({ entryPoint: 'train.py', gitConfig: { branch: 'main' } })).toEqual(['gitConfig.repo: is required']);
  });
  it('refuses auto encoding and script-mode keys among the hyperparameters', () => {
    expect(problems({ entryPoint: 'train.py', hyperparameterEncoding: 'auto' })).toEqual([
      'hyperparameterEncoding: script mode always JSON-encodes hyperparameters (as the SDK does); remove hyperparameterEncoding (got "auto")',
    ]);
    expect(problems({ entryPoint: 'train.py', hyperparameters: { sagemaker_program: 'x.py' } })).toEqual([
      'hyperparameters.sagemaker_program: is set by script mode; remove it (use entryPoint, sourceDir, containerLogLevel) (got "x.py")',
    ]);
  });
  it('local paths must exist (checked by the builder against the job folder)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sagekit-script-rules-'));
    mkdirSync(path.join(dir, 'src'));
    writeFileSync(path.join(dir, 'src', 'train.py'), 'print(1)\n');
    expect(buildProblems({ entryPoint: 'train.py', sourceDir: 'src' }, dir)).toEqual([]);
    expect(buildProblems({ entryPoint: 'train.py', sourceDir: 'nope' }, dir)).toEqual([
      `sourceDir: must be an existing folder (got "${path.join(dir, 'nope')}")`,
    ]);
    expect(buildProblems({ entryPoint: 'main.py', sourceDir: 'src' }, dir)).toEqual([
      `entryPoint: must be an existing file (looked for ${path.join(dir, 'src', 'main.py')}) (got "main.py")`,
    ]);
    expect(buildProblems({ entryPoint: 'src/train.py', dependencies: ['lib'] }, dir)).toEqual([
      `dependencies[0]: must be an existing folder or file (got "${path.join(dir, 'lib')}")`,
    ]);
  });
  it('script mode leaves room for its five keys among the 100 hyperparameters', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sagekit-script-count-'));
    writeFileSync(path.join(dir, 'train.py'), '');
    const hyperparameters = Object.fromEntries(Array.from({ length: 96 }, (_, i) => [`h${i}`, i]));
    expect(buildProblems({ entryPoint: 'train.py', hyperparameters }, dir)).toEqual([
      'hyperparameters: may have at most 95 entries in script mode (the API allows 100, script mode adds 5) (got 101)',
    ]);
  });
  it('cloud script mode needs the region', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sagekit-script-region-'));
    writeFileSync(path.join(dir, 'train.py'), '');
    expect(buildProblems({ entryPoint: 'train.py', region: undefined }, dir)).toEqual([
      'region: is needed in script mode (it is passed to the script as sagemaker_region); set region or pass --region',
    ]);
  });
});

describe('container entry point, warm pools, registries, plans', () => {
  it('containerEntryPoint and containerArguments: 1-100 entries of 1-256 characters', () => {
    expect(problems({ containerEntryPoint: [] })).toEqual(['containerEntryPoint: must list 1-100 strings (got 0)']);
    expect(problems({ containerArguments: ['--x', ''] })).toEqual(['containerArguments[1]: each entry must be 1-256 characters (got "")']);
  });
  it('keepAlivePeriodInSeconds is 0-3600 and not with Spot', () => {
    expect(problems({ keepAlivePeriodInSeconds: 3601 })).toEqual(['keepAlivePeriodInSeconds: must be an integer between 0 and 3600 (got 3601)']);
    expect(problems({ keepAlivePeriodInSeconds: 60, useSpotInstances: true, maxWait: 86400 })).toEqual([
      'keepAlivePeriodInSeconds: warm pools cannot be used with useSpotInstances (got 60)',
    ]);
  });
  it('trainingRepositoryAccessMode is Platform or Vpc; Vpc needs a VPC', () => {
    expect(problems({ trainingRepositoryAccessMode: 'Private' })).toEqual(['trainingRepositoryAccessMode: must be one of "Platform", "Vpc" (got "Private")']);
    expect(problems({ trainingRepositoryAccessMode: 'Vpc' })).toEqual([
      'trainingRepositoryAccessMode: needs subnets and securityGroupIds (the private registry is reached through the job\'s VPC) (got "Vpc")',
    ]);
    expect(problems({ trainingRepositoryAccessMode: 'Vpc', instanceType: 'local' })).toEqual([]);
  });
  it('the credentials provider is a Lambda ARN and needs Vpc mode', () => {
    expect(problems({ trainingRepositoryCredentialsProviderArn: 'arn:aws:iam::111122223333:role/x' })).toEqual([
      'trainingRepositoryCredentialsProviderArn: must be a Lambda function ARN (arn:aws:lambda:<region>:<account>:function:<name>) (got "arn:aws:iam::111122223333:role/x")',
      'trainingRepositoryCredentialsProviderArn: needs trainingRepositoryAccessMode: Vpc (credentials are for a private registry) (got "arn:aws:iam::111122223333:role/x")',
    ]);
  });
  it('trainingPlan is a training plan ARN', () => {
    expect(problems({ trainingPlan: 'my-plan' })).toEqual([
      'trainingPlan: must be a training plan ARN (arn:aws:sagemaker:<region>:<account>:training-plan/<name>) (got "my-plan")',
    ]);
    expect(problems({ trainingPlan: 'arn:aws:sagemaker:us-west-2:111122223333:training-plan/p1' })).toEqual([]);
  });
  it('instancePlacementConfig counts are positive', () => {
    expect(problems({ instancePlacementConfig: { placementSpecifications: [{ instanceCount: 0 }] } })).toEqual([
      'instancePlacementConfig.placementSpecifications[0].instanceCount: must be an integer >= 1 (got 0)',
    ]);
  });
});

describe('request fields without a parity vector', () => {
  it('trainingPlan and instancePlacementConfig go into ResourceConfig', () => {
    const { request } = buildTrainingRequest(
      {
        ...base,
        trainingPlan: 'arn:aws:sagemaker:us-west-2:111122223333:training-plan/p1',
        instancePlacementConfig: { enableMultipleJobs: true, placementSpecifications: [{ ultraServerId: 'us-1', instanceCount: 1 }] },
      },
      undefined,
      { jobName: 'job-1' },
    );
    expect(request.ResourceConfig).toEqual({
      VolumeSizeInGB: 30,
      InstanceCount: 1,
      InstanceType: 'ml.m5.xlarge',
      TrainingPlanArn: 'arn:aws:sagemaker:us-west-2:111122223333:training-plan/p1',
      InstancePlacementConfig: { EnableMultipleJobs: true, PlacementSpecifications: [{ UltraServerId: 'us-1', InstanceCount: 1 }] },
    });
  });
  it('script mode JSON-encodes every hyperparameter, strings with quotes', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sagekit-script-hp-'));
    writeFileSync(path.join(dir, 'train.py'), '');
    const { request, code } = buildTrainingRequest(
      { ...base, entryPoint: 'train.py', hyperparameters: { lr: 0.5, name: 'x', flag: true, layers: [1, 2] } },
      undefined,
      { jobName: 'job-1', cwd: dir },
    );
    expect(request.HyperParameters).toEqual({
      lr: '0.5',
      name: '"x"',
      flag: 'true',
      layers: '[1,2]',
      sagemaker_submit_directory: '"s3://my-bucket/job-1/source/sourcedir.tar.gz"',
      sagemaker_program: '"train.py"',
      sagemaker_container_log_level: '20',
      sagemaker_job_name: '"job-1"',
      sagemaker_region: '"us-west-2"',
    });
    expect(code).toEqual({
      program: 'train.py',
      entryPoint: path.join(dir, 'train.py'),
      dependencies: [],
      uploadUri: 's3://my-bucket/job-1/source/sourcedir.tar.gz',
    });
  });
  it('local script mode points sagemaker_submit_directory at /opt/ml/code', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sagekit-script-local-'));
    writeFileSync(path.join(dir, 'train.py'), '');
    const { request, code, warnings } = buildTrainingRequest(
      { imageUri: 'img', instanceType: 'local', outputPath: dir, entryPoint: 'train.py', codeLocation: 's3://my-bucket/c' },
      undefined,
      { jobName: 'job-1', cwd: dir },
    );
    expect(request.HyperParameters?.sagemaker_submit_directory).toBe('"/opt/ml/code"');
    expect(code?.uploadUri).toBeUndefined();
    expect(warnings).toEqual(['codeLocation is not used by local jobs: the code is mounted at /opt/ml/code']);
  });
  it('a local job with an s3:// sourceDir says the container fetches it', () => {
    const { request, code, warnings } = buildTrainingRequest(
      { imageUri: 'img', instanceType: 'local', outputPath: tmpdir(), entryPoint: 'train.py', sourceDir: 's3://my-bucket/c/sourcedir.tar.gz' },
      undefined,
      { jobName: 'job-1' },
    );
    expect(request.HyperParameters?.sagemaker_submit_directory).toBe('"s3://my-bucket/c/sourcedir.tar.gz"');
    expect(code).toBeUndefined();
    expect(warnings).toEqual([
      "sourceDir s3://my-bucket/c/sourcedir.tar.gz is fetched by the image's training toolkit inside the container; it needs AWS credentials there (local.passAwsCredentials)",
    ]);
  });
});

describe('sourceCode', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sagekit-source-code-'));
  mkdirSync(path.join(dir, 'code'));
  writeFileSync(path.join(dir, 'code', 'train.py'), 'print(1)\n');
  writeFileSync(path.join(dir, 'code', 'requirements.txt'), 'numpy\n');
  const sourceDir = path.join(dir, 'code');

  it('needs exactly one of entryScript and command', () => {
    expect(problems({ sourceCode: { sourceDir } })).toEqual(['sourceCode: needs exactly one of entryScript and command (got [])']);
    expect(problems({ sourceCode: { sourceDir, entryScript: 'train.py', command: 'x' } })).toEqual([
      'sourceCode: needs exactly one of entryScript and command (got ["entryScript","command"])',
    ]);
  });
  it('excludes script mode, containerEntryPoint and a channel named code', () => {
    expect(
      problems({
        sourceCode: { sourceDir, entryScript: 'train.py' },
        entryPoint: 'train.py',
        containerEntryPoint: ['sh'],
        inputs: { code: 's3://my-bucket/c' },
      }),
    ).toEqual([
      'entryPoint: cannot be combined with sourceCode (sourceCode sets the container entry point itself) (got "train.py")',
      'containerEntryPoint: cannot be combined with sourceCode (sourceCode sets the container entry point itself) (got ["sh"])',
      'inputs.code: the channel name code is taken by sourceCode; rename this channel',
    ]);
  });
  it('entryScript and requirements are paths inside sourceDir', () => {
    expect(problems({ sourceCode: { sourceDir, entryScript: '../x.py', requirements: '/abs/req.txt' } })).toEqual([
      'sourceCode.entryScript: must be a path inside sourceCode.sourceDir (relative, without ..) (got "../x.py")',
      'sourceCode.requirements: must be a path inside sourceCode.sourceDir (relative, without ..) (got "/abs/req.txt")',
    ]);
  });
  it('the folder and its files must exist; the entry point must fit the API', () => {
    expect(buildProblems({ sourceCode: { sourceDir: path.join(dir, 'nope'), entryScript: 'train.py' } }, dir)).toEqual([
      `sourceCode.sourceDir: must be an existing folder (got "${path.join(dir, 'nope')}")`,
    ]);
    expect(buildProblems({ sourceCode: { sourceDir, entryScript: 'main.py', requirements: 'requirements.txt' } }, dir)).toEqual([
      `sourceCode.entryScript: must be an existing file in sourceCode.sourceDir (looked for ${path.join(sourceDir, 'main.py')}) (got "main.py")`,
    ]);
    const long = `echo ${'x'.repeat(250)}`;
    const tooLong = buildProblems({ sourceCode: { sourceDir, command: long } }, dir);
    expect(tooLong).toHaveLength(1);
    expect(tooLong[0]).toMatch(
      /^sourceCode\.command: makes a ContainerEntrypoint entry longer than the API's 256 characters; put it in a script \(got "echo x+/,
    );
  });
  it('adds the code channel last and an entry point that runs the script (pip first with requirements)', () => {
    const { request } = buildTrainingRequest(
      { ...base, modelUri: 's3://my-bucket/model.tar.gz', sourceCode: { sourceDir, entryScript: 'train.py', requirements: 'requirements.txt' } },
      undefined,
      { jobName: 'job-1', cwd: dir },
    );
    expect(request.AlgorithmSpecification?.ContainerEntrypoint).toEqual([
      '/bin/sh',
      '-c',
      'cd /opt/ml/input/data/code && python3 -m pip install -r requirements.txt && exec "$0" "$@"',
      'python3',
      'train.py',
    ]);
    expect(request.InputDataConfig?.map((c) => c.ChannelName)).toEqual(['model', 'code']);
    expect(request.InputDataConfig?.at(-1)).toEqual({
      DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: `file://${sourceDir}`, S3DataDistributionType: 'FullyReplicated' } },
      InputMode: 'File',
      ChannelName: 'code',
    });
    const command = buildTrainingRequest(
      { ...base, sourceCode: { sourceDir: 's3://my-bucket/code/', command: 'torchrun --nproc-per-node 2 train.py' } },
      undefined,
      { jobName: 'job-2' },
    ).request;
    expect(command.AlgorithmSpecification?.ContainerEntrypoint).toEqual([
      '/bin/sh',
      '-c',
      'cd /opt/ml/input/data/code && torchrun --nproc-per-node 2 train.py',
    ]);
    expect(command.InputDataConfig?.[0]?.DataSource?.S3DataSource?.S3Uri).toBe('s3://my-bucket/code/');
  });
});

describe('script mode with network isolation (as the SDK: the code as a channel)', () => {
  it('adds the code channel after the model channel and points the toolkit at the archive in it', () => {
    const { request, code } = buildTrainingRequest(
      { ...base, entryPoint: 'train.py', sourceDir: 's3://my-bucket/code/sourcedir.tar.gz', enableNetworkIsolation: true, modelUri: 's3://my-bucket/m.tar.gz' },
      undefined,
      { jobName: 'job-1' },
    );
    expect(code).toBeUndefined();
    expect(request.HyperParameters?.sagemaker_submit_directory).toBe('"/opt/ml/input/data/code/sourcedir.tar.gz"');
    expect(request.InputDataConfig?.map((c) => c.ChannelName)).toEqual(['model', 'code']);
    expect(request.InputDataConfig?.at(-1)).toEqual({
      DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://my-bucket/code/sourcedir.tar.gz', S3DataDistributionType: 'FullyReplicated' } },
      ChannelName: 'code',
    });
  });
  it('a local sourceDir is still uploaded, to the usual key, and given as the channel', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sagekit-isolated-'));
    writeFileSync(path.join(dir, 'train.py'), '');
    const { request, code } = buildTrainingRequest({ ...base, entryPoint: 'train.py', enableNetworkIsolation: true }, undefined, {
      jobName: 'job-2',
      cwd: dir,
    });
    expect(code?.uploadUri).toBe('s3://my-bucket/job-2/source/sourcedir.tar.gz');
    expect(request.InputDataConfig?.[0]?.DataSource?.S3DataSource?.S3Uri).toBe('s3://my-bucket/job-2/source/sourcedir.tar.gz');
  });
  it('the channel name code is then reserved', () => {
    expect(problems({ entryPoint: 'train.py', enableNetworkIsolation: true, inputs: { code: 's3://my-bucket/c' } })).toEqual([
      'inputs.code: the channel name code is taken by the code of a network-isolated script-mode job; rename this channel',
    ]);
  });
});

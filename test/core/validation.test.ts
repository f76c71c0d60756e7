/** One test per API rule, each asserting the exact text the user sees. */
import { describe, expect, it } from 'vitest';
import { formatIssue, ValidationError } from '../../src/errors.js';
import { buildTrainingRequest } from '../../src/estimator/request.js';
import { findIssues, validateOptions } from '../../src/estimator/validate.js';

const base = {
  imageUri: '111122223333.dkr.ecr.us-west-2.amazonaws.com/my-algo:latest',
  role: 'arn:aws:iam::111122223333:role/SageMakerRole',
  instanceType: 'ml.m5.xlarge',
  instanceCount: 1,
  outputPath: 's3://my-bucket/output',
};

/** The formatted problems of a job that differs from `base` by `patch`. */
function problems(patch: Record<string, unknown>): string[] {
  return findIssues({ ...base, ...patch }).map(formatIssue);
}

describe('structure', () => {
  it('accepts the base job', () => {
    expect(problems({})).toEqual([]);
  });
  it('requires imageUri and instanceType', () => {
    expect(findIssues({ role: base.role }).map(formatIssue)).toEqual(['imageUri: is required', 'instanceType: is required']);
  });
  it('names wrong types', () => {
    expect(problems({ instanceCount: 'two' })).toEqual(['instanceCount: must be a number (got "two")']);
    expect(problems({ useSpotInstances: 'yes' })).toEqual(['useSpotInstances: must be true or false (got "yes")']);
  });
  it('rejects non-integers', () => {
    expect(problems({ volumeSize: 1.5 })).toEqual(['volumeSize: must be an integer (got 1.5)']);
  });
  it('suggests the right key for unknown ones (camelCase and Python spellings)', () => {
    expect(problems({ instanceTyp: 'x' })).toEqual(['instanceTyp: unknown option; did you mean "instanceType"?']);
    expect(problems({ max_run: 10 })).toEqual(['max_run: unknown option; did you mean "maxRun"?']);
    expect(problems({ zzzzzz: 1 })).toEqual(['zzzzzz: unknown option']);
    expect(problems({ inputs: { train: { s3Data: 's3://b1b/x', distrbution: 'ShardedByS3Key' } } })).toEqual([
      'inputs.train.distrbution: unknown option; did you mean "distribution"?',
    ]);
  });
  it('names allowed enum values', () => {
    expect(problems({ inputMode: 'Stream' })).toEqual(['inputMode: must be one of "File", "Pipe", "FastFile" (got "Stream")']);
  });
  it('rejects a non-mapping job', () => {
    expect(findIssues(['x']).map(formatIssue)).toEqual(['(job): must be a mapping of options (imageUri, instanceType, …) (got ["x"])']);
  });
});

describe('API rules', () => {
  it('job name pattern and length', () => {
    expect(problems({ jobName: 'bad_name' })).toEqual([
      'jobName: must match ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$ (letters, digits and hyphens; no leading or trailing hyphen) (got "bad_name")',
    ]);
    expect(problems({ jobName: 'a'.repeat(64) })).toEqual([`jobName: must be at most 63 characters (it is 64) (got "${'a'.repeat(64)}")`]);
    expect(problems({ jobName: 'ok-name-1' })).toEqual([]);
  });
  it('instance count and type', () => {
    expect(problems({ instanceCount: 0 })).toEqual(['instanceCount: must be an integer >= 1 (got 0)']);
    expect(problems({ instanceType: 'm5.large' })).toEqual([
      'instanceType: must be an ml.* instance type (e.g. ml.m5.xlarge), or local / local_gpu to run on this machine (got "m5.large")',
    ]);
  });
  it('volume size', () => {
    expect(problems({ volumeSize: 0 })).toEqual(['volumeSize: must be an integer >= 1 (got 0)']);
  });
  it('maxRun range', () => {
    expect(problems({ maxRun: 0 })).toEqual(['maxRun: must be an integer between 1 and 2419200 (got 0)']);
  });
  it('spot needs maxWait >= maxRun; maxWait needs spot', () => {
    expect(problems({ useSpotInstances: true })).toEqual([
      'maxWait: is required with useSpotInstances (seconds to wait for Spot capacity plus training, >= maxRun)',
    ]);
    expect(problems({ useSpotInstances: true, maxRun: 3600, maxWait: 1800 })).toEqual(['maxWait: must be >= maxRun (3600) with useSpotInstances (got 1800)']);
    expect(problems({ maxWait: 7200 })).toEqual(['maxWait: is only valid with useSpotInstances: true (got 7200)']);
    expect(problems({ useSpotInstances: true, maxRun: 3600, maxWait: 7200 })).toEqual([]);
  });
  it('maxRetryAttempts 1..30', () => {
    expect(problems({ maxRetryAttempts: 0 })).toEqual(['maxRetryAttempts: must be an integer between 1 and 30 (got 0)']);
    expect(problems({ maxRetryAttempts: 31 })).toEqual(['maxRetryAttempts: must be an integer between 1 and 30 (got 31)']);
  });
  it('hyperparameters: count, key length, encoded value length', () => {
    const many = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`k${i}`, i]));
    expect(problems({ hyperparameters: many })).toEqual(['hyperparameters: must have at most 100 entries (got 101)']);
    const longKey = 'k'.repeat(257);
    expect(problems({ hyperparameters: { [longKey]: 1 } })[0]).toMatch(/^hyperparameters\.k+: keys must be 1-256 characters/);
    expect(() => buildTrainingRequest({ ...base, hyperparameters: { big: 'x'.repeat(2501) } })).toThrow(
      'hyperparameters.big: encoded values must be at most 2500 characters (this one has 2501)',
    );
  });
  it('tags: count, aws: prefix, lengths', () => {
    const tags = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`t${i}`, 'v']));
    expect(problems({ tags })).toEqual(['tags: must have at most 50 tags (got 51)']);
    expect(problems({ tags: { 'aws:owner': 'me' } })).toEqual(['tags.aws:owner: tag keys must not start with "aws:" (reserved by AWS) (got "aws:owner")']);
    expect(problems({ tags: [{ key: 'k', value: 'v'.repeat(257) }] })[0]).toMatch(/^tags\[0\]: tag values must be at most 256 characters/);
  });
  it('metric definitions: count and regex validity', () => {
    const defs = Array.from({ length: 41 }, (_, i) => ({ name: `m${i}`, regex: 'x=(\\d+)' }));
    expect(problems({ metricDefinitions: defs })).toEqual(['metricDefinitions: must have at most 40 entries (got 41)']);
    expect(problems({ metricDefinitions: [{ name: 'loss', regex: 'loss=([0-9' }] })).toEqual([
      'metricDefinitions[0].regex: is not a valid regular expression (Invalid regular expression: /loss=([0-9/: Unterminated character class) (got "loss=([0-9")',
    ]);
    expect(problems({ metricDefinitions: [{ name: 'loss', regex: '(?P<v>[0-9.]+)' }] })).toEqual([]);
  });
  it('environment limits', () => {
    expect(problems({ environment: { '1BAD': 'x' } })).toEqual(['environment.1BAD: environment variable names must match [a-zA-Z_][a-zA-Z0-9_]* (got "1BAD")']);
    expect(problems({ environment: { OK: 'v'.repeat(513) } })[0]).toMatch(/^environment\.OK: values must be at most 512 characters/);
  });
  it('channel names: pattern and uniqueness with the model channel', () => {
    expect(problems({ inputs: { 'bad name': 's3://my-bucket/x' } })).toEqual([
      "inputs.bad name: channel names must be 1-64 characters of letters, digits, '.', '-' and '_' (got \"bad name\")",
    ]);
    expect(problems({ inputs: { model: 's3://my-bucket/x' }, modelUri: 's3://my-bucket/m.tar.gz' })).toEqual([
      'modelChannelName: must differ from every input channel name (modelUri becomes its own channel) (got "model")',
    ]);
  });
  it('S3 URI shape', () => {
    expect(problems({ inputs: 's3://B/x' })).toEqual([
      'inputs: must be an S3 URI s3://<bucket>/<key>, with a valid bucket name (3-63 lowercase letters, digits, dots, hyphens) (got "s3://B/x")',
    ]);
    expect(problems({ inputs: 'gs://bucket/x' })).toEqual(['inputs: must be an s3:// URI, a file:// URI or a local path (got "gs://bucket/x")']);
  });
  it('cloud jobs need S3 outputs and a role', () => {
    expect(problems({ outputPath: '/tmp/out' })).toEqual([
      'outputPath: must be an s3:// URI for cloud jobs (local paths are only for instanceType local) (got "/tmp/out")',
    ]);
    const { role: _role, ...noRole } = base;
    expect(findIssues(noRole).map(formatIssue)).toEqual(['role: is required for cloud jobs (an IAM role name or ARN that SageMaker can assume)']);
    expect(findIssues({ ...noRole, instanceType: 'local', outputPath: '/tmp/out' })).toEqual([]);
  });
  it('KMS, subnet and security group id shapes; VPC needs both', () => {
    expect(problems({ outputKmsKey: 'my key' })).toEqual(['outputKmsKey: must be a KMS key id, key ARN, alias/<name> or alias ARN (got "my key")']);
    expect(problems({ subnets: ['net-1'], securityGroupIds: ['sg-1'] })).toEqual(['subnets[0]: must look like subnet-0123abcd (got "net-1")']);
    expect(problems({ subnets: ['subnet-1'] })).toEqual(['securityGroupIds: subnets and securityGroupIds must be given together (a VPC config needs both)']);
  });
  it('FileSystemInput needs a VPC and valid ids', () => {
    expect(problems({ inputs: { train: { fileSystemId: 'fs-12', fileSystemType: 'EFS', directoryPath: 'data' } } })).toEqual([
      'inputs.train.fileSystemId: must look like fs-0123456789abcdef0 (got "fs-12")',
      'inputs.train.directoryPath: must be an absolute path inside the file system (got "data")',
      "inputs.train: a FileSystemInput needs subnets and securityGroupIds (the job must run in the file system's VPC)",
    ]);
  });
  it('attributeNames only with augmented manifests', () => {
    expect(problems({ inputs: { train: { s3Data: 's3://my-bucket/m', attributeNames: ['a'] } } })).toEqual([
      'inputs.train.attributeNames: is only valid with s3DataType AugmentedManifestFile (got ["a"])',
    ]);
  });
  it('checkpointLocalPath without checkpointS3Uri is rejected', () => {
    expect(problems({ checkpointLocalPath: '/opt/ml/checkpoints' })).toEqual([
      'checkpointLocalPath: needs checkpointS3Uri (checkpoints are synced from this path to that URI) (got "/opt/ml/checkpoints")',
    ]);
  });
  it('reports every problem together, with the file name', () => {
    try {
      validateOptions({ ...base, instanceCount: 0, maxRetryAttempts: 99, foo: 1 }, 'job.yaml');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).exitCode).toBe(2);
      expect((error as Error).message).toBe(
        'invalid job in job.yaml: 3 problems\n' +
          '  - foo: unknown option\n' +
          '  - instanceCount: must be an integer >= 1 (got 0)\n' +
          '  - maxRetryAttempts: must be an integer between 1 and 30 (got 99)',
      );
    }
  });
  it('a dry run without outputPath needs a default bucket', () => {
    const { outputPath: _o, ...noOutput } = base;
    expect(() => buildTrainingRequest(noOutput)).toThrow(/outputPath: is not set and the default bucket/);
    expect(buildTrainingRequest(noOutput, undefined, { defaultBucket: 'bkt-1' }).request.OutputDataConfig?.S3OutputPath).toBe('s3://bkt-1/');
  });
  it('debugger settings in regions without Debugger are rejected', () => {
    expect(() => buildTrainingRequest({ ...base, region: 'eu-central-2', debuggerHookConfig: {} })).toThrow(
      'debuggerHookConfig: SageMaker Debugger is not available in eu-central-2; remove it or set it to false',
    );
  });
});

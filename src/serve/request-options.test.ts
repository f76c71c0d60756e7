import { describe, expect, it } from 'vitest';
import { requestPath, validateCreateRequest } from './request-options.js';

const valid = () => ({
  TrainingJobName: 'my-job',
  AlgorithmSpecification: { TrainingImage: 'my-image:1', TrainingInputMode: 'File' },
  RoleArn: 'arn:aws:iam::000000000000:role/SageMakerRole',
  InputDataConfig: [{ ChannelName: 'train', DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://bucket/train' } } }],
  OutputDataConfig: { S3OutputPath: 's3://bucket/output' },
  ResourceConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: 2, VolumeSizeInGB: 30 },
  StoppingCondition: { MaxRuntimeInSeconds: 3600 },
  HyperParameters: { epochs: '3' },
});

const messageOf = (request: unknown): string => {
  try {
    validateCreateRequest(request);
  } catch (error) {
    expect(error).toMatchObject({ code: 'ValidationException', status: 400 });
    return (error as Error).message;
  }
  throw new Error('expected a ValidationException');
};

describe('validateCreateRequest', () => {
  it('accepts a valid request unchanged', () => {
    const request = valid();
    expect(validateCreateRequest(request)).toBe(request);
  });

  it("reports the estimator's rules under the request's field names, every problem at once", () => {
    const request = { ...valid(), TrainingJobName: '-bad-', ResourceConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: 0 } };
    request.InputDataConfig[0]!.DataSource.S3DataSource.S3DataType = 'Folder';
    const message = messageOf(request);
    expect(message).toMatch(/^3 validation errors detected: /);
    expect(message).toContain("Value '-bad-' at 'TrainingJobName' failed to satisfy constraint: must match");
    expect(message).toContain("Value '0' at 'ResourceConfig.InstanceCount' failed to satisfy constraint: must be an integer >= 1");
    expect(message).toContain("Value 'Folder' at 'InputDataConfig[0].DataSource.S3DataSource.S3DataType'");
  });

  it('holds the wire rules estimator options cannot break', () => {
    const { OutputDataConfig: _output, ...noOutput } = valid();
    expect(messageOf(noOutput)).toContain("Member at 'OutputDataConfig.S3OutputPath' failed to satisfy constraint: Member must not be null");
    expect(messageOf({ ...valid(), HyperParameters: { epochs: 3 } })).toContain(
      "Value '3' at 'HyperParameters.epochs' failed to satisfy constraint: values must be strings",
    );
    expect(messageOf({ ...valid(), ResourceConfig: { InstanceType: 'local', InstanceCount: 1 } })).toContain("at 'ResourceConfig.InstanceType'");
    const fileInput = valid();
    fileInput.InputDataConfig[0]!.DataSource.S3DataSource.S3Uri = '/home/me/data';
    expect(messageOf(fileInput)).toContain('Member must be an s3:// URI');
    expect(messageOf([])).toContain('must be a JSON object');
    const entrypoint = { ...valid(), AlgorithmSpecification: { ...valid().AlgorithmSpecification, ContainerEntrypoint: ['python', 'x.py'] } };
    expect(messageOf(entrypoint)).toContain("at 'AlgorithmSpecification.ContainerEntrypoint' failed to satisfy constraint: is not supported by sagekit serve");
  });

  it('maps option paths to request paths', () => {
    const channels = new Map([['train', 0]]);
    expect(requestPath('inputs.train.s3Data', channels)).toBe('InputDataConfig[0].DataSource.S3DataSource.S3Uri');
    expect(requestPath('metricDefinitions[1].regex', channels)).toBe('AlgorithmSpecification.MetricDefinitions[1].Regex');
    expect(requestPath('maxRun', channels)).toBe('StoppingCondition.MaxRuntimeInSeconds');
    expect(requestPath('environment.MY_VAR', channels)).toBe('Environment.MY_VAR');
  });
});

describe('container paths in requests', () => {
  it("refuses a CheckpointConfig.LocalPath that would reach the engine's bind syntax, naming the field", () => {
    const request = { ...valid(), CheckpointConfig: { S3Uri: 's3://bucket/ck', LocalPath: '/x:/etc:rw' } };
    expect(() => validateCreateRequest(request)).toThrow(
      /Value '\/x:\/etc:rw' at 'CheckpointConfig.LocalPath' failed to satisfy constraint: must not contain ':'/,
    );
  });
});

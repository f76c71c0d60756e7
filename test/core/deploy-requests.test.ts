/**
 * Deploy parity: every vector in <parity>/deploy/ — the job file `config` plus its `deploy:`
 * section — must build exactly the CreateModel, CreateEndpointConfig and CreateEndpoint
 * requests the Python SDK's Estimator.deploy() sent. Also the deploy section's validation.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { loadJobFile } from '../../src/config/job-file.js';
import { findDeployIssues, validateDeployOptions } from '../../src/deploy/options.js';
import { baseFromName, deployRequests } from '../../src/deploy/requests.js';
import { modelSourceFromDescribe, modelSourceFromOptions } from '../../src/deploy/source.js';
import { ValidationError } from '../../src/errors.js';
import { findIssues, validateOptions } from '../../src/estimator/validate.js';
import { PARITY_DIR } from '../helpers/parity.js';

interface DeployVector {
  name: string;
  config: Record<string, unknown>;
  deployConfig: Record<string, unknown>;
  requests: { create_model: unknown[]; create_endpoint_config: unknown[]; create_endpoint: unknown[] };
  fixedTimeEpochSeconds: number;
}

const DEPLOY_DIR = path.join(PARITY_DIR, 'deploy');
const vectors: DeployVector[] = readdirSync(DEPLOY_DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(path.join(DEPLOY_DIR, f), 'utf8')) as DeployVector);

describe('deploy parity with the SageMaker Python SDK', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sagekit-deploy-parity-'));

  it('has the vectors', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(3);
  });

  for (const vector of vectors) {
    for (const format of ['yaml', 'json'] as const) {
      it(`${vector.name} (${format} job file with a deploy: section)`, async () => {
        const file = path.join(dir, `${vector.name}.${format}`);
        const job = { ...vector.config, deploy: vector.deployConfig };
        writeFileSync(file, format === 'yaml' ? YAML.stringify(job) : JSON.stringify(job));
        const loaded = await loadJobFile(file);
        const options = validateOptions(loaded.options, file);
        const deploy = validateDeployOptions(options.deploy);
        const now = new Date(Math.round(vector.fixedTimeEpochSeconds * 1000));
        const requests = deployRequests(modelSourceFromOptions(options, { cwd: dir }), deploy, { now });
        expect(JSON.parse(JSON.stringify(requests))).toEqual({
          CreateModel: vector.requests.create_model[0],
          CreateEndpointConfig: vector.requests.create_endpoint_config[0],
          CreateEndpoint: vector.requests.create_endpoint[0],
        });
      });
    }
  }

  it('an attached job (describe document) deploys under its own name base, with its VPC and isolation', () => {
    const source = modelSourceFromDescribe({
      TrainingJobName: 'my-algo-2026-01-01-00-00-00-123',
      AlgorithmSpecification: { TrainingImage: 'x.dkr.ecr.us-west-2.amazonaws.com/my-algo:latest', TrainingInputMode: 'File' },
      ModelArtifacts: { S3ModelArtifacts: 's3://b/out/my-algo-2026-01-01-00-00-00-123/output/model.tar.gz' },
      RoleArn: 'arn:aws:iam::111122223333:role/R',
      VpcConfig: { Subnets: ['subnet-1'], SecurityGroupIds: ['sg-1'] },
      EnableNetworkIsolation: true,
    } as never);
    const requests = deployRequests(source, { instanceType: 'ml.m5.large' }, { now: new Date(Date.UTC(2026, 1, 2, 3, 4, 5, 6)) });
    expect(requests.CreateModel).toEqual({
      ModelName: 'my-algo-2026-02-02-03-04-05-006',
      ExecutionRoleArn: 'arn:aws:iam::111122223333:role/R',
      PrimaryContainer: {
        Image: 'x.dkr.ecr.us-west-2.amazonaws.com/my-algo:latest',
        Environment: {},
        ModelDataUrl: 's3://b/out/my-algo-2026-01-01-00-00-00-123/output/model.tar.gz',
      },
      VpcConfig: { Subnets: ['subnet-1'], SecurityGroupIds: ['sg-1'] },
      EnableNetworkIsolation: true,
    });
    expect(baseFromName('custom-name')).toBe('custom-name');
  });

  it('a job without model artifacts cannot be deployed', () => {
    expect(() => modelSourceFromDescribe({ TrainingJobName: 'j', TrainingJobStatus: 'Failed' } as never)).toThrow(/has no model to deploy \(status Failed\)/);
  });
});

describe('deploy options validation', () => {
  it('names field, value and rule for every problem at once', () => {
    const issues = findDeployIssues(
      { initialInstanceCount: 0, instanceType: 'm5.large', endpointName: 'bad_name', containerStartupHealthCheckTimeout: 5, environment: { '1X': 'v' } },
      'deploy',
    );
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: 'deploy.initialInstanceCount', value: 0, rule: expect.stringContaining('integer between 1') },
        { path: 'deploy.instanceType', value: 'm5.large', rule: expect.stringContaining('ml.* instance type') },
        { path: 'deploy.endpointName', value: 'bad_name', rule: expect.stringContaining('letters, digits and hyphens') },
        { path: 'deploy.containerStartupHealthCheckTimeout', value: 5, rule: 'must be an integer between 60 and 3600' },
        { path: 'deploy.environment.1X', value: '1X', rule: expect.stringContaining('[a-zA-Z_]') },
      ]),
    );
    expect(issues).toHaveLength(5);
  });

  it('a local endpoint may use a short health-check timeout', () => {
    expect(findDeployIssues({ instanceType: 'local', containerStartupHealthCheckTimeout: 5 })).toEqual([]);
  });

  it('invocation limits: local endpoints only, each with its range, in a job file too', () => {
    expect(findDeployIssues({ instanceType: 'local', invocationTimeout: 5, maxPayload: 0.5 })).toEqual([]);
    expect(findDeployIssues({ instanceType: 'local', invocationTimeout: 0, maxPayload: 2000 }, 'deploy')).toEqual([
      { path: 'deploy.invocationTimeout', value: 0, rule: 'must be an integer between 1 and 3600' },
      { path: 'deploy.maxPayload', value: 2000, rule: 'must be a number of MB above 0, at most 1024' },
    ]);
    expect(findDeployIssues({ instanceType: 'ml.m5.large', invocationTimeout: 120 })).toEqual([
      { path: 'invocationTimeout', value: 120, rule: expect.stringContaining('applies to local endpoints only') },
    ]);
    const fromFile = findIssues({ imageUri: 'a:b', instanceType: 'local', deploy: { instanceType: 'local', maxPayload: 'six' } });
    expect(fromFile.map((i) => i.path)).toEqual(['deploy.maxPayload']);
  });

  it('unknown keys and wrong types in a job file deploy: section are job-file errors with hints', () => {
    const issues = findIssues({ imageUri: 'a:b', instanceType: 'local', deploy: { instanceTyp: 'local', initialInstanceCount: 'two' } });
    expect(issues.map((i) => i.path).sort()).toEqual(['deploy.initialInstanceCount', 'deploy.instanceTyp']);
    expect(issues.find((i) => i.path === 'deploy.instanceTyp')?.rule).toContain('instanceType');
  });

  it('an instance type is required to deploy', () => {
    expect(() => validateDeployOptions({ initialInstanceCount: 1 })).toThrow(ValidationError);
    expect(() => validateDeployOptions({ initialInstanceCount: 1 })).toThrow(/instanceType: is required/);
  });
});

/**
 * `sagekit deploy|invoke|endpoints` against scripted SageMaker (test/helpers/aws-endpoint-cli-mock.ts
 * preloaded into the real CLI subprocess): the requests sent, the --json documents, exit codes.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { endpointCliNodeArgs, type EndpointScenario } from '../helpers/aws-endpoint-cli-mock.js';
import { readCalls } from '../helpers/aws-cli-mock.js';
import { runCli } from '../helpers/cli.js';

const ACCOUNT = '111122223333';
const IMAGE = `${ACCOUNT}.dkr.ecr.us-west-2.amazonaws.com/my-algo:latest`;

function scenario(name: string, extra: Partial<EndpointScenario> = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), `sagekit-cloud-ep-${name}-`));
  const file = path.join(dir, 'scenario.json');
  const calls = path.join(dir, 'calls.jsonl');
  writeFileSync(calls, '');
  writeFileSync(file, JSON.stringify({ account: ACCOUNT, jobName: 'my-algo-2026-01-01-00-00-00-123', image: IMAGE, status: 'InService', calls, ...extra }));
  const env = {
    SAGEKIT_TEST_ENDPOINT_SCENARIO: file,
    SAGEKIT_STATE_DIR: path.join(dir, 'state'),
    AWS_REGION: 'us-west-2',
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'example',
    AWS_CONFIG_FILE: path.join(dir, 'none'),
  };
  const cli = (args: string[]) => runCli(args, { env, cwd: dir, nodeArgs: endpointCliNodeArgs });
  return { cli, calls: () => readCalls(calls) };
}

describe('sagekit deploy on SageMaker (scripted)', () => {
  it('deploys an attached job, invokes, lists and deletes', async () => {
    const { cli, calls } = scenario('ok');
    const deployed = await cli([
      'deploy',
      'my-algo-2026-01-01-00-00-00-123',
      '--instance-type',
      'ml.m5.large',
      '--endpoint-name',
      'cloud-ep',
      '--env',
      'A=1',
      '--json',
    ]);
    expect(deployed.stderr).toContain('endpoint cloud-ep InService');
    expect(deployed.code).toBe(0);
    expect(JSON.parse(deployed.stdout)).toMatchObject({ EndpointName: 'cloud-ep', EndpointStatus: 'InService' });
    const sent = calls();
    expect(sent.map((c) => c.command)).toEqual(['CreateModel', 'CreateEndpointConfig', 'CreateEndpoint']);
    // An attached job's generated names use its name without the timestamp, like the SDK's attach().
    expect(sent[0]!.input).toEqual({
      ModelName: expect.stringMatching(/^my-algo-\d{4}(-\d{2}){5}-\d{3}$/),
      ExecutionRoleArn: `arn:aws:iam::${ACCOUNT}:role/SageMakerRole`,
      PrimaryContainer: { Image: IMAGE, Environment: { A: '1' }, ModelDataUrl: 's3://my-bucket/output/my-algo-2026-01-01-00-00-00-123/output/model.tar.gz' },
    });
    expect(sent[2]!.input).toEqual({ EndpointName: 'cloud-ep', EndpointConfigName: 'cloud-ep', Tags: [] });

    const invoked = await cli(['invoke', 'cloud-ep', '--content-type', 'text/csv', '--accept', 'text/csv', '--body', '2']);
    expect(invoked.code).toBe(0);
    expect(invoked.stdout).toBe('text/csv text/csv 2\n');

    const listed = await cli(['endpoints', 'list', '--backend', 'aws', '--json']);
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ EndpointName: 'cloud-ep', Backend: 'aws', EndpointStatus: 'InService' })]);

    const deleted = await cli(['endpoints', 'delete', 'cloud-ep']);
    expect(deleted.code).toBe(0);
    const deletes = calls().filter((c) => c.command.startsWith('Delete'));
    expect(deletes).toEqual([
      { command: 'DeleteEndpoint', input: { EndpointName: 'cloud-ep' } },
      { command: 'DeleteEndpointConfig', input: { EndpointConfigName: 'cloud-ep' } },
      { command: 'DeleteModel', input: { ModelName: sent[0]!.input.ModelName } },
    ]);
  }, 120_000);

  it("deploy --config deploys the file's job with its deploy: section (names from the estimator, as estimator.deploy())", async () => {
    const { cli, calls } = scenario('config');
    const dir = mkdtempSync(path.join(tmpdir(), 'sagekit-cloud-ep-file-'));
    const file = path.join(dir, 'job.yaml');
    writeFileSync(
      file,
      [
        `imageUri: ${IMAGE}`,
        `role: arn:aws:iam::${ACCOUNT}:role/SageMakerRole`,
        'instanceType: ml.m5.xlarge',
        'baseJobName: churn',
        'jobName: my-algo-2026-01-01-00-00-00-123',
        'outputPath: s3://my-bucket/output',
        'subnets: [subnet-1]',
        'securityGroupIds: [sg-1]',
        'deploy:',
        '  instanceType: ml.c5.xlarge',
        '  initialInstanceCount: 2',
        '  tags: {team: ml}',
      ].join('\n'),
    );
    const deployed = await cli(['deploy', '--config', file]);
    expect(deployed.code).toBe(0);
    expect(deployed.stdout).toMatch(/^churn-\d{4}(-\d{2}){5}-\d{3}\n$/);
    const [model, config] = calls();
    expect(model!.input).toMatchObject({
      ModelName: deployed.stdout.trim(),
      VpcConfig: { Subnets: ['subnet-1'], SecurityGroupIds: ['sg-1'] },
      Tags: [{ Key: 'team', Value: 'ml' }],
    });
    expect(config!.input.ProductionVariants[0]).toMatchObject({ InitialInstanceCount: 2, InstanceType: 'ml.c5.xlarge' });
  }, 120_000);

  it('a Failed endpoint exits 1 with its FailureReason; an unknown endpoint exits 2', async () => {
    const { cli } = scenario('failed', {
      status: 'Failed',
      failureReason: 'The primary container for production variant AllTraffic did not pass the ping health check.',
    });
    const [failed, unknown] = await Promise.all([
      cli(['deploy', 'my-algo-2026-01-01-00-00-00-123', '--instance-type', 'ml.m5.large', '--endpoint-name', 'bad-ep']),
      cli(['endpoints', 'describe', 'no-such-endpoint']),
    ]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('endpoint bad-ep failed: The primary container for production variant AllTraffic did not pass the ping health check.');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no local endpoint named no-such-endpoint, nor on SageMaker');
  }, 120_000);
});

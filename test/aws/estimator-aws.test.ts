/**
 * `new Estimator({... instanceType: 'ml.*'}).fit()` end to end: role name expanded, default
 * bucket created, local inputs uploaded (real S3 via sagekit's S3 store), CreateTrainingJob sent with the
 * rewritten request, then waited on — with SageMaker, STS, IAM and Logs mocked.
 */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { CreateTrainingJobCommand, DescribeTrainingJobCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { CloudWatchLogsClient, DescribeLogStreamsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { Estimator } from '../../src/estimator/estimator.js';
import { Session } from '../../src/aws/session.js';
import { ValidationError } from '../../src/errors.js';
import { startS3, type TestS3 } from '../local-data/s3-server.js';

const ACCOUNT = '111122223333';
const BUCKET = `sagemaker-us-west-2-${ACCOUNT}`;

describe('Estimator on SageMaker', () => {
  let s3: TestS3;
  beforeAll(async () => {
    s3 = await startS3([]);
  });
  afterAll(async () => s3.close());

  function session() {
    const sagemaker = new SageMakerClient({ region: 'us-west-2' });
    const sts = new STSClient({ region: 'us-west-2' });
    const iam = new IAMClient({ region: 'us-west-2' });
    const logs = new CloudWatchLogsClient({ region: 'us-west-2' });
    const sm = mockClient(sagemaker);
    sm.on(CreateTrainingJobCommand).resolves({ TrainingJobArn: 'arn:aws:sagemaker:us-west-2:111122223333:training-job/x' });
    sm.on(DescribeTrainingJobCommand).resolves({
      TrainingJobStatus: 'Completed',
      SecondaryStatus: 'Completed',
      ModelArtifacts: { S3ModelArtifacts: `s3://${BUCKET}/m.tar.gz` },
    });
    mockClient(sts).on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT });
    mockClient(iam)
      .on(GetRoleCommand, { RoleName: 'SageMakerRole' })
      .resolves({
        Role: { Arn: `arn:aws:iam::${ACCOUNT}:role/service/SageMakerRole`, RoleName: 'SageMakerRole', Path: '/service/', RoleId: 'r', CreateDate: new Date() },
      });
    mockClient(logs).on(DescribeLogStreamsCommand).resolves({ logStreams: [] });
    return { session: new Session({ region: 'us-west-2', clients: { sagemaker, sts, iam, logs, s3: s3.client } }), sm };
  }

  it('uploads local data to the default bucket and creates the job with S3 URIs', async () => {
    const data = mkdtempSync(path.join(tmpdir(), 'sagekit-est-'));
    mkdirSync(path.join(data, 'part'));
    writeFileSync(path.join(data, 'part', 'rows.csv'), '1,2\n');
    const { session: s, sm } = session();
    const estimator = new Estimator({
      imageUri: `${ACCOUNT}.dkr.ecr.us-west-2.amazonaws.com/my-algo:latest`,
      role: 'SageMakerRole',
      instanceType: 'ml.m5.xlarge',
      hyperparameters: { epochs: 3 },
      session: s,
    });
    const job = await estimator.fit({ train: data }, { jobName: 'est-job-1', wait: false });
    expect(job.name).toBe('est-job-1');
    expect(job.backend).toBe('aws');
    const sent = sm.commandCalls(CreateTrainingJobCommand)[0]!.args[0].input;
    expect(sent.RoleArn).toBe(`arn:aws:iam::${ACCOUNT}:role/service/SageMakerRole`);
    expect(sent.OutputDataConfig?.S3OutputPath).toBe(`s3://${BUCKET}/`);
    expect(sent.InputDataConfig?.[0]?.DataSource?.S3DataSource?.S3Uri).toBe(`s3://${BUCKET}/est-job-1/input/train/`);
    expect(sent.DebugHookConfig).toEqual({ S3OutputPath: `s3://${BUCKET}/`, CollectionConfigurations: [] });
    const object = await s3.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'est-job-1/input/train/part/rows.csv' }));
    expect(await object.Body!.transformToString()).toBe('1,2\n');
    expect(await job.modelArtifacts()).toBe(`s3://${BUCKET}/m.tar.gz`);
  });

  it('a bad job fails before any bucket, upload or API call', async () => {
    const { session: s, sm } = session();
    expect(() => new Estimator({ imageUri: 'img', instanceType: 'ml.m5.xlarge', role: 'R', maxRetryAttempts: 0, session: s })).toThrow(ValidationError);
    const estimator = new Estimator({ imageUri: 'img', instanceType: 'ml.m5.xlarge', role: 'R', session: s });
    await expect(estimator.fit({ 'bad channel': 's3://bucket1/x' })).rejects.toBeInstanceOf(ValidationError);
    expect(sm.commandCalls(CreateTrainingJobCommand)).toHaveLength(0);
  });
});

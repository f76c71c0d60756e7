/**
 * serve killed with SIGKILL while a job trains, then started again: its start removes the job's
 * container (no process owns it any more) and the job's record says Failed with a reason. And
 * ARNs as AWS builds them: the region of the client's signature (the AWS CLI signing for
 * us-west-2) and one account id per serve, the same after the restart.
 */
import path from 'node:path';
import { CreateTrainingJobCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectEngine } from '../../src/local/engine/connect.js';
import { awsJson, clientEnv, eventually, probeJob, removeDir, startServeProcess, tempDir, type ServeProcess } from './helpers.js';

let dir: string;
const servers: ServeProcess[] = [];

beforeAll(async () => {
  dir = await tempDir('sagekit-serve-killed-');
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop('SIGKILL')));
  await removeDir(dir);
});

async function serveOn(stateDir: string): Promise<ServeProcess> {
  const serve = await startServeProcess(stateDir);
  servers.push(serve);
  return serve;
}

// Generous bounds: hang detection on a loaded machine, not a timing assertion.
describe('sagekit serve after a kill -9', { timeout: 240_000 }, () => {
  it("removes a killed serve's job containers at its next start; ARNs carry the signer's region and serve's account", async () => {
    const stateDir = path.join(dir, 'state');
    const env = await clientEnv(dir);
    const first = await serveOn(stateDir);
    const client = new SageMakerClient({
      endpoint: first.url,
      region: 'eu-central-1',
      credentials: { accessKeyId: 'AKIDKILL', secretAccessKey: 'x' },
      maxAttempts: 1,
    });
    const { InputDataConfig: _inputs, ...request } = probeJob('killed-serve-job', { mode: 'sleep' });
    const created = await client.send(new CreateTrainingJobCommand(request as never));
    const account = /^arn:aws:sagemaker:eu-central-1:(\d{12}):training-job\/killed-serve-job$/.exec(created.TrainingJobArn ?? '')?.[1];
    expect(account, created.TrainingJobArn).toBeDefined();

    const engine = await connectEngine();
    const containers = () => engine.containers.list(['sagekit.job=killed-serve-job']);
    await eventually(async () => ((await containers()).length > 0 ? true : undefined), 'the job container');
    expect(await first.stop('SIGKILL')).toBe(null);
    expect((await containers()).length).toBe(1);

    const second = await serveOn(stateDir);
    // The container is gone once the new serve listens: its start cleaned up.
    expect(await containers()).toEqual([]);
    const env2 = { ...env, AWS_DEFAULT_REGION: 'us-west-2' };
    const doc = await awsJson<{ TrainingJobStatus: string; FailureReason: string; TrainingJobArn: string }>(
      second.url,
      ['sagemaker', 'describe-training-job', '--training-job-name', 'killed-serve-job'],
      env2,
    );
    expect(doc.TrainingJobStatus).toBe('Failed');
    expect(doc.FailureReason).toMatch(/ended before the job did/);
    const listed = await awsJson<{ TrainingJobSummaries: Array<{ TrainingJobArn: string }> }>(second.url, ['sagemaker', 'list-training-jobs'], env2);
    // Recorded ARNs keep the region they were created in; the account is the same serve's.
    expect(listed.TrainingJobSummaries.map((s) => s.TrainingJobArn)).toEqual([`arn:aws:sagemaker:eu-central-1:${account}:training-job/killed-serve-job`]);
    const identity = await awsJson<{ Account: string }>(second.url, ['sts', 'get-caller-identity'], env2);
    expect(identity.Account).toBe(account);
    const groups = await awsJson<{ logGroups: Array<{ arn: string }> }>(second.url, ['logs', 'describe-log-groups'], env2);
    expect(groups.logGroups[0]?.arn).toBe(`arn:aws:logs:us-west-2:${account}:log-group:/aws/sagemaker/TrainingJobs:*`);
  });
});

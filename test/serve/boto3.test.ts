/**
 * `sagekit serve` driven by Debian's boto3: the SageMaker client, its
 * `training_job_completed_or_stopped` waiter, error codes as botocore maps them (`ClientError`
 * with the AWS code and status), and the S3 client on the same endpoint.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientEnv, probeJob, python, removeDir, startServeProcess, tempDir, type ServeProcess } from './helpers.js';

let serve: ServeProcess;
let dir: string;
let env: NodeJS.ProcessEnv;

/** Runs a script with `sm`, `s3` and `logs` clients on serve; the script prints one JSON document. */
async function withBoto3(body: string, args: string[] = []): Promise<Record<string, unknown>> {
  const script = `
import json, sys, boto3, botocore
session = boto3.session.Session(region_name="us-east-1")
url = sys.argv[1]
sm = session.client("sagemaker", endpoint_url=url)
s3 = session.client("s3", endpoint_url=url)
logs = session.client("logs", endpoint_url=url)
def error_of(call, **kwargs):
    try:
        call(**kwargs)
    except botocore.exceptions.ClientError as e:
        return {"code": e.response["Error"]["Code"], "message": e.response["Error"]["Message"],
                "status": e.response["ResponseMetadata"]["HTTPStatusCode"],
                "errorType": e.response["ResponseMetadata"]["HTTPHeaders"].get("x-amzn-errortype")}
    return None
${body}
`;
  const result = await python(script, [serve.url, ...args], env);
  if (result.code !== 0) throw new Error(`python exited ${result.code}:\n${result.stderr}`);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

beforeAll(async () => {
  dir = await tempDir('sagekit-serve-boto3-');
  env = await clientEnv(dir);
  serve = await startServeProcess(path.join(dir, 'state'), ['--account-id', '111122223333']);
  await withBoto3(`
s3.create_bucket(Bucket="bucket")
s3.put_object(Bucket="bucket", Key="input/train/train.csv", Body=b"1,2,3\\n")
print("{}")`);
});

afterAll(async () => {
  await serve?.stop();
  await removeDir(dir);
});

// Generous bounds: hang detection on a loaded machine, not a timing assertion.
describe('sagekit serve with boto3', { timeout: 240_000 }, () => {
  it('runs a job that the training_job_completed_or_stopped waiter sees complete', async () => {
    const result = await withBoto3(
      `
request = json.loads(sys.argv[2])
arn = sm.create_training_job(**request)["TrainingJobArn"]
sm.get_waiter("training_job_completed_or_stopped").wait(TrainingJobName=request["TrainingJobName"], WaiterConfig={"Delay": 1, "MaxAttempts": 120})
doc = sm.describe_training_job(TrainingJobName=request["TrainingJobName"])
model = doc["ModelArtifacts"]["S3ModelArtifacts"]
head = s3.head_object(Bucket="bucket", Key=model[len("s3://bucket/"):])
print(json.dumps({"arn": arn, "status": doc["TrainingJobStatus"], "model": model, "size": head["ContentLength"],
                  "created": type(doc["CreationTime"]).__name__, "metrics": [m["MetricName"] for m in doc["FinalMetricDataList"]],
                  "training_seconds": doc["TrainingTimeInSeconds"]}))`,
      [JSON.stringify(probeJob('boto3-waited'))],
    );
    expect(result).toMatchObject({
      arn: 'arn:aws:sagemaker:us-east-1:111122223333:training-job/boto3-waited',
      status: 'Completed',
      model: 's3://bucket/output/boto3-waited/output/model.tar.gz',
      // botocore parsed the awsJson timestamp into a datetime.
      created: 'datetime',
      metrics: ['train:loss'],
    });
    expect(result.size).toBeGreaterThan(0);
  });

  it('lets the waiter end on a stopped job', async () => {
    const result = await withBoto3(
      `
import time
request = json.loads(sys.argv[2])
sm.create_training_job(**request)
while sm.describe_training_job(TrainingJobName=request["TrainingJobName"])["SecondaryStatus"] != "Training":
    time.sleep(0.25)
sm.stop_training_job(TrainingJobName=request["TrainingJobName"])
sm.get_waiter("training_job_completed_or_stopped").wait(TrainingJobName=request["TrainingJobName"], WaiterConfig={"Delay": 1, "MaxAttempts": 120})
print(json.dumps({"status": sm.describe_training_job(TrainingJobName=request["TrainingJobName"])["TrainingJobStatus"]}))`,
      [JSON.stringify(probeJob('boto3-stopped', { mode: 'sleep' }))],
    );
    expect(result).toEqual({ status: 'Stopped' });
  });

  it('round-trips a multipart upload and a presigned download through the S3 port', async () => {
    const result = await withBoto3(`
import hashlib, io, os, urllib.request
body = os.urandom(17 * 1024 * 1024)
s3.upload_fileobj(io.BytesIO(body), "bucket", "big/blob.bin")
back = s3.get_object(Bucket="bucket", Key="big/blob.bin")["Body"].read()
url = s3.generate_presigned_url("get_object", Params={"Bucket": "bucket", "Key": "big/blob.bin"})
presigned = urllib.request.urlopen(url).read()
print(json.dumps({"same": back == body, "presigned": presigned == body, "etag": s3.head_object(Bucket="bucket", Key="big/blob.bin")["ETag"]}))`);
    expect(result).toMatchObject({ same: true, presigned: true });
  });

  it('maps errors to the codes SageMaker and CloudWatch Logs send', async () => {
    const result = await withBoto3(
      `
request = json.loads(sys.argv[2])
print(json.dumps({
  "unknown": error_of(sm.describe_training_job, TrainingJobName="no-such-job"),
  "stopUnknown": error_of(sm.stop_training_job, TrainingJobName="no-such-job"),
  "bad": error_of(sm.create_training_job, **request),
  "group": error_of(logs.get_log_events, logGroupName="/aws/other", logStreamName="x"),
}))`,
      [
        JSON.stringify({
          ...probeJob('boto3-bad'),
          ResourceConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: 1, VolumeSizeInGB: 30 },
          RoleArn: 'this is not a role arn',
        }),
      ],
    );
    expect(result.unknown).toEqual({ code: 'ValidationException', message: 'Requested resource not found.', status: 400, errorType: 'ValidationException' });
    expect(result.stopUnknown).toMatchObject({ code: 'ResourceNotFound', status: 400 });
    expect(result.bad).toMatchObject({ code: 'ValidationException', status: 400 });
    expect((result.bad as { message: string }).message).toContain("Value 'this is not a role arn' at 'RoleArn' failed to satisfy constraint");
    expect(result.group).toMatchObject({ code: 'ResourceNotFoundException', message: 'The specified log group does not exist.' });
  });

  it('waiter fails on a job that does not exist (ValidationException), as against SageMaker', async () => {
    const result = await withBoto3(`
try:
    sm.get_waiter("training_job_completed_or_stopped").wait(TrainingJobName="never-created", WaiterConfig={"Delay": 1, "MaxAttempts": 3})
    print(json.dumps({"outcome": "succeeded"}))
except botocore.exceptions.WaiterError as e:
    print(json.dumps({"outcome": "failed", "reason": str(e)}))`);
    expect(result.outcome).toBe('failed');
    expect(result.reason).toContain('ValidationException');
  });
});

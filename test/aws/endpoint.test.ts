/**
 * SageMaker endpoints with recorded-shape AWS answers (aws-sdk-client-mock): estimator.deploy()
 * sends the SDK's three requests and waits for InService with each status shown; a Failed
 * endpoint surfaces its FailureReason; predict() goes through InvokeEndpoint with content type
 * and accept; a ModelError keeps the model's message; delete() removes endpoint, config, model.
 */
import { describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DeleteEndpointCommand,
  DeleteEndpointConfigCommand,
  DeleteModelCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeTrainingJobCommand,
  SageMakerClient,
  type DescribeEndpointOutput,
} from '@aws-sdk/client-sagemaker';
import { InvokeEndpointCommand, ModelError as AwsModelError, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { Session } from '../../src/aws/session.js';
import { EndpointError, ModelError } from '../../src/deploy/errors.js';
import { Model } from '../../src/deploy/model.js';
import { Predictor } from '../../src/deploy/predictor.js';
import { JSONDeserializer, JSONSerializer } from '../../src/deploy/serializers.js';
import { ValidationError } from '../../src/errors.js';
import { Estimator } from '../../src/estimator/estimator.js';
import { JobEvents } from '../../src/events.js';

const ACCOUNT = '111122223333';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/SageMakerRole`;
const IMAGE = `${ACCOUNT}.dkr.ecr.us-west-2.amazonaws.com/my-algo:latest`;
const CREATED = new Date('2026-01-01T00:00:00Z');

function endpointAnswer(name: string, status: DescribeEndpointOutput['EndpointStatus'], extra: Partial<DescribeEndpointOutput> = {}): DescribeEndpointOutput {
  return {
    EndpointName: name,
    EndpointArn: `arn:aws:sagemaker:us-west-2:${ACCOUNT}:endpoint/${name}`,
    EndpointConfigName: name,
    EndpointStatus: status,
    CreationTime: CREATED,
    LastModifiedTime: CREATED,
    ...(status === 'InService' && {
      ProductionVariants: [{ VariantName: 'AllTraffic', CurrentWeight: 1, DesiredWeight: 1, CurrentInstanceCount: 1, DesiredInstanceCount: 1 }],
    }),
    ...extra,
  };
}

function setup(endpointStatuses: Array<Partial<DescribeEndpointOutput> & { EndpointStatus: DescribeEndpointOutput['EndpointStatus'] }>) {
  const sagemaker = new SageMakerClient({ region: 'us-west-2', credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' } });
  const sm = mockClient(sagemaker);
  sm.on(DescribeTrainingJobCommand).resolves({
    TrainingJobName: 'trained-1',
    TrainingJobStatus: 'Completed',
    SecondaryStatus: 'Completed',
    AlgorithmSpecification: { TrainingImage: IMAGE, TrainingInputMode: 'File' },
    RoleArn: ROLE,
    ModelArtifacts: { S3ModelArtifacts: 's3://my-bucket/output/trained-1/output/model.tar.gz' },
    CreationTime: CREATED,
  });
  sm.on(CreateModelCommand).resolves({ ModelArn: `arn:aws:sagemaker:us-west-2:${ACCOUNT}:model/m` });
  sm.on(CreateEndpointConfigCommand).resolves({ EndpointConfigArn: `arn:aws:sagemaker:us-west-2:${ACCOUNT}:endpoint-config/c` });
  sm.on(CreateEndpointCommand).resolves({ EndpointArn: `arn:aws:sagemaker:us-west-2:${ACCOUNT}:endpoint/e` });
  let describe = sm.on(DescribeEndpointCommand);
  for (const answer of endpointStatuses) describe = describe.resolvesOnce(endpointAnswer('my-endpoint', answer.EndpointStatus, answer));
  describe.resolves(endpointAnswer('my-endpoint', endpointStatuses.at(-1)!.EndpointStatus, endpointStatuses.at(-1)));
  return { sm, session: new Session({ region: 'us-west-2', clients: { sagemaker } }) };
}

async function fittedEstimator(session: Session): Promise<Estimator> {
  const estimator = new Estimator({ imageUri: IMAGE, role: ROLE, instanceType: 'ml.m5.xlarge', outputPath: 's3://my-bucket/output', session });
  estimator.latestTrainingJob = await Estimator.attach('trained-1', { session, backend: 'aws' });
  return estimator;
}

describe('SageMaker endpoints', () => {
  it('estimator.deploy() sends the SDK requests and waits for InService, showing each status', async () => {
    const { sm, session } = setup([{ EndpointStatus: 'Creating' }, { EndpointStatus: 'Creating' }, { EndpointStatus: 'InService' }]);
    const events = new JobEvents();
    const statuses: string[] = [];
    events.on('status', (s) => statuses.push(s.status));
    const estimator = await fittedEstimator(session);
    const predictor = await estimator.deploy({
      initialInstanceCount: 1,
      instanceType: 'ml.m5.large',
      endpointName: 'my-endpoint',
      tags: { team: 'ml' },
      events,
      pollSeconds: 0,
    });
    expect(predictor.endpointName).toBe('my-endpoint');
    expect(await predictor.backend()).toBe('aws');
    expect(statuses).toEqual(['Creating', 'InService']);
    const model = sm.commandCalls(CreateModelCommand)[0]!.args[0].input;
    expect(model).toEqual({
      ModelName: expect.stringMatching(/^my-algo-\d{4}(-\d{2}){5}-\d{3}$/),
      ExecutionRoleArn: ROLE,
      PrimaryContainer: { Image: IMAGE, Environment: {}, ModelDataUrl: 's3://my-bucket/output/trained-1/output/model.tar.gz' },
      Tags: [{ Key: 'team', Value: 'ml' }],
    });
    expect(sm.commandCalls(CreateEndpointConfigCommand)[0]!.args[0].input).toEqual({
      EndpointConfigName: 'my-endpoint',
      ProductionVariants: [
        { VariantName: 'AllTraffic', ModelName: model.ModelName, InitialVariantWeight: 1, InitialInstanceCount: 1, InstanceType: 'ml.m5.large' },
      ],
      Tags: [{ Key: 'team', Value: 'ml' }],
    });
    expect(sm.commandCalls(CreateEndpointCommand)[0]!.args[0].input).toEqual({
      EndpointName: 'my-endpoint',
      EndpointConfigName: 'my-endpoint',
      Tags: [{ Key: 'team', Value: 'ml' }],
    });
    expect(sm.commandCalls(DescribeEndpointCommand)).toHaveLength(3);
  });

  it('a Failed endpoint rejects with its FailureReason; wait: false returns while Creating', async () => {
    const failing = setup([
      { EndpointStatus: 'Creating' },
      { EndpointStatus: 'Failed', FailureReason: 'The primary container for production variant AllTraffic did not pass the ping health check.' },
    ]);
    const error = await (await fittedEstimator(failing.session))
      .deploy({ instanceType: 'ml.m5.large', endpointName: 'my-endpoint', pollSeconds: 0 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EndpointError);
    expect((error as Error).message).toBe(
      'endpoint my-endpoint failed: The primary container for production variant AllTraffic did not pass the ping health check.',
    );

    const quick = setup([{ EndpointStatus: 'Creating' }]);
    const predictor = await (await fittedEstimator(quick.session)).deploy({ instanceType: 'ml.m5.large', endpointName: 'my-endpoint', wait: false });
    expect((await predictor.describe()).EndpointStatus).toBe('Creating');
    expect(quick.sm.commandCalls(DescribeEndpointCommand)).toHaveLength(2);
  });

  it('predict() invokes with content type and accept; a ModelError keeps the model message', async () => {
    const { session } = setup([{ EndpointStatus: 'InService' }]);
    const runtime = mockClient(SageMakerRuntimeClient);
    runtime
      .on(InvokeEndpointCommand)
      .resolvesOnce({
        Body: new TextEncoder().encode('{"predictions": [4.0]}') as never,
        ContentType: 'application/json',
        InvokedProductionVariant: 'AllTraffic',
      })
      .rejectsOnce(new AwsModelError({ message: 'Received client error (400) from primary with message "bad input"', $metadata: {}, OriginalStatusCode: 400 }));
    const predictor = new Predictor('my-endpoint', { session, backend: 'aws', serializer: new JSONSerializer(), deserializer: new JSONDeserializer() });
    expect(await predictor.predict({ instances: [2] })).toEqual({ predictions: [4.0] });
    const sent = runtime.commandCalls(InvokeEndpointCommand)[0]!.args[0].input;
    expect(sent).toMatchObject({ EndpointName: 'my-endpoint', ContentType: 'application/json', Accept: 'application/json' });
    expect(new TextDecoder().decode(sent.Body as Uint8Array)).toBe('{"instances":[2]}');
    const error = await predictor.predict({ instances: ['x'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelError);
    expect((error as ModelError).statusCode).toBe(400);
    expect((error as Error).message).toContain('bad input');
    runtime.restore();
  });

  it('delete() removes the endpoint, its config and its model', async () => {
    const { sm, session } = setup([{ EndpointStatus: 'InService' }]);
    sm.on(DescribeEndpointConfigCommand).resolves({
      EndpointConfigName: 'my-endpoint',
      EndpointConfigArn: 'arn:c',
      CreationTime: CREATED,
      ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: 'my-model', InitialInstanceCount: 1, InstanceType: 'ml.m5.large' }],
    });
    sm.on(DeleteEndpointCommand).resolves({});
    sm.on(DeleteEndpointConfigCommand).resolves({});
    sm.on(DeleteModelCommand).resolves({});
    await new Predictor('my-endpoint', { session, backend: 'aws' }).delete();
    expect(sm.commandCalls(DeleteEndpointCommand)[0]!.args[0].input).toEqual({ EndpointName: 'my-endpoint' });
    expect(sm.commandCalls(DeleteEndpointConfigCommand)[0]!.args[0].input).toEqual({ EndpointConfigName: 'my-endpoint' });
    expect(sm.commandCalls(DeleteModelCommand)[0]!.args[0].input).toEqual({ ModelName: 'my-model' });
  });

  it('a model without role or outside S3 is refused before any AWS call', async () => {
    const { sm, session } = setup([{ EndpointStatus: 'InService' }]);
    const error = await new Model({ modelData: 'file:///tmp/model.tar.gz', imageUri: IMAGE })
      .deploy({ instanceType: 'ml.m5.large', session })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toContain('role: is required to deploy on SageMaker');
    expect((error as Error).message).toContain('modelData: must be an s3:// URI to deploy on SageMaker');
    expect(sm.calls()).toHaveLength(0);
  });
});

/**
 * Scripted SageMaker endpoints for the real CLI binary in a subprocess (like aws-cli-mock.ts for
 * jobs): loaded with `node --import tsx --import <this file>`, it mocks the SageMaker and
 * SageMaker Runtime client classes from the scenario in `$SAGEKIT_TEST_ENDPOINT_SCENARIO`: one
 * completed training job, endpoints that answer DescribeEndpoint with the scenario's status,
 * and InvokeEndpoint answering `<content type> <accept> <body>`. Every call goes to `calls`.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
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
  ListEndpointsCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { InvokeEndpointCommand, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';

/** What the scripted SageMaker knows. */
export interface EndpointScenario {
  account: string;
  jobName: string;
  image: string;
  /** Status every DescribeEndpoint answers for a created endpoint. */
  status: 'InService' | 'Failed';
  failureReason?: string;
  /** JSON-lines file receiving `{ command, input }` of every call. */
  calls: string;
}

export const endpointCliNodeArgs = [
  '--import',
  pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href,
  '--import',
  pathToFileURL(import.meta.filename).href,
];

const CREATED = new Date('2026-01-01T00:00:00Z');
const notFound = (what: string) => Object.assign(new Error(`Could not find ${what}.`), { name: 'ValidationException', $metadata: { httpStatusCode: 400 } });

function install(scenario: EndpointScenario): void {
  const record = (command: string, input: unknown) => appendFileSync(scenario.calls, `${JSON.stringify({ command, input })}\n`);
  const endpoints = new Map<string, { config: string }>();
  const configs = new Map<string, string[]>();
  const sagemaker = mockClient(SageMakerClient);
  sagemaker.on(DescribeTrainingJobCommand).callsFake((input: { TrainingJobName: string }) => {
    if (input.TrainingJobName !== scenario.jobName) throw notFound(`training job ${input.TrainingJobName}`);
    return {
      TrainingJobName: scenario.jobName,
      TrainingJobArn: `arn:aws:sagemaker:us-west-2:${scenario.account}:training-job/${scenario.jobName}`,
      TrainingJobStatus: 'Completed',
      SecondaryStatus: 'Completed',
      AlgorithmSpecification: { TrainingImage: scenario.image, TrainingInputMode: 'File' },
      RoleArn: `arn:aws:iam::${scenario.account}:role/SageMakerRole`,
      ModelArtifacts: { S3ModelArtifacts: `s3://my-bucket/output/${scenario.jobName}/output/model.tar.gz` },
      CreationTime: CREATED,
    };
  });
  sagemaker.on(CreateModelCommand).callsFake((input: unknown) => (record('CreateModel', input), { ModelArn: 'arn:model' }));
  sagemaker.on(CreateEndpointConfigCommand).callsFake((input: { EndpointConfigName: string; ProductionVariants: Array<{ ModelName: string }> }) => {
    record('CreateEndpointConfig', input);
    configs.set(
      input.EndpointConfigName,
      input.ProductionVariants.map((v) => v.ModelName),
    );
    return { EndpointConfigArn: 'arn:config' };
  });
  sagemaker.on(CreateEndpointCommand).callsFake((input: { EndpointName: string; EndpointConfigName: string }) => {
    record('CreateEndpoint', input);
    endpoints.set(input.EndpointName, { config: input.EndpointConfigName });
    return { EndpointArn: 'arn:endpoint' };
  });
  // Endpoint configs and endpoints outlive one CLI process: what an earlier process created is in the calls file.
  const recordedConfig = (name: string): string[] =>
    readFileSync(scenario.calls, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { command: string; input: { EndpointConfigName?: string; ProductionVariants?: Array<{ ModelName: string }> } })
      .filter((c) => c.command === 'CreateEndpointConfig' && c.input.EndpointConfigName === name)
      .flatMap((c) => c.input.ProductionVariants!.map((v) => v.ModelName));
  // Endpoints likewise: a name in the scenario's calls file counts as created.
  const known = (name: string) =>
    endpoints.get(name) ?? (readFileSync(scenario.calls, 'utf8').includes(`"EndpointName":"${name}"`) ? { config: name } : undefined);
  sagemaker.on(DescribeEndpointCommand).callsFake((input: { EndpointName: string }) => {
    const endpoint = known(input.EndpointName);
    if (!endpoint) throw notFound(`endpoint "${input.EndpointName}"`);
    return {
      EndpointName: input.EndpointName,
      EndpointArn: `arn:aws:sagemaker:us-west-2:${scenario.account}:endpoint/${input.EndpointName}`,
      EndpointConfigName: endpoint.config,
      EndpointStatus: scenario.status,
      ...(scenario.failureReason && { FailureReason: scenario.failureReason }),
      CreationTime: CREATED,
      LastModifiedTime: CREATED,
    };
  });
  sagemaker.on(DescribeEndpointConfigCommand).callsFake((input: { EndpointConfigName: string }) => ({
    EndpointConfigName: input.EndpointConfigName,
    EndpointConfigArn: 'arn:config',
    CreationTime: CREATED,
    ProductionVariants: (configs.get(input.EndpointConfigName) ?? recordedConfig(input.EndpointConfigName)).map((ModelName) => ({
      VariantName: 'AllTraffic',
      ModelName,
    })),
  }));
  sagemaker.on(ListEndpointsCommand).callsFake(() => ({
    Endpoints: [{ EndpointName: 'cloud-ep', EndpointArn: 'arn:endpoint', CreationTime: CREATED, LastModifiedTime: CREATED, EndpointStatus: scenario.status }],
  }));
  for (const [command, name] of [
    [DeleteEndpointCommand, 'DeleteEndpoint'],
    [DeleteEndpointConfigCommand, 'DeleteEndpointConfig'],
    [DeleteModelCommand, 'DeleteModel'],
  ] as const) {
    sagemaker.on(command as typeof DeleteModelCommand).callsFake((input: unknown) => (record(name, input), {}));
  }
  mockClient(SageMakerRuntimeClient)
    .on(InvokeEndpointCommand)
    .callsFake((input: { EndpointName: string; ContentType?: string; Accept?: string; Body: Uint8Array }) => {
      record('InvokeEndpoint', { ...input, Body: new TextDecoder().decode(input.Body) });
      return {
        Body: new TextEncoder().encode(`${input.ContentType} ${input.Accept ?? '-'} ${new TextDecoder().decode(input.Body)}`),
        ContentType: 'text/plain',
      };
    });
}

const scenarioFile = process.env.SAGEKIT_TEST_ENDPOINT_SCENARIO;
if (scenarioFile) install(JSON.parse(readFileSync(scenarioFile, 'utf8')) as EndpointScenario);

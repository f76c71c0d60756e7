/**
 * The three requests of a deployment — CreateModel, CreateEndpointConfig, CreateEndpoint —
 * exactly as the Python SDK's `Estimator.deploy()` sends them (parity vectors in
 * ../shared/parity/deploy). Pure: no network, no clock unless `now` is left out.
 */
import type { CreateEndpointConfigInput, CreateEndpointInput, CreateModelInput, ProductionVariantInstanceType } from '@aws-sdk/client-sagemaker';
import { nameFromBase } from '../estimator/job-name.js';
import { apiTags, type DeployOptions } from './options.js';

/** What a deployment needs to know about the model, whoever trained it. */
export interface ModelSource {
  /** The training image: the default inference image. */
  imageUri: string;
  /** The `model.tar.gz` (`s3://…`, or `file://…` for local endpoints). */
  modelDataUrl: string;
  /** Execution role ARN (required by SageMaker; unused locally). */
  role?: string;
  /** Base of generated names: `baseJobName`, the training image's repository, or an attached job's name base. */
  baseName: string;
  vpcConfig?: { Subnets: string[]; SecurityGroupIds: string[] };
  enableNetworkIsolation?: boolean;
}

/** The requests of one deployment, in call order. */
export interface DeployRequests {
  CreateModel: CreateModelInput;
  CreateEndpointConfig: CreateEndpointConfigInput;
  CreateEndpoint: CreateEndpointInput;
}

/** Options of {@link deployRequests} that are not deploy settings. */
export interface DeployBuildOptions {
  /** Time of the generated names (default: now). */
  now?: Date;
}

/** SageMaker's one variant name for a single-model endpoint, as the SDK sends it. */
export const VARIANT_NAME = 'AllTraffic';

/**
 * Builds the requests. Like the SDK, one generated name (`<base>-<yyyy-mm-dd-HH-MM-SS-mmm>`) is
 * used for the model, the endpoint config and the endpoint unless `modelName` / `endpointName`
 * are given; the endpoint config is named after the endpoint.
 */
export function deployRequests(source: ModelSource, options: DeployOptions & { instanceType: string }, build: DeployBuildOptions = {}): DeployRequests {
  const generated = nameFromBase(source.baseName, build.now ?? new Date());
  const endpointName = options.endpointName ?? generated;
  const modelName = options.modelName ?? generated;
  const tags = apiTags(options.tags);
  const CreateModel: CreateModelInput = {
    ModelName: modelName,
    ExecutionRoleArn: source.role,
    PrimaryContainer: {
      Image: options.imageUri ?? source.imageUri,
      Environment: { ...options.environment },
      ModelDataUrl: source.modelDataUrl,
    },
    ...(tags && { Tags: tags }),
    ...(source.vpcConfig && { VpcConfig: source.vpcConfig }),
    ...(source.enableNetworkIsolation && { EnableNetworkIsolation: true }),
  };
  const CreateEndpointConfig: CreateEndpointConfigInput = {
    EndpointConfigName: endpointName,
    ProductionVariants: [
      {
        VariantName: VARIANT_NAME,
        ModelName: modelName,
        InitialVariantWeight: 1,
        InitialInstanceCount: options.initialInstanceCount ?? 1,
        InstanceType: options.instanceType as ProductionVariantInstanceType,
        ...(options.volumeSize !== undefined && { VolumeSizeInGB: options.volumeSize }),
        ...(options.modelDataDownloadTimeout !== undefined && { ModelDataDownloadTimeoutInSeconds: options.modelDataDownloadTimeout }),
        ...(options.containerStartupHealthCheckTimeout !== undefined && {
          ContainerStartupHealthCheckTimeoutInSeconds: options.containerStartupHealthCheckTimeout,
        }),
      },
    ],
    ...(tags && { Tags: tags }),
    ...(options.kmsKey !== undefined && { KmsKeyId: options.kmsKey }),
  };
  // The SDK always sends Tags to CreateEndpoint, an empty list when there are none.
  const CreateEndpoint: CreateEndpointInput = { EndpointName: endpointName, EndpointConfigName: endpointName, Tags: tags ?? [] };
  return { CreateModel, CreateEndpointConfig, CreateEndpoint };
}

const TIMESTAMP_SUFFIX = /^(.+)-(\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-\d{3}|\d{12})$/;

/** The base of a generated name (`my-algo-2026-01-01-00-00-00-123` → `my-algo`), like the SDK's `base_from_name`. */
export function baseFromName(name: string): string {
  return TIMESTAMP_SUFFIX.exec(name)?.[1] ?? name;
}

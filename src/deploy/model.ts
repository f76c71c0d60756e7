/**
 * `Model`: any `model.tar.gz` plus the image that serves it, deployable like the Python SDK's
 * `sagemaker.model.Model` — a training job's artifacts, or an archive from anywhere.
 */
import { baseNameFromImage } from '../estimator/job-name.js';
import { splitDeployCall, type DeployCall } from './call.js';
import { deployModel } from './deploy.js';
import type { DeployOptions } from './options.js';
import type { Predictor } from './predictor.js';
import { deployRequests, type DeployBuildOptions, type DeployRequests, type ModelSource } from './requests.js';

/** Options of the {@link Model} constructor. */
export interface ModelInit {
  /** The model archive: `s3://…/model.tar.gz`, or for local endpoints a `file://` URI or a local path. */
  modelData: string;
  /** The inference image (answers `serve`: GET /ping and POST /invocations on port 8080). */
  imageUri: string;
  /** Execution role (name or ARN); required on SageMaker. */
  role?: string;
  /** Model name; default `<image repository>-<timestamp>` (the `modelName` deploy option wins). */
  name?: string;
  /** Environment of the inference container (merged under the `environment` deploy option). */
  environment?: Record<string, string>;
  subnets?: string[];
  securityGroupIds?: string[];
  enableNetworkIsolation?: boolean;
}

/** A deployable model. */
export class Model {
  constructor(readonly init: ModelInit) {}

  private source(): ModelSource {
    const { init } = this;
    return {
      imageUri: init.imageUri,
      modelDataUrl: init.modelData,
      ...(init.role && { role: init.role }),
      baseName: baseNameFromImage(init.imageUri),
      ...(init.subnets?.length && init.securityGroupIds?.length && { vpcConfig: { Subnets: init.subnets, SecurityGroupIds: init.securityGroupIds } }),
      ...(init.enableNetworkIsolation && { enableNetworkIsolation: true }),
    };
  }

  private withDefaults(options: DeployOptions): DeployOptions {
    const environment = { ...this.init.environment, ...options.environment };
    return {
      ...options,
      ...(this.init.name && !options.modelName && { modelName: this.init.name }),
      ...(Object.keys(environment).length && { environment }),
    };
  }

  /** The CreateModel, CreateEndpointConfig and CreateEndpoint requests `deploy(options)` would send (pure). */
  deployRequests(options: DeployOptions & { instanceType: string }, build: DeployBuildOptions = {}): DeployRequests {
    return deployRequests(this.source(), this.withDefaults(options) as DeployOptions & { instanceType: string }, build);
  }

  /**
   * Creates an endpoint serving this model — on this machine with `instanceType: 'local'`, else
   * on SageMaker — and returns its {@link Predictor} once it is in service.
   */
  deploy(call: DeployCall): Promise<Predictor> {
    const { options, settings } = splitDeployCall(call);
    return deployModel(this.source(), this.withDefaults(options), settings);
  }
}

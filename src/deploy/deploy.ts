/**
 * One deployment, whoever asked (estimator, model, attached job, CLI): validate, build the
 * three requests, then create a local endpoint (`instanceType: local`) or a SageMaker one, and
 * return its {@link Predictor}. The backends are imported only when used.
 */
import { ValidationError } from '../errors.js';
import { isLocalInstanceType } from '../estimator/local-job.js';
import type { TrainingJob } from '../job.js';
import { splitDeployCall, type DeployCall, type DeploySettings } from './call.js';
import { validateDeployOptions, type DeployOptions } from './options.js';
import { Predictor } from './predictor.js';
import { deployRequests, type ModelSource } from './requests.js';
import { modelSourceFromDescribe } from './source.js';

// The local backend's job handle names the call type from here.
export type { DeployCall } from './call.js';

/** Deploys `source` and returns the endpoint's predictor (once InService, unless `wait: false` on SageMaker). */
export async function deployModel(source: ModelSource, rawOptions: DeployOptions, settings: DeploySettings = {}): Promise<Predictor> {
  const options = validateDeployOptions(rawOptions);
  const local = isLocalInstanceType(options.instanceType);
  const predictorOptions = {
    ...(settings.serializer && { serializer: settings.serializer }),
    ...(settings.deserializer && { deserializer: settings.deserializer }),
  };
  if (local) {
    const requests = deployRequests(source, options);
    settings.onRequests?.(requests);
    const [{ startLocalEndpoint }, { localEndpointClient }] = await Promise.all([import('../local/endpoint/index.js'), import('./local-client.js')]);
    const stateDir = settings.local?.stateDir;
    const limits = {
      ...(options.invocationTimeout !== undefined && { timeoutSeconds: options.invocationTimeout }),
      ...(options.maxPayload !== undefined && { maxPayloadBytes: Math.floor(options.maxPayload * 1024 * 1024) }),
    };
    await startLocalEndpoint(
      { requests, ...(settings.region && { region: settings.region }), settings: settings.local ?? {}, limits },
      settings.events,
      settings.signal,
    );
    const client = await localEndpointClient(requests.CreateEndpoint.EndpointName!, { ...(stateDir && { stateDir }) }, true);
    return new Predictor(requests.CreateEndpoint.EndpointName!, { ...predictorOptions, backend: 'local', ...(stateDir && { stateDir }) }, client);
  }
  const issues = [];
  if (!source.role) issues.push({ path: 'role', rule: "is required to deploy on SageMaker (the model's execution role)" });
  if (!source.modelDataUrl.startsWith('s3://')) {
    issues.push({ path: 'modelData', value: source.modelDataUrl, rule: 'must be an s3:// URI to deploy on SageMaker (upload the model.tar.gz first)' });
  }
  if (issues.length) throw new ValidationError(issues);
  const [{ Session }, aws] = await Promise.all([import('../aws/session.js'), import('../aws/endpoint.js')]);
  const session = settings.session ?? new Session(settings.region ? { region: settings.region } : {});
  const requests = deployRequests({ ...source, role: await session.expandRole(source.role!) }, options);
  settings.onRequests?.(requests);
  await aws.createAwsEndpoint({
    requests,
    session,
    wait: options.wait ?? true,
    ...(settings.events && { events: settings.events }),
    ...(settings.pollSeconds !== undefined && { pollSeconds: settings.pollSeconds }),
    ...(settings.signal && { signal: settings.signal }),
  });
  const name = requests.CreateEndpoint.EndpointName!;
  return new Predictor(name, { ...predictorOptions, backend: 'aws', session }, aws.awsEndpointClient(name, session));
}

/** Deploys a training job's model (its describe document says image, model data, role and VPC). */
export async function deployTrainingJob(job: TrainingJob, call: DeployCall): Promise<Predictor> {
  const { options, settings } = splitDeployCall(call);
  return deployModel(modelSourceFromDescribe(await job.describe()), options, settings);
}

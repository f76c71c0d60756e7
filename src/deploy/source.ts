/**
 * Where a deployment's model comes from: an estimator's job (by its options, for `deploy
 * --dry-run` and `estimator.deploy()`), or a training job's describe document (an attached or
 * finished job). Both yield a {@link ModelSource}.
 */
import type { DescribeTrainingJobResponse } from '@aws-sdk/client-sagemaker';
import { UsageError } from '../errors.js';
import { baseNameFromImage } from '../estimator/job-name.js';
import type { EstimatorOptions } from '../estimator/options.js';
import { buildTrainingRequest, type BuildOptions } from '../estimator/request.js';
import { joinUri } from '../s3/uri.js';
import { baseFromName, type ModelSource } from './requests.js';

/** The job's model archive: `<outputPath>/<job>/output/model.tar.gz`, where training writes it. */
export function modelDataOf(outputPath: string, jobName: string): string {
  return joinUri(outputPath, jobName, 'output', 'model.tar.gz');
}

/** The model of the job an estimator's options describe (the request is built, nothing is contacted). */
export function modelSourceFromOptions(options: EstimatorOptions, build: BuildOptions = {}): ModelSource & { jobName: string } {
  const { request } = buildTrainingRequest(options, options.inputs, build);
  const jobName = request.TrainingJobName!;
  return {
    jobName,
    imageUri: options.imageUri,
    modelDataUrl: modelDataOf(request.OutputDataConfig!.S3OutputPath!, jobName),
    ...(request.RoleArn && { role: request.RoleArn }),
    baseName: options.baseJobName ?? baseNameFromImage(options.imageUri),
    ...(request.VpcConfig && { vpcConfig: request.VpcConfig as ModelSource['vpcConfig'] }),
    ...(request.EnableNetworkIsolation && { enableNetworkIsolation: true }),
  };
}

/**
 * The model of a recorded training job. Like the SDK's `attach`, generated names are based on
 * the job's name without its timestamp. The job must have produced `model.tar.gz`.
 */
export function modelSourceFromDescribe(describe: DescribeTrainingJobResponse): ModelSource {
  const name = describe.TrainingJobName ?? 'sagekit';
  const modelDataUrl = describe.ModelArtifacts?.S3ModelArtifacts;
  // A failed job's archive (locally, whatever it wrote before failing) is no model to serve.
  if (!modelDataUrl || describe.TrainingJobStatus === 'Failed') {
    throw new UsageError(
      `training job ${name} has no model to deploy (status ${describe.TrainingJobStatus ?? 'unknown'})`,
      describe.TrainingJobStatus === 'InProgress' ? `wait for it: sagekit logs ${name} --follow` : 'deploy a job that completed',
    );
  }
  const vpc = describe.VpcConfig;
  return {
    imageUri: describe.AlgorithmSpecification?.TrainingImage ?? '',
    modelDataUrl,
    ...(describe.RoleArn && { role: describe.RoleArn }),
    baseName: baseFromName(name),
    ...(vpc?.Subnets?.length && vpc.SecurityGroupIds?.length && { vpcConfig: { Subnets: vpc.Subnets, SecurityGroupIds: vpc.SecurityGroupIds } }),
    ...(describe.EnableNetworkIsolation && { enableNetworkIsolation: true }),
  };
}

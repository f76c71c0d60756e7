/**
 * sagekit: launch SageMaker training jobs from TypeScript — on Amazon SageMaker, or with
 * `instanceType: 'local'` on this machine in the same container under the same contract.
 *
 * @packageDocumentation
 */
export { Estimator, type EstimatorInit, type FitOptions } from './estimator/estimator.js';
export type { EstimatorOptions, HyperparameterValue, Tags } from './estimator/options.js';
export type {
  CollectionConfig,
  DebuggerHookConfig,
  MetricDefinition,
  ProfilerConfig,
  RuleConfig,
  TensorBoardOutputConfig,
} from './estimator/monitoring-options.js';
export { isLocalInstanceType, LOCAL_INSTANCE_TYPES } from './estimator/local-job.js';
export { ESTIMATOR_OPTION_KEYS } from './estimator/option-keys.js';
export type { GitConfig, InstanceGroup, InstancePlacementConfig, PlacementSpecification, SourceCode } from './estimator/extra-types.js';
export type { ChannelInput, FileSystemInput, InputMode, Inputs, TrainingInput } from './inputs/types.js';
export { buildTrainingRequest, resolveJobName, type BuildOptions, type BuiltRequest } from './estimator/request.js';
export { findIssues, validateOptions } from './estimator/validate.js';
export { encodeHyperparameter, encodeHyperparameters, type HyperparameterEncoding } from './estimator/hyperparameters.js';
export { loadJobFile, applyOverrides, type LoadedJobFile } from './config/job-file.js';
export { Model, type ModelInit } from './deploy/model.js';
export { Predictor, type PredictorOptions } from './deploy/predictor.js';
export type { EndpointClient, PredictOptions } from './deploy/endpoint-client.js';
export {
  BytesDeserializer,
  CSVDeserializer,
  CSVSerializer,
  IdentitySerializer,
  JSONDeserializer,
  JSONSerializer,
  StringDeserializer,
  type Body,
  type Deserializer,
  type Serializer,
} from './deploy/serializers.js';
export { deployRequests, baseFromName, VARIANT_NAME, type DeployBuildOptions, type DeployRequests, type ModelSource } from './deploy/requests.js';
export { modelSourceFromDescribe, modelSourceFromOptions, modelDataOf } from './deploy/source.js';
export { findDeployIssues, validateDeployOptions, DEPLOY_OPTION_KEYS, type DeployOptions, type DeployTags } from './deploy/options.js';
export type { DeployCall, DeploySettings } from './deploy/call.js';
export { EndpointError, ModelError } from './deploy/errors.js';
export { Session, getExecutionRole, type SessionOptions } from './aws/session.js';
export { downloadArtifacts } from './aws/index.js';
export type { LocalRunSettings } from './backend.js';
export { JobEvents, type JobEventMap, type LogLine, type MetricSample, type Progress, type StatusChange } from './events.js';
export type { BackendName, JobSummary, LogsOptions, TrainingJob, WaitOptions } from './job.js';
export { isTerminalStatus } from './job.js';
export { listJobs, type ListJobsOptions } from './estimator/list-jobs.js';
export {
  EnvironmentError,
  NotFoundError,
  SagekitError,
  TrainingJobError,
  UsageError,
  ValidationError,
  type ValidationIssue,
} from './errors.js';

/**
 * Values of SageMaker's API that both the request builder (estimator/) and the local runner
 * (local/) depend on: one definition, so the request sagekit sends and the one it runs agree.
 */

/** Content type the Python SDK gives the channel made from `model_uri`; SageMaker unpacks such a channel. */
export const MODEL_CONTENT_TYPE = 'application/x-sagemaker-model';

/** CreateTrainingJob's pattern for a channel name. */
export const CHANNEL_NAME_PATTERN = /^[A-Za-z0-9.\-_]+$/;

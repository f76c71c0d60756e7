/** Errors of deployments, mapped to CLI exit codes like every {@link SagekitError}. */
import { SagekitError } from '../errors.js';

/** An endpoint failed to come into service (exit code 1). */
export class EndpointError extends SagekitError {
  readonly endpointName: string;
  readonly status: string;
  readonly failureReason: string | undefined;

  constructor(init: { endpointName: string; status: string; failureReason?: string | undefined; hint?: string }) {
    super(`endpoint ${init.endpointName} ${init.status.toLowerCase()}${init.failureReason ? `: ${init.failureReason}` : ''}`, {
      exitCode: 1,
      hint: init.hint ?? `see its logs with: sagekit endpoints logs ${init.endpointName}; remove it with: sagekit endpoints delete ${init.endpointName}`,
    });
    this.endpointName = init.endpointName;
    this.status = init.status;
    this.failureReason = init.failureReason;
  }
}

/** The model answered an invocation with an error (like InvokeEndpoint's ModelError; exit code 1). */
export class ModelError extends SagekitError {
  readonly endpointName: string;
  readonly statusCode: number | undefined;

  constructor(init: { endpointName: string; statusCode?: number; message: string }) {
    super(`endpoint ${init.endpointName}: ${init.message}`, { exitCode: 1, hint: `see the model's logs with: sagekit endpoints logs ${init.endpointName}` });
    this.endpointName = init.endpointName;
    this.statusCode = init.statusCode;
  }
}

/**
 * Error types shared by the SDK and the CLI. Every sagekit error carries the CLI exit code it
 * maps to, so the CLI never has to guess: 1 failed/stopped job, 2 bad input, 3 environment.
 */

/** Base class of every error sagekit throws on purpose. */
export class SagekitError extends Error {
  /** Exit code the CLI uses for this error. */
  readonly exitCode: number;
  /** One line telling the user what to do about it, when there is something to do. */
  readonly hint: string | undefined;

  constructor(message: string, options: { exitCode?: number; hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.exitCode = options.exitCode ?? 1;
    this.hint = options.hint;
  }
}

/** One broken rule: which option, which value, which rule. */
export interface ValidationIssue {
  /** Dotted path of the option, e.g. `inputs.train.distribution`. */
  path: string;
  /** The offending value (omitted when the option is missing). */
  value?: unknown;
  /** Human sentence naming the rule, e.g. `must be between 1 and 30`. */
  rule: string;
}

/** Formats one issue as `path: rule (got value)`. */
export function formatIssue(issue: ValidationIssue): string {
  const got = 'value' in issue && issue.value !== undefined ? ` (got ${preview(issue.value)})` : '';
  return `${issue.path || '(job)'}: ${issue.rule}${got}`;
}

function preview(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** The job description breaks one or more rules. Raised before any upload, API call or container. */
export class ValidationError extends SagekitError {
  readonly issues: readonly ValidationIssue[];
  /** The job file the options came from, when there was one. */
  readonly source: string | undefined;

  constructor(issues: readonly ValidationIssue[], source?: string) {
    const where = source ? ` in ${source}` : '';
    const lines = issues.map((i) => `  - ${formatIssue(i)}`).join('\n');
    super(`invalid job${where}: ${issues.length} problem${issues.length === 1 ? '' : 's'}\n${lines}`, {
      exitCode: 2,
    });
    this.issues = issues;
    this.source = source;
  }
}

/** Wrong command-line usage or an unreadable job file. */
export class UsageError extends SagekitError {
  constructor(message: string, hint?: string) {
    super(message, { exitCode: 2, ...(hint ? { hint } : {}) });
  }
}

/** The machine is not ready: no container engine, no AWS credentials, no region … */
export class EnvironmentError extends SagekitError {
  constructor(message: string, hint?: string, cause?: unknown) {
    super(message, { exitCode: 3, ...(hint ? { hint } : {}), cause });
  }
}

/** A training job ended as Failed or Stopped. */
export class TrainingJobError extends SagekitError {
  readonly jobName: string;
  readonly status: string;
  readonly secondaryStatus: string | undefined;
  readonly failureReason: string | undefined;
  /** The last lines the job logged, newest last, to show what went wrong without another command. */
  readonly lastLogLines: readonly string[];

  constructor(init: {
    jobName: string;
    status: string;
    secondaryStatus?: string | undefined;
    failureReason?: string | undefined;
    lastLogLines?: readonly string[];
  }) {
    const reason = init.failureReason ? `: ${init.failureReason}` : '';
    super(`training job ${init.jobName} ${init.status.toLowerCase()}${reason}`, {
      exitCode: 1,
      hint: `see the full logs with: sagekit logs ${init.jobName}`,
    });
    this.jobName = init.jobName;
    this.status = init.status;
    this.secondaryStatus = init.secondaryStatus;
    this.failureReason = init.failureReason;
    this.lastLogLines = init.lastLogLines ?? [];
  }
}

/** A job, record or resource that the user named does not exist. */
export class NotFoundError extends SagekitError {
  constructor(message: string, hint?: string) {
    super(message, { exitCode: 2, ...(hint ? { hint } : {}) });
  }
}

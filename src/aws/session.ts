/**
 * `Session`: what the Python SDK's `sagemaker.Session` provides for training — region,
 * credentials, account id, the default bucket, role expansion — with every AWS client created
 * once and shared.
 */
import { readFile } from 'node:fs/promises';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateBucketCommand, HeadBucketCommand, type BucketLocationConstraint, type S3Client } from '@aws-sdk/client-s3';
import { DescribeDomainCommand, DescribeNotebookInstanceCommand, DescribeUserProfileCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { EnvironmentError } from '../errors.js';
import { createS3Client } from '../s3/client.js';
import { credentialsError, isCredentialError } from './errors.js';
import { quietAwsSdkWarnings } from '../util/quiet-warnings.js';
import { sleep } from './retry.js';

/** Options of {@link Session}. */
export interface SessionOptions {
  /** AWS region; default: the AWS configuration chain (AWS_REGION, profile). */
  region?: string;
  /** Credentials; default: the Node.js default provider chain. */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Bucket used instead of `sagemaker-<region>-<account-id>`. */
  defaultBucket?: string;
  /** Ready-made clients (tests, custom endpoints). */
  clients?: Partial<{ sagemaker: SageMakerClient; s3: S3Client; logs: CloudWatchLogsClient; sts: STSClient; iam: IAMClient }>;
}

/** Shared AWS state of one or more jobs. */
export class Session {
  private readonly options: SessionOptions;
  private readonly credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider | undefined;
  private readonly made: Partial<{ sagemaker: SageMakerClient; s3: S3Client; logs: CloudWatchLogsClient; sts: STSClient; iam: IAMClient }>;
  private regionPromise: Promise<string> | undefined;
  private accountPromise: Promise<string> | undefined;
  private bucketPromise: Promise<string> | undefined;

  constructor(options: SessionOptions = {}) {
    this.options = options;
    this.made = { ...options.clients };
    // One provider for every client, so credentials are resolved (and refreshed) once.
    this.credentials = options.credentials ?? fromNodeProviderChain();
  }

  private config(): { region?: string; credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider } {
    quietAwsSdkWarnings();
    return { ...(this.options.region && { region: this.options.region }), ...(this.credentials && { credentials: this.credentials }) };
  }

  sagemaker(): SageMakerClient {
    return (this.made.sagemaker ??= new SageMakerClient(this.config()));
  }
  s3(): S3Client {
    return (this.made.s3 ??= createS3Client(this.config()));
  }
  logs(): CloudWatchLogsClient {
    return (this.made.logs ??= new CloudWatchLogsClient(this.config()));
  }
  sts(): STSClient {
    return (this.made.sts ??= new STSClient(this.config()));
  }
  iam(): IAMClient {
    return (this.made.iam ??= new IAMClient(this.config()));
  }

  /** The region: the option, else the AWS configuration chain; EnvironmentError when there is none. */
  getRegion(): Promise<string> {
    this.regionPromise ??= (async () => {
      if (this.options.region) return this.options.region;
      try {
        const region = await this.sagemaker().config.region();
        if (region) return region;
      } catch {
        // Reported below with what to do.
      }
      throw new EnvironmentError(
        'no AWS region is configured',
        'set region in the job file, pass --region, or set AWS_REGION (or a region in your AWS profile)',
      );
    })();
    this.regionPromise.catch(() => (this.regionPromise = undefined));
    return this.regionPromise;
  }

  /** The caller's account id (STS GetCallerIdentity), cached. */
  getAccountId(): Promise<string> {
    this.accountPromise ??= (async () => {
      try {
        const identity = await this.sts().send(new GetCallerIdentityCommand({}));
        return identity.Account!;
      } catch (error) {
        throw isCredentialError(error) ? credentialsError(error) : error;
      }
    })();
    this.accountPromise.catch(() => (this.accountPromise = undefined));
    return this.accountPromise;
  }

  /** `sagemaker-<region>-<account-id>` (or the configured default bucket); nothing is created. */
  async getDefaultBucket(): Promise<string> {
    if (this.options.defaultBucket) return this.options.defaultBucket;
    return `sagemaker-${await this.getRegion()}-${await this.getAccountId()}`;
  }

  /**
   * The default bucket, created when missing (with the region's location constraint). A bucket
   * of that name owned by another account is an error that says how to choose another.
   */
  ensureDefaultBucket(): Promise<string> {
    this.bucketPromise ??= (async () => {
      const bucket = await this.getDefaultBucket();
      const region = await this.getRegion();
      const taken = () =>
        new EnvironmentError(
          `the default bucket ${bucket} exists but belongs to another account (or denies access)`,
          'set defaultBucket (or --default-bucket) to a bucket you own, or set outputPath',
        );
      const access = await this.bucketAccess(bucket);
      if (access === 'ok') return bucket;
      if (access === 'denied') throw taken();
      try {
        await this.s3().send(
          new CreateBucketCommand({
            Bucket: bucket,
            ...(region !== 'us-east-1' && { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } }),
          }),
        );
      } catch (error) {
        const name = (error as Error).name;
        if (name === 'BucketAlreadyOwnedByYou') return bucket;
        // Another process of ours may have created it a moment ago (S3 answers OperationAborted
        // while that creation is in flight): the bucket is fine when we can reach it now.
        if (name === 'BucketAlreadyExists' || name === 'OperationAborted') {
          for (let attempt = 0; attempt < 5; attempt++) {
            const now = await this.bucketAccess(bucket);
            if (now === 'ok') return bucket;
            if (now === 'denied') throw taken();
            await sleep(200 * 2 ** attempt);
          }
          if (name === 'BucketAlreadyExists') throw taken();
        }
        throw error;
      }
      return bucket;
    })();
    this.bucketPromise.catch(() => (this.bucketPromise = undefined));
    return this.bucketPromise;
  }

  /** Whether `bucket` answers HeadBucket for us: reachable, denied (someone else's), or missing. */
  private async bucketAccess(bucket: string): Promise<'ok' | 'denied' | 'missing'> {
    try {
      await this.s3().send(new HeadBucketCommand({ Bucket: bucket }));
      return 'ok';
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (isCredentialError(error)) throw credentialsError(error);
      if (status === 403) return 'denied';
      if (status === 404 || (error as Error).name === 'NotFound' || (error as Error).name === 'NoSuchBucket') return 'missing';
      throw error;
    }
  }

  /** A role ARN as given; a bare role name expanded to its ARN (with its path) through IAM. */
  async expandRole(role: string): Promise<string> {
    if (role.startsWith('arn:')) return role;
    try {
      const result = await this.iam().send(new GetRoleCommand({ RoleName: role }));
      return result.Role!.Arn!;
    } catch (error) {
      if (isCredentialError(error)) throw credentialsError(error);
      if ((error as Error).name === 'NoSuchEntityException' || (error as Error).name === 'NoSuchEntity') {
        throw new EnvironmentError(
          `IAM role ${role} does not exist in this account`,
          "pass the role's full ARN, or create the role (it must trust sagemaker.amazonaws.com)",
        );
      }
      throw new EnvironmentError(`cannot look up IAM role ${role}: ${(error as Error).message}`, "pass the role's full ARN instead of its name", error);
    }
  }
}

/** Where SageMaker notebooks and Studio describe themselves. */
const NOTEBOOK_METADATA_FILE = '/opt/ml/metadata/resource-metadata.json';

interface ResourceMetadata {
  ResourceName?: string;
  DomainId?: string;
  UserProfileName?: string;
  ExecutionRoleArn?: string;
}

/**
 * The IAM role to run jobs with, like the Python SDK's `get_execution_role()`: inside a SageMaker
 * notebook instance or Studio, the notebook's role; elsewhere, the role behind the caller's
 * assumed-role credentials; otherwise an error asking for `role`.
 */
export async function getExecutionRole(session: Session = new Session(), metadataFile = NOTEBOOK_METADATA_FILE): Promise<string> {
  const metadata = await readFile(metadataFile, 'utf8').then(
    (t) => JSON.parse(t) as ResourceMetadata,
    () => undefined,
  );
  if (metadata?.ExecutionRoleArn) return metadata.ExecutionRoleArn;
  if (metadata?.DomainId) {
    if (metadata.UserProfileName) {
      const profile = await session
        .sagemaker()
        .send(new DescribeUserProfileCommand({ DomainId: metadata.DomainId, UserProfileName: metadata.UserProfileName }));
      if (profile.UserSettings?.ExecutionRole) return profile.UserSettings.ExecutionRole;
    }
    const domain = await session.sagemaker().send(new DescribeDomainCommand({ DomainId: metadata.DomainId }));
    if (domain.DefaultUserSettings?.ExecutionRole) return domain.DefaultUserSettings.ExecutionRole;
  } else if (metadata?.ResourceName) {
    const notebook = await session.sagemaker().send(new DescribeNotebookInstanceCommand({ NotebookInstanceName: metadata.ResourceName }));
    if (notebook.RoleArn) return notebook.RoleArn;
  }
  let arn: string;
  try {
    arn = (await session.sts().send(new GetCallerIdentityCommand({}))).Arn ?? '';
  } catch (error) {
    throw isCredentialError(error) ? credentialsError(error) : error;
  }
  if (/^arn:aws[a-z-]*:iam::\d{12}:role\//.test(arn)) return arn;
  const assumed = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\//.exec(arn);
  if (assumed) {
    const [, partition, account, roleName] = assumed;
    // GetRole gives the role's path; without IAM read access the path-less ARN is the best guess.
    return session.expandRole(roleName!).catch(() => `arn:${partition}:iam::${account}:role/${roleName}`);
  }
  throw new EnvironmentError(
    `cannot tell which IAM role to use: the caller (${arn || 'unknown'}) is not a role`,
    'pass role: <role name or ARN> (a role SageMaker can assume, with access to your data and output path)',
  );
}

/**
 * Training inputs, as users write them (TypeScript objects or job-file entries). They mirror
 * the Python SDK's `sagemaker.inputs.TrainingInput` and `FileSystemInput`.
 */

/** How SageMaker delivers a channel's data to the container. */
export type InputMode = 'File' | 'Pipe' | 'FastFile';

/**
 * An S3 (or local) data source for one channel, like the Python SDK's `TrainingInput`.
 *
 * @example
 * ```ts
 * const train: TrainingInput = { s3Data: 's3://bucket/train/', distribution: 'ShardedByS3Key', contentType: 'text/csv' };
 * ```
 */
export interface TrainingInput {
  /** `s3://bucket/prefix`, `file:///abs/path` or a local path (uploaded to S3 for cloud jobs). */
  s3Data: string;
  /** `FullyReplicated` (default): every host gets all data; `ShardedByS3Key`: each host gets a disjoint part. */
  distribution?: 'FullyReplicated' | 'ShardedByS3Key';
  /** `Gzip` when the objects are gzip-compressed (decompressed by SageMaker in Pipe mode only). */
  compression?: 'None' | 'Gzip';
  /** MIME type of the data, passed to the container in `inputdataconfig.json`. */
  contentType?: string;
  /** `RecordIO` wraps each object as a RecordIO record (Pipe mode). */
  recordWrapping?: 'None' | 'RecordIO';
  /** `S3Prefix` (default): every object under the prefix; `ManifestFile` / `AugmentedManifestFile`: a manifest. */
  s3DataType?: 'S3Prefix' | 'ManifestFile' | 'AugmentedManifestFile';
  /** This channel's input mode, overriding the job's `inputMode` for this channel only. */
  inputMode?: InputMode;
  /** Attribute names to read from an augmented manifest (needs `s3DataType: AugmentedManifestFile`). */
  attributeNames?: string[];
  /** Shuffle the S3 keys (Pipe mode / sharding) with this seed each epoch. */
  shuffleConfig?: { seed: number };
  /** Heterogeneous clusters: only the hosts of these instance groups get this channel. */
  instanceGroups?: string[];
}

/**
 * An Amazon EFS or FSx for Lustre file system as a channel, like the Python SDK's `FileSystemInput`.
 * Needs `subnets` and `securityGroupIds` (the job must run in the file system's VPC).
 */
export interface FileSystemInput {
  /** File system id, e.g. `fs-0123456789abcdef0`. */
  fileSystemId: string;
  /** `EFS` or `FSxLustre`. */
  fileSystemType: 'EFS' | 'FSxLustre';
  /** Absolute path inside the file system, e.g. `/training` (FSx: `/<mount name>/path`). */
  directoryPath: string;
  /** `ro` (default) or `rw`. */
  fileSystemAccessMode?: 'ro' | 'rw';
  contentType?: string;
  inputMode?: InputMode;
}

/** One channel's source: a URI string or a full input description. */
export type ChannelInput = string | TrainingInput | FileSystemInput;

/**
 * What `fit()` trains on: a single URI (the channel `training`) or a map of channel names to sources.
 */
export type Inputs = string | Record<string, ChannelInput>;

/** True when `input` describes a file system rather than S3/local data. */
export function isFileSystemInput(input: ChannelInput): input is FileSystemInput {
  return typeof input === 'object' && input !== null && 'fileSystemId' in input;
}

/** The `InputDataConfig` channels of a request: inputs in the order given, the model channel last. */
import type { Channel } from '@aws-sdk/client-sagemaker';
import { isFileSystemInput, type ChannelInput, type Inputs } from '../inputs/types.js';
import { pathToFileUri } from '../s3/uri.js';
import { MODEL_CONTENT_TYPE } from '../sagemaker-contract.js';
import type { EstimatorOptions } from './options.js';
import { isLocalPath } from './rule-basics.js';

/** `file://` URI for local paths, the URI itself otherwise. */
export function toUri(uri: string, cwd: string): string {
  return isLocalPath(uri) ? pathToFileUri(uri, cwd) : uri;
}

function channelFor(name: string, input: ChannelInput, cwd: string): Channel {
  if (typeof input === 'string') {
    return {
      DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: toUri(input, cwd), S3DataDistributionType: 'FullyReplicated' } },
      ChannelName: name,
    };
  }
  if (isFileSystemInput(input)) {
    return {
      DataSource: {
        FileSystemDataSource: {
          FileSystemId: input.fileSystemId,
          FileSystemType: input.fileSystemType,
          DirectoryPath: input.directoryPath,
          FileSystemAccessMode: input.fileSystemAccessMode ?? 'ro',
        },
      },
      ...(input.contentType !== undefined && { ContentType: input.contentType }),
      ...(input.inputMode !== undefined && { InputMode: input.inputMode }),
      ChannelName: name,
    };
  }
  return {
    DataSource: {
      S3DataSource: {
        S3DataType: input.s3DataType ?? 'S3Prefix',
        S3Uri: toUri(input.s3Data, cwd),
        S3DataDistributionType: input.distribution ?? 'FullyReplicated',
        ...(input.attributeNames !== undefined && { AttributeNames: input.attributeNames }),
        ...(input.instanceGroups !== undefined && { InstanceGroupNames: input.instanceGroups }),
      },
    },
    ...(input.compression !== undefined && { CompressionType: input.compression }),
    ...(input.contentType !== undefined && { ContentType: input.contentType }),
    ...(input.recordWrapping !== undefined && { RecordWrapperType: input.recordWrapping }),
    ...(input.inputMode !== undefined && { InputMode: input.inputMode }),
    ...(input.shuffleConfig !== undefined && { ShuffleConfig: { Seed: input.shuffleConfig.seed } }),
    ChannelName: name,
  };
}

/** The channels of a job, in the order given, with the model channel last (as the SDK does). */
export function buildChannels(options: EstimatorOptions, inputs: Inputs | undefined, cwd: string): Channel[] | undefined {
  const channels: Channel[] =
    inputs === undefined
      ? []
      : typeof inputs === 'string'
        ? [channelFor('training', inputs, cwd)]
        : Object.entries(inputs).map(([name, input]) => channelFor(name, input, cwd));
  if (options.modelUri !== undefined) {
    channels.push({
      DataSource: {
        S3DataSource: { S3DataType: 'S3Prefix', S3Uri: toUri(options.modelUri, cwd), S3DataDistributionType: 'FullyReplicated' },
      },
      ContentType: MODEL_CONTENT_TYPE,
      InputMode: 'File',
      ChannelName: options.modelChannelName ?? 'model',
    });
  }
  return channels.length ? channels : undefined;
}

/** Value rules of the input channels: channel names and counts, S3 and file-system channels, the model channel. */
import { CHANNEL_NAME_PATTERN } from '../sagemaker-contract.js';
import { checkUri, isNumber, isObject, isString, LIMITS, type Sink } from './rule-basics.js';

const FILE_SYSTEM_ID_PATTERN = /^fs-[0-9a-f]{8,}$/;

function checkChannel(add: Sink, path: string, channel: unknown, options: Record<string, unknown>, local: boolean): void {
  if (isString(channel)) return checkUri(add, path, channel, 'input', local);
  if (!isObject(channel)) return;
  if ('fileSystemId' in channel) {
    if (isString(channel.fileSystemId) && !FILE_SYSTEM_ID_PATTERN.test(channel.fileSystemId)) {
      add(`${path}.fileSystemId`, channel.fileSystemId, 'must look like fs-0123456789abcdef0');
    }
    if (isString(channel.directoryPath) && !channel.directoryPath.startsWith('/')) {
      add(`${path}.directoryPath`, channel.directoryPath, 'must be an absolute path inside the file system');
    }
    if (!local && !(Array.isArray(options.subnets) && options.subnets.length && Array.isArray(options.securityGroupIds) && options.securityGroupIds.length)) {
      add(path, undefined, "a FileSystemInput needs subnets and securityGroupIds (the job must run in the file system's VPC)");
    }
    return;
  }
  checkUri(add, `${path}.s3Data`, channel.s3Data, 'input', local);
  if (Array.isArray(channel.attributeNames)) {
    if (channel.s3DataType !== 'AugmentedManifestFile') {
      add(`${path}.attributeNames`, channel.attributeNames, 'is only valid with s3DataType AugmentedManifestFile');
    }
    if (channel.attributeNames.length > 16) add(`${path}.attributeNames`, channel.attributeNames.length, 'must list at most 16 names');
  }
  if (isObject(channel.shuffleConfig) && isNumber(channel.shuffleConfig.seed) && channel.shuffleConfig.seed < 0) {
    add(`${path}.shuffleConfig.seed`, channel.shuffleConfig.seed, 'must be >= 0');
  }
}

function checkChannelName(add: Sink, path: string, name: string): void {
  if (name.length === 0 || name.length > LIMITS.channelNameLength || !CHANNEL_NAME_PATTERN.test(name)) {
    add(path, name, `channel names must be 1-${LIMITS.channelNameLength} characters of letters, digits, '.', '-' and '_'`);
  }
}

export function checkInputs(add: Sink, options: Record<string, unknown>, local: boolean): void {
  const { inputs } = options;
  const modelChannel = isString(options.modelChannelName) ? options.modelChannelName : 'model';
  if (isString(options.modelChannelName)) checkChannelName(add, 'modelChannelName', options.modelChannelName);
  if (isString(inputs)) checkUri(add, 'inputs', inputs, 'input', local);
  const names = isString(inputs) ? ['training'] : isObject(inputs) ? Object.keys(inputs) : [];
  if (isObject(inputs)) {
    for (const [name, channel] of Object.entries(inputs)) {
      checkChannelName(add, `inputs.${name}`, name);
      checkChannel(add, `inputs.${name}`, channel, options, local);
    }
  }
  if (options.modelUri !== undefined) {
    checkUri(add, 'modelUri', options.modelUri, 'input', local);
    if (names.includes(modelChannel)) {
      add('modelChannelName', modelChannel, 'must differ from every input channel name (modelUri becomes its own channel)');
    }
  }
  const count = names.length + (options.modelUri !== undefined ? 1 : 0);
  if (count > LIMITS.channels) add('inputs', count, `must have at most ${LIMITS.channels} channels (modelUri included)`);
}

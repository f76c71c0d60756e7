/**
 * Augmented manifests (`S3DataType: AugmentedManifestFile`, Pipe mode only): a JSON Lines file,
 * one JSON object per line. For every line, in order, SageMaker streams the channel's
 * `AttributeNames`, in the order given:
 * - an attribute whose name ends in `-ref` holds an `s3://` URI: the object's bytes are streamed
 *   (locally a `file://` URI or an absolute path works too);
 * - any other attribute is streamed as its value: a string as its UTF-8 text, anything else
 *   (numbers, objects such as Ground Truth bounding boxes) as its JSON text.
 * With `RecordWrapperType: RecordIO` each attribute is one record.
 *
 * The result is grouped per line, so sharding (`ShardedByS3Key`) and shuffling move whole lines,
 * never split a line's attributes apart.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { fileUriToPath, isFileUri, isS3Uri, parseS3Uri } from '../../s3/uri.js';
import { channelError } from './errors.js';
import { checkManifestLocalRef } from './manifest-refs.js';
import { readManifestText } from './manifest-text.js';
import type { DataItem, SourceContext } from './source-types.js';

/** Every line's items, in manifest order; blank lines are skipped. Throws a ChannelDataError. */
export async function listAugmentedManifest(ctx: SourceContext): Promise<DataItem[][]> {
  const names = ctx.attributeNames ?? [];
  if (names.length === 0) throw channelError(ctx, 'an AugmentedManifestFile channel needs attributeNames: the attributes to stream, in order');
  const text = await readManifestText(ctx);
  const lines: DataItem[][] = [];
  for (const [index, raw] of text.split('\n').entries()) {
    if (raw.trim() === '') continue;
    const where = `line ${index + 1}`;
    let record: unknown;
    try {
      record = JSON.parse(raw);
    } catch (error) {
      throw channelError(ctx, `${where} of the augmented manifest is not valid JSON: ${(error as Error).message}`, error);
    }
    if (typeof record !== 'object' || record === null || Array.isArray(record))
      throw channelError(ctx, `${where} of the augmented manifest is not a JSON object`);
    const fields = record as Record<string, unknown>;
    const items: DataItem[] = [];
    for (const name of names) {
      if (!(name in fields)) throw channelError(ctx, `${where} of the augmented manifest has no attribute "${name}" (attributeNames: ${names.join(', ')})`);
      items.push(await attributeItem(ctx, name, fields[name], `${where}, attribute "${name}"`));
    }
    lines.push(items);
  }
  if (lines.length === 0) throw channelError(ctx, 'the augmented manifest has no lines');
  return lines;
}

async function attributeItem(ctx: SourceContext, name: string, value: unknown, where: string): Promise<DataItem> {
  if (!name.endsWith('-ref')) {
    const data = Buffer.from(typeof value === 'string' ? value : JSON.stringify(value), 'utf8');
    return { kind: 'inline', data, relativePath: where, size: data.length };
  }
  if (typeof value !== 'string') throw channelError(ctx, `${where}: a -ref attribute must hold an s3:// URI, got ${JSON.stringify(value)}`);
  if (isS3Uri(value)) {
    const location = parseS3Uri(value);
    return { kind: 's3', location, relativePath: path.posix.basename(location.key) };
  }
  const file = isFileUri(value) ? fileUriToPath(value) : value;
  if (!path.isAbsolute(file))
    throw channelError(ctx, `${where}: a -ref attribute must hold an s3:// URI, a file:// URI or an absolute path, got ${JSON.stringify(value)}`);
  await checkManifestLocalRef(ctx, file, where);
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) throw channelError(ctx, `${where}: ${file} is not a file`);
  return { kind: 'file', path: file, relativePath: path.basename(file), size: info.size };
}

/**
 * What a channel's `S3Uri` stands for, and the list of objects (or local files) it selects, with
 * the path each one gets under `/opt/ml/input/data/<channel>/`.
 *
 * Path rule (S3Prefix), the same for `s3://` keys and for `file://` name prefixes:
 * - the URI names a single object (key equals the prefix) → its base name;
 * - the prefix ends in `/`, or the key continues the prefix with `/` (the prefix is a "folder",
 *   the common `s3://bucket/data/train` case) → the key after that folder;
 * - otherwise (a partial name such as `s3://bucket/data/train_` matching `data/train_1.csv`)
 *   → the key after the prefix's last `/`, so the file keeps its whole name.
 * This matches what containers see on SageMaker for folder and single-object URIs (e.g. the
 * SDK's `upload_data()` result `s3://bucket/prefix` puts `prefix/x.npy` at `<channel>/x.npy`).
 *
 * `file://` URIs: an existing directory or file is taken as exactly that (like the Python SDK's
 * local mode); only a path that does not exist is treated as a name prefix, like S3 would.
 */
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileUriToPath, formatS3Uri, isFileUri, isS3Uri, parseS3Uri, type S3Location } from '../../s3/uri.js';
import { listObjects } from '../../s3/transfer.js';
import { listAugmentedManifest } from './augmented-manifest.js';
import { channelError, type ChannelRef } from './errors.js';
import { checkManifestLocalRef } from './manifest-refs.js';
import { readManifestText } from './manifest-text.js';
import type { ChannelSource, DataItem, LocalItem, S3Item, SourceContext } from './source-types.js';

export type { ChannelSource, DataItem, LocalItem, SourceContext } from './source-types.js';

/** Path of `key` under the channel directory, for an S3Prefix `prefix` (see the module doc). */
export function relativeKey(prefix: string, key: string): string {
  if (key === prefix) return key.slice(key.lastIndexOf('/') + 1);
  if (prefix === '' || prefix.endsWith('/')) return key.slice(prefix.length);
  if (key.startsWith(`${prefix}/`)) return key.slice(prefix.length + 1);
  return key.slice(prefix.lastIndexOf('/') + 1);
}

/** Byte-wise (UTF-8) order, the order S3 lists keys in. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** Classifies a channel URI; throws a ChannelDataError for unsupported schemes/types. */
export async function classifySource(ctx: SourceContext, dataType: string | undefined): Promise<ChannelSource> {
  const { uri } = ctx;
  const type = dataType ?? 'S3Prefix';
  if (type === 'Converse') {
    throw channelError(ctx, `S3DataType ${type} is not supported by the local backend; use S3Prefix, ManifestFile or AugmentedManifestFile`);
  }
  if (type !== 'S3Prefix' && type !== 'ManifestFile' && type !== 'AugmentedManifestFile') {
    throw channelError(ctx, `unknown S3DataType ${JSON.stringify(type)}`);
  }
  if (!isS3Uri(uri) && !isFileUri(uri)) {
    throw channelError(ctx, 'the data URI must start with s3:// or file://');
  }
  if (type === 'ManifestFile') return { type: 'manifest', uri };
  if (type === 'AugmentedManifestFile') return { type: 'augmented-manifest', uri };
  if (isS3Uri(uri)) return { type: 's3-prefix', location: parseS3Uri(uri) };

  const local = fileUriToPath(uri);
  const info = await stat(local).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined;
    throw channelError(ctx, `cannot read ${local}: ${error.message}`, error);
  });
  if (info?.isDirectory()) return { type: 'local-dir', path: path.resolve(local) };
  if (info?.isFile()) return { type: 'local-file', path: local };
  if (info) throw channelError(ctx, `${local} is neither a file nor a directory`);
  return { type: 'local-prefix', path: local };
}

/**
 * Every regular file under `root` (symbolic links followed, loops skipped), sorted by relative
 * path in S3 key order. Sockets, FIFOs and devices are left out.
 */
export async function walkFiles(root: string, prefix = ''): Promise<LocalItem[]> {
  const items: LocalItem[] = [];
  const seen = new Set<string>();
  const visit = async (dir: string, rel: string): Promise<void> => {
    const real = await realpath(dir);
    if (seen.has(real)) return;
    seen.add(real);
    const entries = await readdir(dir);
    for (const name of entries) {
      const full = path.join(dir, name);
      const relativePath = rel ? `${rel}/${name}` : name;
      const info = await stat(full).catch(() => undefined); // dangling links are skipped
      if (!info) continue;
      if (info.isDirectory()) await visit(full, relativePath);
      else if (info.isFile()) items.push({ kind: 'file', path: full, relativePath, size: info.size, mtimeMs: info.mtimeMs });
    }
  };
  await visit(root, prefix);
  return items.sort((a, b) => compareKeys(a.relativePath, b.relativePath));
}

/** True when the tree under `root` holds at least one regular file; stops at the first one. */
export async function containsFile(root: string): Promise<boolean> {
  const seen = new Set<string>();
  const visit = async (dir: string): Promise<boolean> => {
    const real = await realpath(dir);
    if (seen.has(real)) return false;
    seen.add(real);
    const dirs: string[] = [];
    for (const name of await readdir(dir)) {
      const info = await stat(path.join(dir, name)).catch(() => undefined);
      if (info?.isFile()) return true;
      if (info?.isDirectory()) dirs.push(path.join(dir, name));
    }
    for (const sub of dirs) if (await visit(sub)) return true;
    return false;
  };
  return visit(root);
}

/** Lists what a source selects, in S3 listing order (or manifest order). Never empty: throws instead. */
export async function listItems(ctx: SourceContext, source: ChannelSource): Promise<DataItem[]> {
  let items: DataItem[];
  switch (source.type) {
    case 'local-dir':
      items = await walkFiles(source.path);
      if (items.length === 0) throw channelError(ctx, `no files found in ${source.path} (SageMaker fails a job whose channel has no objects)`);
      return items;
    case 'local-file': {
      const { size } = await stat(source.path);
      return [{ kind: 'file', path: source.path, relativePath: path.basename(source.path), size }];
    }
    case 'local-prefix':
      return listLocalPrefix(ctx, source.path);
    case 's3-prefix':
      return listS3Prefix(ctx, source.location);
    case 'manifest':
      return listManifest(ctx);
    case 'augmented-manifest':
      return (await listAugmentedManifest(ctx)).flat();
  }
}

async function listLocalPrefix(ref: ChannelRef, prefixPath: string): Promise<LocalItem[]> {
  const parent = path.dirname(prefixPath);
  const base = path.basename(prefixPath);
  if (prefixPath.endsWith('/') || prefixPath.endsWith(path.sep)) throw channelError(ref, `${prefixPath} does not exist`);
  const entries = await readdir(parent).catch(() => {
    throw channelError(ref, `${prefixPath} does not exist`);
  });
  const items: LocalItem[] = [];
  for (const name of entries.filter((n) => n.startsWith(base))) {
    const full = path.join(parent, name);
    const info = await stat(full).catch(() => undefined);
    if (info?.isDirectory()) items.push(...(await walkFiles(full, name)));
    else if (info?.isFile()) items.push({ kind: 'file', path: full, relativePath: name, size: info.size });
  }
  if (items.length === 0) {
    throw channelError(ref, `${prefixPath} does not exist, and no file in ${parent} starts with "${base}"`);
  }
  return items.sort((a, b) => compareKeys(a.relativePath, b.relativePath));
}

async function listS3Prefix(ctx: SourceContext, location: S3Location): Promise<S3Item[]> {
  const items: S3Item[] = [];
  try {
    for await (const object of listObjects(ctx.s3(), location, ctx.signal)) {
      // Zero-byte "folder" markers made by consoles and tools are not data.
      if (!object.Key || object.Key.endsWith('/')) continue;
      items.push({
        kind: 's3',
        location: { bucket: location.bucket, key: object.Key },
        relativePath: relativeKey(location.key, object.Key),
        ...(object.Size === undefined ? {} : { size: object.Size }),
      });
    }
  } catch (error) {
    if (ctx.signal?.aborted) throw error;
    throw channelError(ctx, `cannot list ${formatS3Uri(location)}: ${(error as Error).message}`, error);
  }
  if (items.length === 0) throw channelError(ctx, `no S3 objects found under ${formatS3Uri(location)}`);
  return items;
}

/** Reads a manifest (`[{"prefix": …}, "suffix", …]`) from S3 or disk and lists its entries. */
async function listManifest(ctx: SourceContext): Promise<DataItem[]> {
  const text = await readManifestText(ctx);
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch (error) {
    throw channelError(ctx, `the manifest is not valid JSON: ${(error as Error).message}`, error);
  }
  const [head, ...entries] = Array.isArray(manifest) ? manifest : [];
  const prefix = (head as { prefix?: unknown } | undefined)?.prefix;
  if (typeof prefix !== 'string' || !(isS3Uri(prefix) || isFileUri(prefix))) {
    throw channelError(ctx, 'a manifest must be a JSON array whose first element is {"prefix": "s3://bucket/some/prefix/"}');
  }
  if (entries.length === 0) throw channelError(ctx, 'the manifest lists no objects');
  const items: DataItem[] = [];
  for (const entry of entries) {
    if (typeof entry !== 'string' || entry === '')
      throw channelError(ctx, `manifest entries after the prefix must be non-empty strings, got ${JSON.stringify(entry)}`);
    const suffix = entry as string;
    // SageMaker appends each entry to the prefix; the entry is also the file's path in the channel.
    const relativePath = suffix.replace(/^\/+/, '');
    if (isS3Uri(prefix)) {
      items.push({ kind: 's3', location: parseS3Uri(prefix + suffix), relativePath });
    } else {
      const file = fileUriToPath(prefix + suffix);
      await checkManifestLocalRef(ctx, file, `manifest entry ${JSON.stringify(suffix)}`);
      const info = await stat(file).catch(() => undefined);
      if (!info?.isFile()) throw channelError(ctx, `manifest entry ${JSON.stringify(suffix)}: ${file} is not a file`);
      items.push({ kind: 'file', path: file, relativePath, size: info!.size });
    }
  }
  return items;
}

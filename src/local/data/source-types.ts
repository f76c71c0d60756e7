/** What a channel's data source is and the items it lists (types only, shared by the source readers). */
import type { S3Client } from '@aws-sdk/client-s3';
import type { S3Location } from '../../s3/uri.js';

/** A local file selected by a channel. */
export interface LocalItem {
  kind: 'file';
  /** Absolute path on this machine. */
  path: string;
  /** Path under the channel directory, `/`-separated. */
  relativePath: string;
  size: number;
  /** Modification time, when the file was found by walking a directory. */
  mtimeMs?: number;
}

/** An S3 object selected by a channel. */
export interface S3Item {
  kind: 's3';
  location: S3Location;
  relativePath: string;
  /** Known from listings; unknown for manifest entries until they are fetched. */
  size?: number;
}

/** Bytes given inline: a plain attribute of an augmented manifest line. */
interface InlineItem {
  kind: 'inline';
  data: Buffer;
  /** Where the bytes come from, for messages (e.g. `line 3, attribute "label"`). */
  relativePath: string;
  size: number;
}

/** One object of a channel, wherever it lives. */
export type DataItem = LocalItem | S3Item | InlineItem;

/** What a channel URI points at. */
export type ChannelSource =
  | { type: 'local-dir'; path: string }
  | { type: 'local-file'; path: string }
  /** A local path that does not exist, used as a name prefix inside its parent directory. */
  | { type: 'local-prefix'; path: string }
  | { type: 's3-prefix'; location: S3Location }
  | { type: 'manifest'; uri: string }
  /** JSON Lines whose attributes are streamed (Pipe mode only), see `augmented-manifest.ts`. */
  | { type: 'augmented-manifest'; uri: string };

/** Channel name and URI, for error messages. */
export interface SourceContext {
  channel: string;
  uri: string;
  s3: () => S3Client;
  signal?: AbortSignal | undefined;
  /** `AttributeNames` of an augmented manifest channel. */
  attributeNames?: readonly string[] | undefined;
  /** `local.allowManifestLocalPaths`: manifests may name any file of this machine. */
  allowManifestLocalPaths?: boolean | undefined;
}

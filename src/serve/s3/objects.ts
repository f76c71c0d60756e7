/**
 * The store's data on disk. No bucket name or key ever becomes a file path: object bytes are
 * blobs under random names (`blobs/<uuid>`), and each bucket and object is a small JSON record
 * under the SHA-256 of its name (`buckets/<sha256>.json`, `objects/<sha256 bucket>/<sha256 key>.json`)
 * holding the real name. A key like `../../etc/passwd` is just a string in a record. Records are
 * written to a temporary name and renamed, so a crash leaves the old or the new record, never half
 * of one; the records are read once at start into an in-memory index that answers listings.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { noSuchBucket, noSuchKey, S3Error } from './errors.js';

/** What the store keeps of one object besides its bytes. */
export interface ObjectRecord {
  bucket: string;
  key: string;
  /** Name of the blob file holding the bytes. */
  blob: string;
  size: number;
  /** Hex MD5 of the bytes, or `<hex>-<parts>` for a multipart upload (no quotes). */
  etag: string;
  /** ISO time. */
  lastModified: string;
  contentType: string;
  /** Content-Encoding, Content-Disposition, Cache-Control, Content-Language, Expires as sent. */
  headers: Record<string, string>;
  /** `x-amz-meta-*` values by lower-case name (without the prefix). */
  metadata: Record<string, string>;
  /** The flexible checksum the client sent (`crc32`, `crc32c`, `crc64nvme`, `sha1`, `sha256`), base64. */
  checksum?: { algorithm: string; value: string };
}

interface BucketRecord {
  name: string;
  created: string;
}

interface BucketState {
  record: BucketRecord;
  objects: Map<string, ObjectRecord>;
  /** Keys in S3 order (UTF-8 byte order), rebuilt after a change. */
  sorted?: string[];
}

const hash = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** S3 lists keys in the byte order of their UTF-8 encoding. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

async function writeJsonAtomically(file: string, value: unknown): Promise<void> {
  const temp = `${file}.${randomUUID()}.tmp`;
  await writeFile(temp, JSON.stringify(value));
  await rename(temp, file);
}

async function readJsonDir<T>(dir: string): Promise<T[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const records: T[] = [];
  for (const name of names) {
    if (!name.endsWith('.json')) continue;
    const text = await readFile(path.join(dir, name), 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    try {
      records.push(JSON.parse(text) as T);
    } catch {
      // A damaged record (disk trouble) hides one object, not the store.
    }
  }
  return records;
}

/** Buckets and objects of the embedded store, under `root`. */
export class ObjectStore {
  private readonly buckets = new Map<string, BucketState>();

  private constructor(readonly root: string) {}

  /** Opens (creating it if needed) the store under `root` and loads its index. */
  static async open(root: string): Promise<ObjectStore> {
    const store = new ObjectStore(root);
    for (const dir of ['buckets', 'objects', 'blobs', 'tmp', 'uploads']) await mkdir(path.join(root, dir), { recursive: true });
    // Leftovers of uploads cut off by a crash.
    await rm(path.join(root, 'tmp'), { recursive: true, force: true });
    await mkdir(path.join(root, 'tmp'));
    for (const record of await readJsonDir<BucketRecord>(path.join(root, 'buckets'))) {
      const objects = new Map<string, ObjectRecord>();
      for (const object of await readJsonDir<ObjectRecord>(path.join(root, 'objects', hash(record.name)))) objects.set(object.key, object);
      store.buckets.set(record.name, { record, objects });
    }
    return store;
  }

  /** A fresh path for bytes being received (moved into place by {@link adoptBlob}). */
  tempFile(): string {
    return path.join(this.root, 'tmp', randomUUID());
  }

  /** The file holding a blob's bytes. */
  blobPath(blob: string): string {
    return path.join(this.root, 'blobs', blob);
  }

  /** Moves a received temp file into the blobs; returns the blob's name. */
  async adoptBlob(tempFile: string): Promise<string> {
    const blob = randomUUID();
    await rename(tempFile, this.blobPath(blob));
    return blob;
  }

  async removeBlob(blob: string): Promise<void> {
    await rm(this.blobPath(blob), { force: true });
  }

  listBuckets(): BucketRecord[] {
    return [...this.buckets.values()].map((b) => b.record).sort((a, b) => compareKeys(a.name, b.name));
  }

  hasBucket(name: string): boolean {
    return this.buckets.has(name);
  }

  private bucket(name: string): BucketState {
    const state = this.buckets.get(name);
    if (!state) throw noSuchBucket(name);
    return state;
  }

  async createBucket(name: string): Promise<void> {
    // As in us-east-1: creating a bucket you already own succeeds and changes nothing.
    if (this.buckets.has(name)) return;
    const record = { name, created: new Date().toISOString() };
    this.buckets.set(name, { record, objects: new Map() });
    await mkdir(path.join(this.root, 'objects', hash(name)), { recursive: true });
    await writeJsonAtomically(path.join(this.root, 'buckets', `${hash(name)}.json`), record);
  }

  async deleteBucket(name: string): Promise<void> {
    const state = this.bucket(name);
    if (state.objects.size > 0) throw new S3Error('BucketNotEmpty', 'The bucket you tried to delete is not empty', 409, { BucketName: name });
    this.buckets.delete(name);
    await rm(path.join(this.root, 'buckets', `${hash(name)}.json`), { force: true });
    await rm(path.join(this.root, 'objects', hash(name)), { recursive: true, force: true });
  }

  /** Throws NoSuchBucket unless the bucket exists. */
  requireBucket(name: string): void {
    this.bucket(name);
  }

  getObject(bucket: string, key: string): ObjectRecord {
    const object = this.bucket(bucket).objects.get(key);
    if (!object) throw noSuchKey(key);
    return object;
  }

  findObject(bucket: string, key: string): ObjectRecord | undefined {
    return this.bucket(bucket).objects.get(key);
  }

  /** Stores (or replaces) an object record; the replaced object's blob is removed. */
  async putObject(record: ObjectRecord): Promise<void> {
    const state = this.bucket(record.bucket);
    const before = state.objects.get(record.key);
    await writeJsonAtomically(path.join(this.root, 'objects', hash(record.bucket), `${hash(record.key)}.json`), record);
    state.objects.set(record.key, record);
    if (!before) state.sorted = undefined;
    if (before && before.blob !== record.blob) await this.removeBlob(before.blob);
  }

  /** Deletes an object; deleting one that is not there succeeds, as in S3. */
  async deleteObject(bucket: string, key: string): Promise<void> {
    const state = this.bucket(bucket);
    const before = state.objects.get(key);
    if (!before) return;
    state.objects.delete(key);
    state.sorted = undefined;
    await rm(path.join(this.root, 'objects', hash(bucket), `${hash(key)}.json`), { force: true });
    await this.removeBlob(before.blob);
  }

  /** The bucket's keys in S3 order. */
  sortedKeys(bucket: string): string[] {
    const state = this.bucket(bucket);
    state.sorted ??= [...state.objects.keys()].sort(compareKeys);
    return state.sorted;
  }

  /** Where multipart uploads keep their records. */
  uploadsDir(): string {
    return path.join(this.root, 'uploads');
  }
}

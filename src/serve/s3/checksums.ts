/**
 * The checksums of an upload: MD5 (the ETag, and Content-MD5 when sent) and the flexible
 * checksum the current AWS SDKs send by default (CRC32, CRC32C, CRC64NVME, SHA-1, SHA-256) in a
 * header or an aws-chunked trailer. Computed while the bytes stream to disk; a mismatch is
 * S3's BadDigest and nothing is stored.
 */
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { Crc32, Crc32c, Crc64Nvme } from '@aws-sdk/checksums/crc';
import { S3Error } from './errors.js';

/** Flexible checksum algorithms by their header suffix. */
const ALGORITHMS = ['crc32', 'crc32c', 'crc64nvme', 'sha1', 'sha256'] as const;
type Algorithm = (typeof ALGORITHMS)[number];

interface Checksum {
  update(data: Uint8Array): void;
  digest(): Promise<Uint8Array>;
}

function checksumOf(algorithm: Algorithm): Checksum {
  if (algorithm === 'sha1' || algorithm === 'sha256') {
    const hash: Hash = createHash(algorithm);
    return { update: (data) => hash.update(data), digest: async () => hash.digest() };
  }
  return algorithm === 'crc32' ? new Crc32() : algorithm === 'crc32c' ? new Crc32c() : new Crc64Nvme();
}

/** The flexible checksum algorithm a request announces (header value, trailer name or SDK hint). */
export function requestedAlgorithm(headers: Record<string, string | string[] | undefined>): Algorithm | undefined {
  for (const algorithm of ALGORITHMS) if (headers[`x-amz-checksum-${algorithm}`] !== undefined) return algorithm;
  const trailer = String(headers['x-amz-trailer'] ?? '').toLowerCase();
  const fromTrailer = ALGORITHMS.find((a) => trailer === `x-amz-checksum-${a}`);
  if (fromTrailer) return fromTrailer;
  const hint = String(headers['x-amz-sdk-checksum-algorithm'] ?? headers['x-amz-checksum-algorithm'] ?? '').toLowerCase();
  return ALGORITHMS.find((a) => a === hint);
}

/** Passes bytes through while hashing them. */
export class ChecksumTap extends Transform {
  private readonly md5 = createHash('md5');
  private readonly flexible: Checksum | undefined;
  bytes = 0;

  constructor(readonly algorithm: Algorithm | undefined) {
    super();
    this.flexible = algorithm ? checksumOf(algorithm) : undefined;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.md5.update(chunk);
    this.flexible?.update(chunk);
    this.bytes += chunk.length;
    callback(null, chunk);
  }

  /** Hex MD5 and the flexible checksum (base64), once the stream ended. */
  async results(): Promise<{ md5: Buffer; checksum?: { algorithm: string; value: string } }> {
    const md5 = this.md5.digest();
    if (!this.flexible || !this.algorithm) return { md5 };
    const value = Buffer.from(await this.flexible.digest()).toString('base64');
    return { md5, checksum: { algorithm: this.algorithm, value } };
  }
}

/**
 * Checks what the client sent against what arrived: Content-MD5 (base64) and the flexible
 * checksum from its header or trailer. Throws BadDigest / InvalidDigest.
 */
export function verifyDigests(
  headers: Record<string, string | string[] | undefined>,
  trailers: Record<string, string>,
  computed: { md5: Buffer; checksum?: { algorithm: string; value: string } },
): void {
  const contentMd5 = headers['content-md5'];
  if (typeof contentMd5 === 'string') {
    const sent = Buffer.from(contentMd5, 'base64');
    if (sent.length !== 16) throw new S3Error('InvalidDigest', 'The Content-MD5 you specified was invalid.', 400);
    if (!sent.equals(computed.md5)) throw new S3Error('BadDigest', 'The Content-MD5 you specified did not match what we received.', 400);
  }
  if (computed.checksum) {
    const name = `x-amz-checksum-${computed.checksum.algorithm}`;
    const sent = trailers[name] ?? headers[name];
    if (typeof sent === 'string' && sent !== computed.checksum.value) {
      throw new S3Error('BadDigest', `The ${computed.checksum.algorithm.toUpperCase()} you specified did not match the calculated checksum.`, 400);
    }
  }
}

/**
 * The `aws-chunked` content encoding the AWS SDKs use for streaming uploads with a checksum
 * (`x-amz-content-sha256: STREAMING-UNSIGNED-PAYLOAD-TRAILER` or `STREAMING-AWS4-HMAC-SHA256-PAYLOAD…`):
 *
 *     <hex size>[;chunk-signature=<sig>]\r\n<size bytes>\r\n … 0[;chunk-signature=…]\r\n[<trailer>:<value>\r\n]…\r\n
 *
 * Decoded as a stream (bounded buffering), the trailers (e.g. `x-amz-checksum-crc32`) collected.
 * Signatures are not verified (serve verifies none).
 */
import { Transform, type TransformCallback } from 'node:stream';
import { S3Error } from './errors.js';

/** True when a request body is aws-chunked. */
export function isAwsChunked(headers: Record<string, string | string[] | undefined>): boolean {
  const sha = String(headers['x-amz-content-sha256'] ?? '');
  return sha.startsWith('STREAMING-') || /\baws-chunked\b/i.test(String(headers['content-encoding'] ?? ''));
}

const MAX_LINE = 4096;
const malformed = (why: string) => new S3Error('IncompleteBody', `the aws-chunked request body is malformed: ${why}`, 400);

/** Decodes an aws-chunked body; `trailers` holds the trailing headers once the stream ended. */
export class AwsChunkedDecoder extends Transform {
  readonly trailers: Record<string, string> = {};
  private buffer: Buffer = Buffer.alloc(0);
  /** Bytes of chunk data still to pass on, then 2 for the CRLF after it. */
  private remaining = 0;
  private state: 'size' | 'data' | 'crlf' | 'trailers' | 'done' = 'size';

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    try {
      this.consume();
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    if (this.state === 'trailers' && this.buffer.length === 0) this.state = 'done';
    callback(this.state === 'done' ? undefined : malformed('it ended early'));
  }

  /** The next CRLF-terminated line, or undefined until it has arrived. */
  private line(): string | undefined {
    const end = this.buffer.indexOf('\r\n');
    if (end < 0) {
      if (this.buffer.length > MAX_LINE) throw malformed('a line is too long');
      return undefined;
    }
    const text = this.buffer.subarray(0, end).toString('latin1');
    this.buffer = this.buffer.subarray(end + 2);
    return text;
  }

  private consume(): void {
    for (;;) {
      if (this.state === 'size') {
        const line = this.line();
        if (line === undefined) return;
        const size = Number.parseInt(line.split(';', 1)[0]!.trim(), 16);
        if (!Number.isFinite(size) || size < 0) throw malformed(`bad chunk size ${JSON.stringify(line.slice(0, 40))}`);
        this.remaining = size;
        this.state = size === 0 ? 'trailers' : 'data';
      } else if (this.state === 'data') {
        if (this.buffer.length === 0) return;
        const take = Math.min(this.remaining, this.buffer.length);
        this.push(this.buffer.subarray(0, take));
        this.buffer = this.buffer.subarray(take);
        this.remaining -= take;
        if (this.remaining === 0) this.state = 'crlf';
      } else if (this.state === 'crlf') {
        if (this.buffer.length < 2) return;
        if (this.buffer[0] !== 0x0d || this.buffer[1] !== 0x0a) throw malformed('a chunk is longer than its size');
        this.buffer = this.buffer.subarray(2);
        this.state = 'size';
      } else if (this.state === 'trailers') {
        const line = this.line();
        if (line === undefined) return;
        if (line === '') {
          this.state = 'done';
          continue;
        }
        const colon = line.indexOf(':');
        if (colon > 0) this.trailers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      } else {
        // Anything after the final empty line is ignored.
        this.buffer = Buffer.alloc(0);
        return;
      }
    }
  }
}

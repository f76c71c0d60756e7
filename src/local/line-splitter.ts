/**
 * Splits a byte stream into lines synchronously, as chunks arrive. Two splitters fed by one
 * demultiplexer (stdout and stderr of a container) therefore report lines in the order the
 * container wrote them, which asynchronous line readers do not guarantee.
 */
import { StringDecoder } from 'node:string_decoder';
import { Writable } from 'node:stream';

/** A writable that calls `onLine` for every complete line (without `\n` or `\r\n`). */
export class LineSplitter extends Writable {
  private rest = '';
  private readonly decoder = new StringDecoder('utf8');

  constructor(private readonly onLine: (line: string) => void) {
    super();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    const parts = (this.rest + this.decoder.write(chunk)).split('\n');
    this.rest = parts.pop() ?? '';
    for (const part of parts) this.onLine(part.endsWith('\r') ? part.slice(0, -1) : part);
    callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    const last = this.rest + this.decoder.end();
    this.rest = '';
    if (last) this.onLine(last);
    callback();
  }
}

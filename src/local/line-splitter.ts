/**
 * Splits a byte stream into lines synchronously, as chunks arrive. Two splitters fed by one
 * demultiplexer (stdout and stderr of a container) therefore report lines in the order the
 * container wrote them, which asynchronous line readers do not guarantee.
 *
 * Only each new chunk is searched for line ends, and the pieces of an unfinished line are kept
 * as a list joined once the line ends: re-scanning the growing remainder on every chunk made a
 * 5 MiB line cost a second, long enough for the output to be closed under it (FAULTS 10).
 */
import { StringDecoder } from 'node:string_decoder';
import { Writable } from 'node:stream';

/** A writable that calls `onLine` for every complete line (without `\n` or `\r\n`). */
export class LineSplitter extends Writable {
  private pending: string[] = [];
  private readonly decoder = new StringDecoder('utf8');

  constructor(private readonly onLine: (line: string) => void) {
    super();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    const text = this.decoder.write(chunk);
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      this.pending.push(text.slice(start, end));
      const line = this.pending.length === 1 ? this.pending[0]! : this.pending.join('');
      this.pending = [];
      this.onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
      start = end + 1;
    }
    if (start < text.length) this.pending.push(text.slice(start));
    callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    const last = this.pending.join('') + this.decoder.end();
    this.pending = [];
    if (last) this.onLine(last);
    callback();
  }
}

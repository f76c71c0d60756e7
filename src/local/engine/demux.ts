/**
 * Splits an engine's multiplexed container output (attach, logs) into stdout and stderr.
 *
 * The format is Docker's: frames of an 8-byte header (stream type 0/1/2, three zero bytes, the
 * payload length as a big-endian uint32) and the payload. docker-modem's `demuxStream` copies
 * the rest of its buffer after every frame and recurses once per frame, so a chunk of N small
 * frames costs O(N²) bytes copied — a container printing 200 000 short lines made the CLI churn
 * through gigabytes of short-lived buffers (CPU, and peak RSS 3x an empty job). This walks each
 * chunk once; a frame split across chunks is joined once, when it is complete.
 */
import type { Writable } from 'node:stream';

const HEADER_BYTES = 8;
const STDOUT = 1;
const STDERR = 2;

/** Writes each frame's payload to `stdout` or `stderr`, as the frames arrive on `source`. */
export function demuxOutput(source: NodeJS.ReadableStream, stdout: Writable, stderr: Writable): void {
  let pieces: Buffer[] = [];
  let buffered = 0;
  let needed = HEADER_BYTES;
  let raw = false;

  source.on('data', (chunk: Buffer) => {
    if (raw) return void stdout.write(chunk);
    pieces.push(chunk);
    buffered += chunk.length;
    if (buffered < needed) return;
    const data = pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces, buffered);
    let offset = 0;
    while (data.length - offset >= HEADER_BYTES) {
      const type = data[offset]!;
      if (type > STDERR) {
        // Not multiplexed (a TTY container) or out of step: the rest is plain output, as docker-modem does.
        raw = true;
        stdout.write(data.subarray(offset));
        offset = data.length;
        break;
      }
      const end = offset + HEADER_BYTES + data.readUInt32BE(offset + 4);
      if (end > data.length) break;
      // Stream 0 (stdin, echoed) goes with stderr, as docker-modem sends it.
      (type === STDOUT ? stdout : stderr).write(data.subarray(offset + HEADER_BYTES, end));
      offset = end;
    }
    const rest = data.subarray(offset);
    pieces = rest.length > 0 ? [rest] : [];
    buffered = rest.length;
    // The bytes still missing before the next frame can be written out whole.
    needed = rest.length >= HEADER_BYTES ? HEADER_BYTES + rest.readUInt32BE(4) : HEADER_BYTES;
  });
}

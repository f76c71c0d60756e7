import { PassThrough, Writable } from 'node:stream';
import Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { demuxOutput } from './demux.js';

function frame(stream: 0 | 1 | 2, payload: Buffer | string): Buffer {
  const body = Buffer.from(payload);
  const header = Buffer.alloc(8);
  header.writeUInt8(stream, 0);
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}

/** Collects what each side received, tagged, in the order written. */
function sink(tag: string, into: string[]): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      into.push(`${tag}:${chunk.toString()}`);
      callback();
    },
  });
}

/** Feeds `bytes` in pieces of the given sizes (cycled) through a demultiplexer. */
function run(demux: (source: PassThrough, out: Writable, err: Writable) => void, bytes: Buffer, sizes: number[]): string[] {
  const got: string[] = [];
  const source = new PassThrough();
  demux(source, sink('out', got), sink('err', got));
  for (let offset = 0, i = 0; offset < bytes.length; i++) {
    const size = sizes[i % sizes.length]!;
    source.emit('data', bytes.subarray(offset, offset + size));
    offset += size;
  }
  return got;
}

/** Payloads joined per stream, in order: what a line splitter downstream sees. */
function joined(writes: string[]): string[] {
  const out: string[] = [];
  for (const w of writes) {
    const tag = w.slice(0, 3);
    if (out.length && out.at(-1)!.startsWith(tag)) out[out.length - 1] += w.slice(4);
    else out.push(w);
  }
  return out;
}

describe('demuxOutput', () => {
  const stream = Buffer.concat([
    frame(1, 'hello\n'),
    frame(2, 'warn\n'),
    frame(1, ''),
    frame(1, 'a'.repeat(70_000)),
    frame(2, 'b\n'),
    frame(0, 'stdin echo\n'),
  ]);

  it.each([[[stream.length]], [[1]], [[3, 5, 7]], [[8]], [[9, 64 * 1024]], [[16 * 1024]]])('gives what docker-modem gives, chunked as %j', (sizes) => {
    const modem = new Docker({ socketPath: '/nonexistent' }).modem;
    const expected = joined(run((s, o, e) => modem.demuxStream(s, o, e), stream, sizes));
    expect(joined(run(demuxOutput, stream, sizes))).toEqual(expected);
    expect(expected[0]).toBe('out:hello\n');
  });

  it('writes each small frame of a chunk once, as a view (no copy of the rest per frame)', () => {
    const frames = Array.from({ length: 50_000 }, (_, i) => frame(i % 2 === 0 ? 1 : 2, `line ${i}\n`));
    const got = run(demuxOutput, Buffer.concat(frames), [64 * 1024]);
    expect(got).toHaveLength(50_000);
    expect(got[0]).toBe('out:line 0\n');
    expect(got[49_999]).toBe('err:line 49999\n');
  });

  it('a 5 MiB frame in 16 KiB chunks is written whole once', () => {
    const big = frame(1, 'x'.repeat(5 * 1024 * 1024));
    const got = run(demuxOutput, big, [16 * 1024]);
    expect(got).toHaveLength(1);
    expect(got[0]!.length).toBe(4 + 5 * 1024 * 1024);
  });

  it('output that is not multiplexed (a TTY) passes through to stdout', () => {
    const got = run(demuxOutput, Buffer.from('plain text\nmore text\n'), [4]);
    expect(joined(got)).toEqual(['out:plain text\nmore text\n']);
  });
});

import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { LogLine } from '../events.js';
import { compareWithLive, demuxedLines, type LiveLog, replaceHostLines } from './log-recovery.js';

function lines(...messages: string[]): AsyncIterable<LogLine> {
  return Readable.from(messages.map((message) => ({ host: 'algo-1', message, timestamp: 1, stream: 'stdout' as const })));
}

function live(received: string[], metric = /^loss=(\d+)$/): LiveLog & { emitted: string[] } {
  const emitted: string[] = [];
  return {
    host: 'algo-1',
    received: received.length,
    lastReceived: received.at(-1),
    keepLast: 2,
    emitted,
    emit: (line) => {
      emitted.push(line.message);
      return undefined;
    },
    parseMetrics: (line) => {
      const match = metric.exec(line.message);
      return match ? [{ host: line.host, name: 'loss', value: Number(match[1]), timestamp: line.timestamp }] : [];
    },
  };
}

/** One frame of Docker's multiplexed stream: 1 stdout, 2 stderr. */
function frame(stream: 1 | 2, text: string): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header.writeUInt8(stream, 0);
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

describe('compareWithLive', () => {
  it('the live stream had every line: nothing to recover, nothing emitted', async () => {
    const state = live(['a', 'b', 'c']);
    expect(await compareWithLive(lines('a', 'b', 'c'), state)).toEqual({ kind: 'complete' });
    expect(state.emitted).toEqual([]);
  });

  it('the live stream ended early: the missing tail is emitted, in order', async () => {
    const state = live(['a', 'b']);
    expect(await compareWithLive(lines('a', 'b', 'c', 'loss=3'), state)).toEqual({ kind: 'complete' });
    expect(state.emitted).toEqual(['c', 'loss=3']);
  });

  it('nothing arrived live: every line is emitted', async () => {
    const state = live([]);
    expect(await compareWithLive(lines('a', 'b'), state)).toEqual({ kind: 'complete' });
    expect(state.emitted).toEqual(['a', 'b']);
  });

  it('the live stream had gaps: nothing emitted, the last lines and metrics come from the whole log', async () => {
    const state = live(['a', 'loss=1', 'd']); // 'b' and 'c' were dropped, 'd' is not the third line
    const recovery = await compareWithLive(lines('a', 'loss=1', 'b', 'c', 'd', 'loss=2'), state);
    expect(recovery).toEqual({
      kind: 'gaps',
      total: 6,
      lastLines: ['d', 'loss=2'],
      samples: [
        { host: 'algo-1', name: 'loss', value: 1, timestamp: 1 },
        { host: 'algo-1', name: 'loss', value: 2, timestamp: 1 },
      ],
    });
    expect(state.emitted).toEqual([]);
  });

  it('waits for the record when emitting asks it to', async () => {
    const state = live(['a']);
    const order: string[] = [];
    state.emit = (line) => {
      order.push(`emit ${line.message}`);
      return new Promise<void>((resolve) =>
        setTimeout(() => {
          order.push(`drained ${line.message}`);
          resolve();
        }, 5),
      );
    };
    await compareWithLive(lines('a', 'b', 'c'), state);
    expect(order).toEqual(['emit b', 'drained b', 'emit c', 'drained c']);
  });
});

describe('demuxedLines', () => {
  it('keeps the order across stdout and stderr and flushes an unterminated last line', async () => {
    const raw = Readable.from([Buffer.concat([frame(1, 'out 1\nout'), frame(2, 'err 1\n'), frame(1, ' 2\n'), frame(2, 'no newline')])]);
    const got: string[] = [];
    for await (const line of demuxedLines(raw, 'algo-2', 7)) got.push(`${line.host} ${line.stream} ${line.message} ${line.timestamp}`);
    expect(got).toEqual(['algo-2 stdout out 1 7', 'algo-2 stderr err 1 7', 'algo-2 stdout out 2 7', 'algo-2 stderr no newline 7']);
  });

  it('reads the engine stream only as fast as the lines are consumed', async () => {
    const chunks = 2000;
    let produced = 0;
    const raw = new Readable({
      highWaterMark: 1024,
      read() {
        if (produced === chunks) return void this.push(null);
        produced++;
        this.push(Buffer.concat(Array.from({ length: 50 }, (_, i) => frame(1, `line ${produced}.${i}\n`))));
      },
    });
    const iterator = demuxedLines(raw, 'algo-1')[Symbol.asyncIterator]();
    for (let i = 0; i < 10; i++) await iterator.next();
    await new Promise((resolve) => setTimeout(resolve, 50)); // time for an unpaused stream to run ahead
    expect(produced).toBeLessThan(chunks / 10);
    let rest = 10;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) rest++;
    expect(rest).toBe(chunks * 50);
  });

  it('a stream that fails is an error of the iteration', async () => {
    const raw = new Readable({
      read() {
        this.destroy(new Error('socket hang up'));
      },
    });
    await expect(async () => {
      for await (const _ of demuxedLines(raw, 'algo-1'));
    }).rejects.toThrow('socket hang up');
  });
});

describe('replaceHostLines', () => {
  const record = (host: string, message: string) => JSON.stringify({ host, message, timestamp: 1, stream: 'stdout' });

  it("swaps a host's lines for its complete ones at the place of its first line and removes the file", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sagekit-recovery-'));
    const logs = path.join(dir, 'logs.jsonl');
    await writeFile(logs, `${[record('algo-1', 'a1'), record('algo-2', 'b1'), record('algo-1', 'a2'), record('algo-2', 'b3')].join('\n')}\n`);
    const complete = path.join(dir, 'algo-2.complete');
    await writeFile(complete, `${[record('algo-2', 'b1'), record('algo-2', 'b2'), record('algo-2', 'b3')].join('\n')}\n`);
    await replaceHostLines(logs, new Map([['algo-2', complete]]));
    const messages = (await readFile(logs, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => `${(JSON.parse(l) as LogLine).host}:${(JSON.parse(l) as LogLine).message}`);
    expect(messages).toEqual(['algo-1:a1', 'algo-2:b1', 'algo-2:b2', 'algo-2:b3', 'algo-1:a2']);
    expect(existsSync(complete)).toBe(false);
  });

  it('a host with no line in the record gets its lines at the end; a missing record is created', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sagekit-recovery-'));
    const logs = path.join(dir, 'logs.jsonl');
    const complete = path.join(dir, 'algo-1.complete');
    await writeFile(complete, `${record('algo-1', 'only')}\n`);
    await replaceHostLines(logs, new Map([['algo-1', complete]]));
    expect(await readFile(logs, 'utf8')).toBe(`${record('algo-1', 'only')}\n`);
  });
});

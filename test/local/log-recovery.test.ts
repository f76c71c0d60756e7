/**
 * Log recovery against the real engine (log-recovery.ts): an exited container's whole log read
 * back as a stream, compared with what a live stream delivered, and saved for the record.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogLine } from '../../src/events.js';
import { connectEngine, type ConnectedEngine } from '../../src/local/engine/connect.js';
import type { EngineContainer } from '../../src/local/engine/types.js';
import { type LiveLog, recoverHostLog, saveCompleteLog } from '../../src/local/log-recovery.js';
import { BASE_IMAGE } from '../setup/images.js';

const LINES = 50_000;
let engine: ConnectedEngine;
let container: EngineContainer;

beforeAll(async () => {
  engine = await connectEngine();
  // A few lines in the middle on stderr (engines keep the order within a stream only), and a last line without a newline.
  const script = `i=1; while [ $i -le ${LINES} ]; do if [ $i -gt 20000 ] && [ $i -le 20010 ]; then echo "line $i" >&2; else echo "line $i"; fi; i=$((i+1)); done; printf tail`;
  container = await engine.containers.create({ Image: BASE_IMAGE, Cmd: ['sh', '-c', script], Labels: { 'sagekit.test': 'log-recovery' } });
  await container.start();
  await container.wait();
}, 120_000);

afterAll(async () => {
  await container?.remove();
});

function live(received: string[], emitted: LogLine[]): LiveLog {
  return {
    host: 'algo-1',
    received: received.length,
    lastReceived: received.at(-1),
    keepLast: 3,
    emit: (line) => void emitted.push(line),
    parseMetrics: (line) => (line.message === 'line 25000' ? [{ host: 'algo-1', name: 'mid', value: 1, timestamp: 0 }] : []),
  };
}

describe('recovering an exited container’s log', () => {
  it('a live stream that ended early: exactly the missing tail is emitted, stderr lines tagged', async () => {
    const emitted: LogLine[] = [];
    const recovery = await recoverHostLog(container, live(['line 1', 'line 2'], emitted));
    expect(recovery).toEqual({ kind: 'complete' });
    expect(emitted).toHaveLength(LINES + 1 - 2);
    expect(emitted[0]!.message).toBe('line 3');
    expect(emitted.find((l) => l.message === 'line 20005')!.stream).toBe('stderr');
    expect(emitted.find((l) => l.message === 'line 30000')!.stream).toBe('stdout');
    expect(emitted.at(-1)!.message).toBe('tail');
  });

  it('a live stream with gaps: the whole count, last lines and metrics; the saved log has every line', async () => {
    const recovery = await recoverHostLog(container, live(['line 1', 'line 7'], []));
    expect(recovery).toEqual({
      kind: 'gaps',
      total: LINES + 1,
      lastLines: [`line ${LINES - 1}`, `line ${LINES}`, 'tail'],
      samples: [{ host: 'algo-1', name: 'mid', value: 1, timestamp: 0 }],
    });
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'sagekit-recovery-')), 'complete.jsonl');
    expect(await saveCompleteLog(container, 'algo-1', file)).toBe(true);
    const saved = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(saved).toHaveLength(LINES + 1);
    // Engines keep the order within a stream only (Docker may log the ten stderr lines thousands of lines early).
    const stdout = saved.map((text) => JSON.parse(text) as LogLine).filter((line) => line.stream !== 'stderr');
    expect(stdout).toHaveLength(LINES + 1 - 10);
    expect(stdout[12_344]!.message).toBe('line 12345');
  });

  it('a container the engine no longer has: the engine could not say', async () => {
    const gone = engine.containers.get('sagekit-no-such-container');
    expect(await recoverHostLog(gone, live([], []))).toEqual({ kind: 'unknown' });
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'sagekit-recovery-')), 'complete.jsonl');
    expect(await saveCompleteLog(gone, 'algo-1', file)).toBe(false);
  });
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { GraceThenKill, type KillSignal, watchStopRequest } from './timers.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('GraceThenKill', () => {
  it('SIGTERM at once, SIGKILL when the grace period is over', async () => {
    vi.useFakeTimers();
    const sent: KillSignal[] = [];
    const termination = new GraceThenKill(async (signal) => void sent.push(signal), 120_000);
    await termination.terminate();
    expect(sent).toEqual(['SIGTERM']);
    vi.advanceTimersByTime(119_999);
    expect(sent).toEqual(['SIGTERM']);
    vi.advanceTimersByTime(1);
    expect(sent).toEqual(['SIGTERM', 'SIGKILL']);
  });

  it('a second terminate (a stop after a host failed) keeps the first kill time', async () => {
    vi.useFakeTimers();
    const sent: KillSignal[] = [];
    const termination = new GraceThenKill(async (signal) => void sent.push(signal), 1000);
    await termination.terminate();
    vi.advanceTimersByTime(600);
    await termination.terminate();
    vi.advanceTimersByTime(400);
    expect(sent).toEqual(['SIGTERM', 'SIGTERM', 'SIGKILL']);
    vi.advanceTimersByTime(10_000);
    expect(sent).toEqual(['SIGTERM', 'SIGTERM', 'SIGKILL']);
  });

  it('kill() is at once; cancel() means no kill comes', async () => {
    vi.useFakeTimers();
    const sent: KillSignal[] = [];
    const termination = new GraceThenKill(async (signal) => void sent.push(signal), 1000);
    await termination.kill();
    expect(sent).toEqual(['SIGKILL']);
    await termination.terminate();
    termination.cancel();
    vi.advanceTimersByTime(5000);
    expect(sent).toEqual(['SIGKILL', 'SIGTERM']);
  });
});

describe('watchStopRequest', () => {
  it('calls back once the file exists, and no more after the cancel', async () => {
    vi.useFakeTimers();
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'sagekit-stop-')), 'stop-requested');
    let calls = 0;
    const cancel = watchStopRequest(file, () => calls++, 500);
    vi.advanceTimersByTime(1500);
    expect(calls).toBe(0);
    writeFileSync(file, 'now');
    vi.advanceTimersByTime(500);
    expect(calls).toBe(1);
    cancel();
    vi.advanceTimersByTime(5000);
    expect(calls).toBe(1);
  });
});

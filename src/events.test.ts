import { describe, expect, it } from 'vitest';
import { printJobEvents } from './estimator/print-logs.js';
import { JobEvents, type StatusChange } from './events.js';

describe('JobEvents', () => {
  it('a status listener added late gets the latest status once, then the following ones', async () => {
    const events = new JobEvents();
    events.emit('status', { status: 'InProgress', secondaryStatus: 'Starting', timestamp: 1 });
    events.emit('status', { status: 'InProgress', secondaryStatus: 'Downloading', timestamp: 2 });
    const seen: string[] = [];
    events.on('status', (s: StatusChange) => seen.push(s.secondaryStatus));
    await Promise.resolve();
    events.emit('status', { status: 'InProgress', secondaryStatus: 'Training', timestamp: 3 });
    expect(seen).toEqual(['Downloading', 'Training']);
    const early = new JobEvents();
    const none: string[] = [];
    early.on('status', (s) => none.push(s.secondaryStatus));
    await Promise.resolve();
    expect(none).toEqual([]);
  });

  it('a waiting fit() prints log lines (host-prefixed with several hosts), statuses and warnings', () => {
    const events = new JobEvents();
    let out = '';
    let err = '';
    const stop = printJobEvents(events, 2, { out: { write: (t: string) => (out += t) }, err: { write: (t: string) => (err += t) } });
    events.emit('log', { host: 'algo-2', message: 'epoch=1', timestamp: 0 });
    events.emit('status', {
      status: 'InProgress',
      secondaryStatus: 'Training',
      message: 'Training in progress.',
      timestamp: Date.parse('2026-12-01T10:00:05Z'),
    });
    events.warnOnce('VpcConfig is not honoured');
    stop();
    events.emit('log', { host: 'algo-1', message: 'after stop', timestamp: 0 });
    expect(out).toBe('algo-2 | epoch=1\n');
    expect(err).toBe('10:00:05 Training - Training in progress.\nwarning: VpcConfig is not honoured\n');
  });
});

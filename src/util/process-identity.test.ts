/** Process identity: a pid with another start time is another process, and is never signalled. */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { identify, signalIfSame, stillRunning } from './process-identity.js';

describe('process identity', () => {
  it('knows this process by pid and start time', async () => {
    const self = await identify();
    expect(self.pid).toBe(process.pid);
    expect(self.startTime).toMatch(/\S/);
    expect(await stillRunning(self)).toBe(true);
  });

  it('a live pid with another start time, or none, is not the recorded process, and is not signalled', async () => {
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      const real = await identify(child.pid!);
      expect(await stillRunning(real)).toBe(true);
      expect(await stillRunning({ pid: child.pid!, startTime: '1' })).toBe(false);
      expect(await stillRunning({ pid: child.pid! })).toBe(false);
      expect(await signalIfSame({ pid: child.pid!, startTime: '1' }, 'SIGTERM')).toBe(false);
      expect(await signalIfSame({ pid: child.pid! }, 'SIGTERM')).toBe(false);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(child.exitCode).toBeNull();
      expect(child.signalCode).toBeNull();
      // The right identity is signalled; once it has ended it is no longer running.
      const ended = new Promise((resolve) => child.once('exit', resolve));
      expect(await signalIfSame(real, 'SIGTERM')).toBe(true);
      await ended;
      expect(await stillRunning(real)).toBe(false);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('nonsense pids are nobody', async () => {
    expect(await stillRunning({ pid: 0, startTime: '1' })).toBe(false);
    expect(await stillRunning({ pid: -1, startTime: '1' })).toBe(false);
    expect(await stillRunning(undefined)).toBe(false);
  });
});

/**
 * A process exiting while a Pipe-mode worker thread is blocked writing into a pipe nobody reads
 * must still end: Node joins worker threads at exit, so without the release in `exit-release.ts`
 * the process hangs for good, deaf to every signal but SIGKILL (FAULTS 1 and 3).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';

it('exits while the feeder is blocked in write() on a full pipe', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sagekit-exit-release-'));
  const file = path.join(dir, 'data.bin');
  writeFileSync(file, Buffer.alloc(1024 * 1024, 1));
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'fixtures/exit-while-feeding.ts'), path.join(dir, 'work'), file], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const ended = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  // Hang detection, far above the half second the child waits before exiting.
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const code = await ended;
  clearTimeout(timer);
  const readerPid = Number(/blocked (\d+)/.exec(out)?.[1]);
  if (readerPid) process.kill(-readerPid, 'SIGKILL');
  expect(out).toMatch(/blocked/);
  expect(code).toBe(0);
});

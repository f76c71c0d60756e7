/** `sagekit doctor` against the engine of this pass (Podman and Docker): found, versioned, every check ok. */
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { BASE_IMAGE } from '../setup/images.js';

describe('sagekit doctor', () => {
  it('names the engine and its version, and builds, networks by name and FIFOs all work (exit 0)', async () => {
    const r = await runCli(['doctor', '--json', '--image', BASE_IMAGE], { timeoutMs: 300_000 });
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    const report = JSON.parse(r.stdout) as {
      engine: { kind: string; version: string; apiVersion: string; host: string };
      checks: Array<{ name: string; status: string }>;
      ok: boolean;
    };
    if (process.env.SAGEKIT_TEST_ENGINE) expect(report.engine.kind).toBe(process.env.SAGEKIT_TEST_ENGINE);
    expect(report.engine.host).toBe(process.env.DOCKER_HOST);
    expect(report.engine.apiVersion).toMatch(/^1\.\d+$/);
    expect(report.checks.map((c) => [c.name, c.status])).toEqual([
      ['build', 'ok'],
      ['network', 'ok'],
      ['fifo', 'ok'],
    ]);
    expect(report.ok).toBe(true);
    // A bound for hang detection on a loaded machine, not a timing.
  }, 300_000);

  it('an engine that does not answer: exit 3, saying what was tried and how to start one', async () => {
    const r = await runCli(['doctor', '--engine-host', 'unix:///nonexistent/docker.sock']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('no container engine answers; tried:');
    expect(r.stderr).toContain('unix:///nonexistent/docker.sock (engineHost setting): no such socket');
    expect(r.stderr).toMatch(/hint: start Docker, or Podman/);
  });

  it('without an image that has a shell, the network and FIFO checks are skipped, not failed', async () => {
    const r = await runCli(['doctor', '--json', '--image', 'localhost/sagekit-no-such-image:none'], { timeoutMs: 120_000 });
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { checks: Array<{ name: string; status: string; detail: string }> };
    expect(report.checks.filter((c) => c.status === 'skipped').map((c) => c.name)).toEqual(['network', 'fifo']);
  });
});

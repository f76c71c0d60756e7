/**
 * The real CLI binary running local jobs: exit codes, --json documents on stdout, human output
 * on stderr, describe/logs/list/stop from other processes, and one run under a pseudo-terminal.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { connectEngine } from '../../src/local/engine/connect.js';
import { BIN, runCli, scriptArgs } from '../helpers/cli.js';
import { PROBE_IMAGE } from '../setup/images.js';

const dir = mkdtempSync(path.join(tmpdir(), 'sagekit-cli-local-'));
const env = { SAGEKIT_STATE_DIR: path.join(dir, 'state'), AWS_REGION: '', AWS_DEFAULT_REGION: '', AWS_PROFILE: '', AWS_CONFIG_FILE: path.join(dir, 'none') };

function job(name: string, patch: Record<string, unknown> = {}): string {
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    YAML.stringify({
      imageUri: PROBE_IMAGE,
      instanceType: 'local',
      outputPath: './output',
      hyperparameters: { mode: 'normal' },
      metricDefinitions: [{ name: 'train:loss', regex: 'train_loss=([0-9.]+)' }],
      local: { pull: 'never', stopGracePeriodSeconds: 2 },
      ...patch,
    }),
  );
  return file;
}

describe('sagekit CLI with local jobs', () => {
  it('train --json: exit 0, the final describe document on stdout, logs and summary on stderr', async () => {
    const r = await runCli(['train', '-c', job('ok'), '--job-name', 'cli-ok', '--json'], { env });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as Record<string, any>;
    expect(doc.TrainingJobName).toBe('cli-ok');
    expect(doc.TrainingJobStatus).toBe('Completed');
    expect(doc.ModelArtifacts.S3ModelArtifacts).toBe(`file://${path.join(dir, 'output/cli-ok/output/model.tar.gz')}`);
    expect(doc.FinalMetricDataList).toEqual([{ MetricName: 'train:loss', Value: 0.125, Timestamp: expect.any(String) }]);
    expect(typeof doc.TrainingStartTime).toBe('string');
    expect(r.stderr).toContain('probe on algo-1 mode=normal');
    expect(r.stderr).toContain('cli-ok: Completed');
    expect(r.stderr).not.toMatch(/NodeVersionSupportWarning|DeprecationWarning/);
  });

  it('describe, logs and list read the record from another process', async () => {
    const described = await runCli(['describe', 'cli-ok', '--json'], { env });
    expect(described.code).toBe(0);
    expect(JSON.parse(described.stdout).TrainingJobStatus).toBe('Completed');
    const human = await runCli(['describe', 'cli-ok'], { env });
    expect(human.stdout).toContain('cli-ok: Completed');
    expect(human.stdout).toMatch(/transitions[\s\S]*Training/);

    const logs = await runCli(['logs', 'cli-ok'], { env });
    expect(logs.code).toBe(0);
    expect(logs.stdout).toContain('epoch=3 train_loss=0.125\n');
    const jsonLogs = await runCli(['logs', 'cli-ok', '--json'], { env });
    const first = JSON.parse(jsonLogs.stdout.split('\n')[0]!) as Record<string, unknown>;
    expect(first).toMatchObject({ host: 'algo-1', message: 'probe on algo-1 mode=normal', stream: 'stdout' });

    const list = await runCli(['list', '--json'], { env });
    expect(list.code).toBe(0);
    expect((JSON.parse(list.stdout) as Array<Record<string, unknown>>).find((j) => j.name === 'cli-ok')).toMatchObject({
      backend: 'local',
      status: 'Completed',
    });
    const table = await runCli(['list'], { env });
    expect(table.stdout).toMatch(/^NAME\s+STATUS\s+BACKEND/);
  });

  it('a failed job exits 1 with its FailureReason; an unknown job exits 2', async () => {
    const r = await runCli(['train', '-c', job('fail', { hyperparameters: { mode: 'fail' } }), '--job-name', 'cli-fail'], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cli-fail: Failed');
    expect(r.stderr).toContain('reason     the data was bad');
    const missing = await runCli(['describe', 'no-such-job', '--backend', 'local'], { env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('error: no local training job named no-such-job');
  });

  it('no engine: exit 3 with what was tried', async () => {
    const r = await runCli(['train', '-c', job('noengine'), '--job-name', 'cli-noengine'], {
      env: { ...env, DOCKER_HOST: `unix://${path.join(dir, 'nothing.sock')}` },
    });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('error: no container engine answers; tried:');
    expect(r.stderr).toContain('hint: start Docker, or Podman');
  });

  it('--no-wait returns at once; stop from another process stops the job (exit 0) and artifacts stay', async () => {
    const started = await runCli(['train', '-c', job('long', { hyperparameters: { mode: 'sleep' } }), '--job-name', 'cli-long', '--no-wait'], { env });
    expect(started.code).toBe(0);
    expect(started.stdout).toBe('cli-long\n');
    // Wait until the container runs, then stop it from this (other) process.
    for (let i = 0; i < 100; i++) {
      const logs = await runCli(['logs', 'cli-long'], { env });
      if (logs.stdout.includes('probe on algo-1')) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const stopped = await runCli(['stop', 'cli-long', '--wait', '--json'], { env });
    expect(stopped.code).toBe(0);
    const doc = JSON.parse(stopped.stdout) as Record<string, any>;
    expect(doc.TrainingJobStatus).toBe('Stopped');
    expect(doc.ModelArtifacts.S3ModelArtifacts).toContain('cli-long/output/model.tar.gz');
  });

  it('Ctrl-C stops a local job: exit 1 (Stopped), artifacts kept, no container or network left', async () => {
    let interrupted = false;
    const r = await runCli(['train', '-c', job('interrupt', { instanceCount: 2, hyperparameters: { mode: 'sleep' } }), '--job-name', 'cli-interrupt'], {
      env,
      onStderr: (stderr, child) => {
        // Both hosts run (the probe printed its first line on each): now the user presses Ctrl-C.
        if (!interrupted && stderr.includes('probe on algo-1') && stderr.includes('probe on algo-2')) {
          interrupted = true;
          child.kill('SIGINT');
        }
      },
    });
    expect(interrupted).toBe(true);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cli-interrupt: Stopped');
    expect(r.stderr).toContain('got SIGTERM');
    const model = path.join(dir, 'output/cli-interrupt/output/model.tar.gz');
    const entries = execFileSync('tar', ['-tzf', model]).toString();
    expect(entries).toContain('algo-1/partial.txt');
    expect(entries).toContain('algo-2/terminated');
    const { docker } = await connectEngine();
    const filters = JSON.stringify({ label: ['sagekit.job=cli-interrupt'] });
    expect(await docker.listContainers({ all: true, filters })).toEqual([]);
    expect(await docker.listNetworks({ filters })).toEqual([]);
  });

  it('under a terminal: coloured host prefixes, status colours and progress redraws', () => {
    const file = job('tty', {
      instanceCount: 2,
      local: {
        pull: 'never',
        stopGracePeriodSeconds: 2,
        buildContext: path.resolve('test/fixtures/probe'),
        buildArgs: { BASE_IMAGE: 'localhost/sagekit-busybox:latest' },
      },
    });
    // `script` runs the command on a pseudo-terminal, as a user's shell would.
    const result = spawnSync('script', scriptArgs([process.execPath, BIN, 'train', '-c', file, '--job-name', 'cli-tty']), {
      env: { ...process.env, ...env, TERM: 'xterm-256color', NO_COLOR: '', FORCE_COLOR: '', COLUMNS: '120' },
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(result.status).toBe(0);
    const out = result.stdout;
    expect(out).toContain('\u001b[36malgo-1 |\u001b[39m');
    expect(out).toContain('\u001b[35malgo-2 |\u001b[39m');
    expect(out).toContain('\u001b[32mCompleted\u001b[39m');
    expect(out).toMatch(/\r\u001b\[2Kbuild step \d+ localhost\/sagekit-probe:test/);
    // The same run piped (no terminal) has no escape codes at all.
    const piped = execFileSync(process.execPath, [BIN, 'describe', 'cli-tty'], { env: { ...process.env, ...env, NO_COLOR: '', FORCE_COLOR: '' } }).toString();
    expect(piped).not.toContain('\u001b[');
  });
});

/**
 * `sagekit deploy JOB`, `invoke`, `endpoints list|describe|logs|delete` as subprocesses on the
 * real engine: exit codes, --json shapes, and nothing left behind. The job is trained through
 * the API first (quick), into the state directory the CLI processes use.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Estimator } from '../../src/estimator/estimator.js';
import { deleteLocalEndpoint } from '../../src/local/endpoint/index.js';
import { JobEvents } from '../../src/events.js';
import { connectEngine } from '../../src/local/engine/connect.js';
import { buildImage } from '../../src/local/image.js';
import { ROOT, runCli } from '../helpers/cli.js';
import { BASE_IMAGE } from '../setup/images.js';

const IMAGE = 'localhost/sagekit-linear-regression:cli-deploy-test';
const NEVER_HEALTHY_IMAGE = 'localhost/sagekit-never-healthy:test';
const dir = mkdtempSync(path.join(tmpdir(), 'sagekit-cli-deploy-'));
const env = { SAGEKIT_STATE_DIR: path.join(dir, 'state'), AWS_REGION: '', AWS_PROFILE: '', AWS_CONFIG_FILE: path.join(dir, 'none') };
const name = `cli-ep-${process.pid}`;

async function containersOf(endpointName: string): Promise<number> {
  const { docker } = await connectEngine();
  return (await docker.listContainers({ all: true, filters: JSON.stringify({ label: [`sagekit.endpoint=${endpointName}`] }) })).length;
}

/** Endpoint processes (`sagekit _serve-endpoint …/endpoints/<name>/deploy.json`) running now (Linux /proc). */
function ownerProcesses(endpointName: string): number {
  let count = 0;
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    let cmdline = '';
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (cmdline.includes('_serve-endpoint') && cmdline.includes(`/endpoints/${endpointName}/deploy.json`)) count++;
  }
  return count;
}

describe('sagekit deploy / invoke / endpoints', () => {
  let jobName: string;

  beforeAll(async () => {
    const engine = await connectEngine();
    await buildImage(engine, IMAGE, path.join(ROOT, 'examples/linear-regression'), { BASE_IMAGE }, new JobEvents());
    await buildImage(engine, NEVER_HEALTHY_IMAGE, path.join(ROOT, 'test/fixtures/never-healthy'), { BASE_IMAGE }, new JobEvents());
    const estimator = new Estimator({
      imageUri: IMAGE,
      instanceType: 'local',
      outputPath: path.join(dir, 'output'),
      inputs: { train: path.join(ROOT, 'examples/linear-regression/data/train') },
      local: { stateDir: env.SAGEKIT_STATE_DIR },
    });
    jobName = (await estimator.fit()).name;
  }, 180_000);

  // A failed assertion must not leave a serving endpoint behind (its process and containers).
  afterAll(async () => {
    for (const endpoint of [name, `cli-unhealthy-${process.pid}`, `cli-interrupted-${process.pid}`, `cli-twin-${process.pid}`]) {
      await deleteLocalEndpoint(endpoint, { stateDir: env.SAGEKIT_STATE_DIR }).catch(() => undefined);
    }
  });

  it('deploys, invokes (CSV, JSON from a file), lists, describes, shows logs, deletes', async () => {
    const deployed = await runCli(['deploy', jobName, '--endpoint-name', name, '--initial-instance-count', '2', '--env', 'LOG_LEVEL=debug', '--json'], { env });
    expect(deployed.stderr).toContain('waiting for GET /ping');
    expect(deployed.code).toBe(0);
    const describe = JSON.parse(deployed.stdout) as { EndpointName: string; EndpointStatus: string; Local: { Url: string; Instances: unknown[] } };
    expect(describe).toMatchObject({ EndpointName: name, EndpointStatus: 'InService' });
    expect(describe.Local.Url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(describe.Local.Instances).toHaveLength(2);

    const csv = await runCli(['invoke', name, '--content-type', 'text/csv', '--accept', 'text/csv', '--body', '2'], { env });
    expect(csv.code).toBe(0);
    expect(csv.stdout).toMatch(/^4\.\d{4}\n$/);
    const bodyFile = path.join(dir, 'body.json');
    writeFileSync(bodyFile, '{"instances": [0, 2]}');
    const json = await runCli(['invoke', name, '--body-file', bodyFile, '--json'], { env });
    expect(json.code).toBe(0);
    const answer = JSON.parse(json.stdout) as { EndpointName: string; Body: string };
    expect(answer.EndpointName).toBe(name);
    expect((JSON.parse(answer.Body) as { predictions: number[] }).predictions).toHaveLength(2);

    const [list, described, logs] = await Promise.all([
      runCli(['endpoints', 'list', '--json'], { env }),
      runCli(['endpoints', 'describe', name], { env }),
      runCli(['endpoints', 'logs', name], { env }),
    ]);
    expect((JSON.parse(list.stdout) as Array<{ EndpointName: string; Backend: string }>).find((e) => e.EndpointName === name)).toMatchObject({
      Backend: 'local',
      EndpointStatus: 'InService',
    });
    expect(described.stdout).toContain(`url        ${describe.Local.Url}`);
    expect(described.stdout).toContain('instances  2/2');
    expect(logs.stdout).toMatch(/instance-1 \| serving/);
    expect(logs.stdout).toMatch(/instance-2 \| serving/);

    const deleted = await runCli(['endpoints', 'delete', name], { env });
    expect(deleted.code).toBe(0);
    expect(deleted.stdout).toBe(`${name} deleted\n`);
    expect(await containersOf(name)).toBe(0);
    const gone = await runCli(['endpoints', 'describe', name], { env });
    expect(gone.code).toBe(2);
    expect(gone.stderr).toContain(`no local endpoint named ${name}, and SageMaker could not be checked`);
  }, 120_000);

  it('a never-healthy model exits 1 with the reason; usage mistakes exit 2', async () => {
    const unhealthy = `cli-unhealthy-${process.pid}`;
    const failed = await runCli(
      ['deploy', jobName, '--endpoint-name', unhealthy, '--image-uri', NEVER_HEALTHY_IMAGE, '--container-startup-health-check-timeout', '2'],
      { env },
    );
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain(`endpoint ${unhealthy} failed: instance-1 did not pass the health check (GET /ping → 200) within 2s`);
    expect(await containersOf(unhealthy)).toBe(0);
    expect((await runCli(['endpoints', 'delete', unhealthy], { env })).code).toBe(0);

    const [noBody, missing, badEnv, badTimeout, badInvocationTimeout, payloadOnSageMaker] = await Promise.all([
      runCli(['invoke', name], { env }),
      runCli(['invoke', 'no-such-endpoint', '--body', 'x', '--backend', 'local'], { env }),
      runCli(['deploy', jobName, '--env', 'NOVALUE'], { env }),
      runCli(['deploy', jobName, '--instance-type', 'ml.m5.large', '--container-startup-health-check-timeout', '5'], { env }),
      runCli(['deploy', jobName, '--invocation-timeout', '0'], { env }),
      runCli(['deploy', jobName, '--instance-type', 'ml.m5.large', '--max-payload', '10'], { env }),
    ]);
    expect(badInvocationTimeout.code).toBe(2);
    expect(badInvocationTimeout.stderr).toContain('invocationTimeout: must be an integer between 1 and 3600 (got 0)');
    expect(payloadOnSageMaker.code).toBe(2);
    expect(payloadOnSageMaker.stderr).toContain('maxPayload: applies to local endpoints only');
    expect(noBody.code).toBe(2);
    expect(noBody.stderr).toContain('exactly one of --body TEXT or --body-file FILE');
    expect(missing.code).toBe(2);
    expect(badEnv.code).toBe(2);
    expect(badEnv.stderr).toContain('--env NOVALUE: expected NAME=VALUE');
    expect(badTimeout.code).toBe(2);
    expect(badTimeout.stderr).toContain('containerStartupHealthCheckTimeout: must be an integer between 60 and 3600 (got 5)');
  }, 120_000);

  it('two deploys of one name at once: one endpoint with one process and one container, the other exits 2', async () => {
    const twin = `cli-twin-${process.pid}`;
    const both = await Promise.all([1, 2].map(() => runCli(['deploy', jobName, '--endpoint-name', twin], { env })));
    expect(both.map((r) => r.code).sort()).toEqual([0, 2]);
    expect(both.find((r) => r.code === 2)!.stderr).toContain(`a local endpoint named ${twin} already exists`);
    expect(await containersOf(twin)).toBe(1);
    expect(ownerProcesses(twin)).toBe(1);
    expect((await runCli(['endpoints', 'delete', twin], { env })).code).toBe(0);
    expect(await containersOf(twin)).toBe(0);
    expect(ownerProcesses(twin)).toBe(0);
  }, 120_000);

  it('Ctrl-C while a local endpoint starts removes it: exit 130, no container, no record', async () => {
    const interrupted = `cli-interrupted-${process.pid}`;
    let sent = false;
    const r = await runCli(
      ['deploy', jobName, '--endpoint-name', interrupted, '--image-uri', NEVER_HEALTHY_IMAGE, '--container-startup-health-check-timeout', '120'],
      {
        env,
        onStderr: (stderr, child) => {
          if (!sent && stderr.includes('waiting for GET /ping')) {
            sent = true;
            child.kill('SIGINT');
          }
        },
      },
    );
    expect(sent).toBe(true);
    expect(r.code).toBe(130);
    expect(r.stderr).toContain(`deploy of ${interrupted} interrupted; the endpoint was removed`);
    expect(await containersOf(interrupted)).toBe(0);
    const gone = await runCli(['endpoints', 'describe', interrupted, '--backend', 'local'], { env });
    expect(gone.code).toBe(2);
  }, 120_000);
});

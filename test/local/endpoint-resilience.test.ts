/**
 * Local endpoints under trouble, on the real engine: an instance killed under traffic (routed
 * around, replaced, the count reported), a delete while slow requests are in flight (each gets
 * its answer), the invocation limits, a forged Host, and an owner whose pid now names another
 * process (never signalled). The model is test/fixtures/slow-model: it sleeps as many seconds
 * as the body says, and a new container serves only while the model folder holds `ready`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tar from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelError } from '../../src/deploy/errors.js';
import { Model } from '../../src/deploy/model.js';
import type { Predictor } from '../../src/deploy/predictor.js';
import { StringDeserializer } from '../../src/deploy/serializers.js';
import { UsageError } from '../../src/errors.js';
import { JobEvents } from '../../src/events.js';
import { describeLocalEndpoint } from '../../src/local/endpoint/index.js';
import { connectEngine } from '../../src/local/engine/connect.js';
import { buildImage } from '../../src/local/image.js';
import { sleep } from '../../src/util/sleep.js';
import { BASE_IMAGE } from '../setup/images.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SLOW_IMAGE = 'localhost/sagekit-slow-model:test';
const dir = mkdtempSync(path.join(tmpdir(), 'sagekit-endpoint-resilience-'));
const stateDir = path.join(dir, 'state');
const modelData = path.join(dir, 'model.tar.gz');
const suffix = String(process.pid);

async function containersOf(endpointName: string): Promise<number> {
  const { docker } = await connectEngine();
  return (await docker.listContainers({ all: true, filters: JSON.stringify({ label: [`sagekit.endpoint=${endpointName}`] }) })).length;
}

async function deploy(endpointName: string, options: { initialInstanceCount?: number; invocationTimeout?: number } = {}): Promise<Predictor> {
  return new Model({ modelData, imageUri: SLOW_IMAGE }).deploy({
    instanceType: 'local',
    endpointName,
    local: { stateDir },
    deserializer: new StringDeserializer(''),
    ...options,
  });
}

/** Polls the endpoint's record until `accept` says yes (bounded: a broken endpoint fails the test, it does not hang it). */
async function recordUntil(name: string, accept: (doc: Awaited<ReturnType<typeof describeLocalEndpoint>>) => boolean, what: string) {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const doc = await describeLocalEndpoint(name, { stateDir });
    if (accept(doc)) return doc;
    if (Date.now() > deadline) throw new Error(`endpoint ${name} never got ${what}: ${JSON.stringify(doc.ProductionVariants)} ${doc.EndpointStatus}`);
    await sleep(200);
  }
}

describe('local endpoints under trouble', () => {
  const predictors: Predictor[] = [];
  const strays: ChildProcess[] = [];

  beforeAll(async () => {
    await buildImage(await connectEngine(), SLOW_IMAGE, path.join(ROOT, 'test/fixtures/slow-model'), { BASE_IMAGE }, new JobEvents());
    const model = path.join(dir, 'model');
    mkdirSync(model);
    writeFileSync(path.join(model, 'ready'), '');
    await tar.create({ gzip: true, file: modelData, cwd: model }, ['ready']);
  }, 180_000);

  afterAll(async () => {
    for (const child of strays) child.kill('SIGKILL');
    await Promise.all(predictors.map((p) => p.delete().catch(() => undefined)));
  });

  it('a killed instance is routed around at once, replaced, and the count says so', async () => {
    const name = `killed-${suffix}`;
    const predictor = await deploy(name, { initialInstanceCount: 2 });
    predictors.push(predictor);
    const ready = path.join(stateDir, 'endpoints', name, 'model', 'ready');
    // Hold the replacement back until the drop has been seen.
    rmSync(ready);
    const before = await describeLocalEndpoint(name, { stateDir });
    const victim = before.Local.Instances.find((i) => i.Name === 'instance-2')!;
    const { docker } = await connectEngine();
    await docker.getContainer(victim.ContainerId!).kill();
    for (let i = 0; i < 10; i++) expect(await predictor.predict('0')).toMatch(/^slept 0 s on /);

    const dropped = await recordUntil(name, (doc) => doc.ProductionVariants?.[0]?.CurrentInstanceCount === 1, 'CurrentInstanceCount 1');
    expect(dropped.EndpointStatus).toBe('InService');
    expect(dropped.ProductionVariants?.[0]?.DesiredInstanceCount).toBe(2);
    for (let i = 0; i < 10; i++) expect(await predictor.predict('0')).toMatch(/^slept 0 s on /);

    writeFileSync(ready, '');
    const recovered = await recordUntil(name, (doc) => doc.ProductionVariants?.[0]?.CurrentInstanceCount === 2, 'CurrentInstanceCount 2 again');
    expect(recovered.EndpointStatus).toBe('InService');
    const replacement = recovered.Local.Instances.find((i) => i.Name === 'instance-2')!;
    expect(replacement.ContainerId).not.toBe(victim.ContainerId);
    const hosts = new Set<string>();
    for (let i = 0; i < 6; i++) hosts.add(((await predictor.predict('0')) as string).replace(/^slept 0 s on /, ''));
    expect(hosts.size).toBe(2);
    expect(await containersOf(name)).toBe(2);
  }, 240_000);

  it('delete answers the requests in flight, then removes the containers', async () => {
    const name = `draining-${suffix}`;
    const predictor = await deploy(name);
    predictors.push(predictor);
    const inFlight = [1, 2, 3].map(() => predictor.predict('4'));
    // Let them reach the endpoint before it is told to stop.
    await sleep(1500);
    await predictor.delete();
    for (const answer of await Promise.all(inFlight)) expect(answer).toMatch(/^slept 4 s on /);
    expect(await containersOf(name)).toBe(0);
  }, 120_000);

  it('invocation limits: a slow model gets the timeout error, a large body 413; a forged Host is refused', async () => {
    const name = `limits-${suffix}`;
    const predictor = await deploy(name, { invocationTimeout: 1 });
    predictors.push(predictor);
    const slow = await predictor.predict('3').catch((e: unknown) => e);
    expect(slow).toBeInstanceOf(ModelError);
    expect((slow as Error).message).toContain('Your invocation timed out while waiting for a response from container instance-1');
    expect((slow as Error).message).toContain("no answer within 1 s (the endpoint's invocationTimeout)");
    const large = await predictor.predict(new Uint8Array(6 * 1024 * 1024 + 1)).catch((e: unknown) => e);
    expect(large).toBeInstanceOf(UsageError);
    expect((large as Error).message).toContain('HTTP content length exceeded 6291456 bytes');

    const { Local } = await describeLocalEndpoint(name, { stateDir });
    const status = await new Promise<number>((resolve, reject) => {
      const url = new URL('/ping', Local.Url);
      http
        .get({ hostname: url.hostname, port: url.port, path: url.pathname, headers: { host: `rebound.example:${url.port}` }, setHost: false }, (r) => {
          r.resume();
          resolve(r.statusCode ?? 0);
        })
        .on('error', reject);
    });
    expect(status).toBe(403);
  }, 120_000);

  it('an owner whose pid now names another process: not in service, and delete never signals it', async () => {
    const name = `reused-pid-${suffix}`;
    predictors.push(await deploy(name));
    const record = path.join(stateDir, 'endpoints', name);
    const describeFile = path.join(record, 'describe.json');
    const ownerFile = path.join(record, 'owner.json');
    const doc = JSON.parse(readFileSync(describeFile, 'utf8')) as { Local: { Pid: number } };
    const owner = existsSync(ownerFile) ? (JSON.parse(readFileSync(ownerFile, 'utf8')) as { pid: number; startTime: string }) : undefined;
    process.kill(owner?.pid ?? doc.Local.Pid, 'SIGKILL');
    const unrelated = spawn('sleep', ['600'], { stdio: 'ignore' });
    strays.push(unrelated);
    // The pid of the unrelated process written wherever the owner's was.
    doc.Local.Pid = unrelated.pid!;
    writeFileSync(describeFile, JSON.stringify(doc));
    if (owner) writeFileSync(ownerFile, JSON.stringify({ ...owner, pid: unrelated.pid }));

    const described = await describeLocalEndpoint(name, { stateDir });
    expect(described.EndpointStatus).toBe('Failed');
    expect(described.FailureReason).toContain('is gone');
    await predictors.at(-1)!.delete();
    expect(unrelated.exitCode).toBeNull();
    expect(unrelated.signalCode).toBeNull();
    expect(() => process.kill(unrelated.pid!, 0)).not.toThrow();
    expect(await containersOf(name)).toBe(0);
  }, 120_000);
});

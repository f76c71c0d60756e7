/** The instance pool against real HTTP servers standing in for containers: rotation, replacement, counts. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import type { EngineContainer } from '../engine/types.js';
import type { Instance } from './containers.js';
import { InstancePool } from './instance-pool.js';

const servers: http.Server[] = [];
afterAll(() => {
  for (const server of servers) server.close();
});

/** An "instance": a server answering /ping 200 (or `status()`), with an exit the test triggers. */
async function fakeInstance(name: string, status: () => number = () => 200): Promise<Instance & { exit(code: number): void }> {
  const server = http.createServer((_req, res) => res.writeHead(status()).end());
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  let exit: (code: number) => void = () => undefined;
  const exited = new Promise<number>((resolve) => (exit = resolve));
  const id = `${name}-${(server.address() as AddressInfo).port}`;
  return { name, container: { id } as EngineContainer, address: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, exited, exit };
}

/** Resolves once `check()` holds (polled; the pool works asynchronously). */
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 25));
  expect(check()).toBe(true);
}

function poolOf(instances: Instance[], startInstance: (name: string) => Promise<Instance>, counts: number[], checkIntervalMs = 60_000) {
  const removed: string[] = [];
  const pool: InstancePool = new InstancePool(instances, {
    startInstance,
    removeInstance: async (instance) => void removed.push(instance.container.id),
    healthTimeoutSeconds: 10,
    onChange: () => counts.push(pool.healthyCount),
    log: () => undefined,
    checkIntervalMs,
  });
  return { pool, removed };
}

describe('instance pool', () => {
  it('takes an exited instance out at once, replaces it in the same slot, and counts what answers', async () => {
    const [one, two] = [await fakeInstance('instance-1'), await fakeInstance('instance-2')];
    let release: (instance: Instance) => void = () => undefined;
    const started: string[] = [];
    const counts: number[] = [];
    const { pool, removed } = poolOf(
      [one, two],
      (name) => {
        started.push(name);
        return new Promise((resolve) => (release = resolve));
      },
      counts,
    );
    pool.start();
    two.exit(137);
    await until(() => started.length === 1);
    expect(pool.healthyCount).toBe(1);
    expect(started).toEqual(['instance-2']);
    expect(removed).toEqual([two.container.id]);
    // While instance-2 is being replaced every request goes to instance-1.
    expect([pool.next(new Set()), pool.next(new Set()), pool.next(new Set())].map((u) => u?.name)).toEqual(['instance-1', 'instance-1', 'instance-1']);
    expect(pool.next(new Set([one.address]))).toBeUndefined();

    const fresh = await fakeInstance('instance-2');
    release(fresh);
    await until(() => pool.healthyCount === 2);
    expect(counts).toEqual([1, 2]);
    expect(pool.describe().map((i) => [i.Name, i.ContainerId, i.Healthy])).toEqual([
      ['instance-1', one.container.id, true],
      ['instance-2', fresh.container.id, true],
    ]);
    await pool.stop();
  });

  it('with every instance gone none is offered and the count is 0', async () => {
    const only = await fakeInstance('instance-1');
    const counts: number[] = [];
    const { pool } = poolOf([only], () => new Promise<Instance>(() => undefined), counts);
    pool.start();
    only.exit(1);
    await until(() => pool.healthyCount === 0);
    expect(pool.next(new Set())).toBeUndefined();
    expect(counts).toEqual([0]);
  });

  it('an instance the proxy could not reach leaves at once and comes back when it answers /ping', async () => {
    const [one, two] = [await fakeInstance('instance-1'), await fakeInstance('instance-2')];
    const counts: number[] = [];
    const { pool } = poolOf([one, two], () => Promise.reject(new Error('not expected')), counts);
    pool.unreachable(two.address);
    expect(pool.healthyCount).toBe(1);
    await until(() => pool.healthyCount === 2);
    expect(counts).toEqual([1, 2]);
    await pool.stop();
  });

  it('three failed health checks in a row replace an instance that still runs', async () => {
    let answer = 200;
    const [one, sick] = [await fakeInstance('instance-1'), await fakeInstance('instance-2', () => answer)];
    const started: string[] = [];
    const { pool, removed } = poolOf(
      [one, sick],
      async (name) => {
        started.push(name);
        return fakeInstance(name);
      },
      [],
      20,
    );
    pool.start();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(started).toEqual([]);
    answer = 500;
    await until(() => started.length === 1);
    expect(removed).toEqual([sick.container.id]);
    await until(() => pool.healthyCount === 2);
    await pool.stop();
  });
});

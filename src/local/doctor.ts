/**
 * What `sagekit doctor` checks on the engine a local job would use: that it builds images, that
 * containers on a job network reach each other by `algo-i` name, and that a FIFO in a bind
 * mount carries data (Pipe mode). Each check cleans up after itself and is bounded in time.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sleep } from '../util/sleep.js';
import { JobEvents } from '../events.js';
import { containerSpec } from './container-spec.js';
import { Socket } from 'node:net';
import { makeFifo, waitForReader } from './data/fifo.js';
import type { ContainerSpec, Engine } from './engine/types.js';
import { createJobNetwork } from './engine/networks.js';
import { buildImage } from './image.js';
import { MANAGED_LABEL } from './leftovers.js';

/** The outcome of one check. */
export interface CheckResult {
  name: string;
  status: 'ok' | 'failed' | 'skipped';
  detail: string;
}

/** Bound of one check: generous, since a loaded machine starts containers slowly. */
const CHECK_TIMEOUT_MS = 120_000;
const labels = { [MANAGED_LABEL]: 'true', 'sagekit.job': 'doctor', 'sagekit.pid': String(process.pid) };

function withTimeout<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>(
    (_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not finish within ${CHECK_TIMEOUT_MS / 1000} s`)), CHECK_TIMEOUT_MS)),
  );
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

async function runCheck(name: string, check: () => Promise<string>): Promise<CheckResult> {
  try {
    return { name, status: 'ok', detail: await withTimeout(check(), name) };
  } catch (error) {
    return { name, status: 'failed', detail: (error as Error).message.split('\n')[0] ?? String(error) };
  }
}

/** A started container: its end (exit code and output as text), and its forced removal. */
interface Started {
  done: Promise<{ code: number; output: string }>;
  remove(): Promise<void>;
}

async function startContainer(engine: Engine, spec: ContainerSpec): Promise<Started> {
  const container = await engine.containers.create(spec);
  const remove = () =>
    container.remove().then(
      () => undefined,
      () => undefined,
    );
  try {
    await container.start();
  } catch (error) {
    await remove();
    throw error;
  }
  const done = (async () => {
    const { StatusCode } = await container.wait();
    const logs = await container.readLogs();
    // Multiplexed frames: 8-byte headers before each chunk; the text is what remains readable.
    return { code: StatusCode, output: logs.toString('utf8').replace(/[\u0000-\u0008]/g, '') };
  })();
  return { done, remove };
}

/** Runs a container to its end and returns its output; it is removed whatever happens. */
async function runToEnd(engine: Engine, spec: ContainerSpec): Promise<{ code: number; output: string }> {
  const started = await startContainer(engine, spec);
  try {
    return await started.done;
  } finally {
    await started.remove();
  }
}

async function checkBuild(engine: Engine): Promise<string> {
  const context = mkdtempSync(path.join(tmpdir(), 'sagekit-doctor-'));
  const tag = `localhost/sagekit-doctor:${process.pid}`;
  try {
    writeFileSync(path.join(context, 'hello.txt'), 'hello\n');
    writeFileSync(path.join(context, 'Dockerfile'), 'FROM scratch\nCOPY hello.txt /hello.txt\n');
    await buildImage(engine, tag, context, undefined, new JobEvents());
    return 'built a FROM scratch image through the engine API';
  } finally {
    rmSync(context, { recursive: true, force: true });
    await engine.images.remove(tag).catch(() => undefined);
  }
}

async function checkNetwork(engine: Engine, image: string): Promise<string> {
  const network = await createJobNetwork(engine.networks, { name: `sagekit-doctor-${process.pid}`, labels, internal: false, hosts: 2 });
  const hostNames = ['algo-1', 'algo-2'];
  const spec = (index: number, script: string) =>
    containerSpec({
      name: `sagekit-doctor-${hostNames[index]}-${process.pid}`,
      image,
      hostName: hostNames[index]!,
      hostIndex: index,
      hostNames,
      network: network.name,
      addresses: network.addresses,
      env: [],
      binds: [],
      labels,
      entrypoint: ['sh', '-c', script],
      cmd: [],
    });
  let listener: Started | undefined;
  try {
    // algo-2 listens (started first); algo-1 connects by name, as a distributed job's workers do.
    listener = await startContainer(engine, spec(1, 'nc -l -p 7777'));
    const sender = await runToEnd(
      engine,
      spec(0, 'i=0; while [ $i -lt 60 ]; do echo from-algo-1 | nc -w 2 algo-2 7777 && exit 0; i=$((i+1)); sleep 0.5; done; exit 1'),
    );
    if (sender.code !== 0) throw new Error(`algo-1 could not reach algo-2 by name (exit ${sender.code}): ${sender.output.trim().slice(0, 200)}`);
    // The listener ends once the sender's connection closes. Bounded generously: on a busy
    // machine the engine can take seconds to report an exit, which is no network fault.
    const received = await Promise.race([listener.done, sleep(60_000).then(() => undefined)]);
    if (!received) throw new Error('algo-1 connected to algo-2 by name, but algo-2 did not end within 60 s of receiving');
    if (!received.output.includes('from-algo-1')) {
      throw new Error(`algo-1 connected to algo-2 by name, but algo-2 received something else: ${JSON.stringify(received.output.trim().slice(0, 200))}`);
    }
    return `algo-1 reached algo-2 by name on ${network.addresses[1]?.replace(/\.\d+$/, '.0/24')}`;
  } finally {
    await listener?.remove();
    await network.remove().catch(() => undefined);
  }
}

async function checkFifo(engine: Engine, image: string): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sagekit-doctor-fifo-'));
  let reader: Started | undefined;
  try {
    await mkdir(dir, { recursive: true });
    const fifo = path.join(dir, 'train_0');
    await makeFifo(fifo);
    const name = `sagekit-doctor-fifo-${process.pid}`;
    reader = await startContainer(engine, {
      ...containerSpec({
        name,
        image,
        hostName: 'algo-1',
        hostIndex: 0,
        hostNames: ['algo-1'],
        network: 'none',
        env: [],
        binds: [{ source: dir, target: '/fifo' }],
        labels,
      }),
      Entrypoint: ['sh', '-c', 'cat /fifo/train_0'],
      Cmd: [],
    });
    const fd = await waitForReader(fifo, AbortSignal.timeout(CHECK_TIMEOUT_MS));
    if (fd === undefined) throw new Error('the container never opened the FIFO');
    const writer = new Socket({ fd, readable: false, writable: true });
    await new Promise<void>((resolve, reject) => writer.end('through-the-fifo\n', () => resolve()).once('error', reject));
    const { code, output } = await reader.done;
    if (code !== 0 || !output.includes('through-the-fifo'))
      throw new Error(`the container did not read the FIFO (exit ${code}): ${output.trim().slice(0, 200)}`);
    return 'a container read a FIFO in a bind mount';
  } finally {
    await reader?.remove();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs every check; those that need a shell image are skipped without one. */
export async function runEngineChecks(engine: Engine, image: string | undefined): Promise<CheckResult[]> {
  const results = [await runCheck('build', () => checkBuild(engine))];
  const hasImage = image ? await engine.images.exists(image) : false;
  const skip = (name: string): CheckResult => ({
    name,
    status: 'skipped',
    detail: image ? `image ${image} is not on this engine` : 'needs an image with a shell (--image IMG)',
  });
  if (!hasImage || !engine.local) {
    results.push(skip('network'), engine.local ? skip('fifo') : { name: 'fifo', status: 'skipped', detail: 'the engine is remote: bind mounts name its disk' });
    return results;
  }
  results.push(await runCheck('network', () => checkNetwork(engine, image!)));
  results.push(await runCheck('fifo', () => checkFifo(engine, image!)));
  return results;
}

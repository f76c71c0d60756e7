/**
 * Logs every engine API call a command makes, with its timing: a pass-through proxy on a Unix
 * socket in front of the engine's. Shows where a job's engine time goes (docs/benchmarks.md).
 *
 * Usage: node --import tsx bench/engine-trace.ts [ENGINE_SOCKET] -- COMMAND ARGS…
 * e.g.   node --import tsx bench/engine-trace.ts /run/podman/podman.sock -- node bin/sagekit.js train -c job.json
 * The command runs with DOCKER_HOST pointing at the proxy; one line per request goes to stderr:
 * start offset, duration (to the end of the response), method, path, status.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const args = process.argv.slice(2);
const separator = args.indexOf('--');
const target = (separator > 0 ? args[0] : undefined) ?? process.env.DOCKER_HOST?.replace(/^unix:\/\//, '') ?? '/run/podman/podman.sock';
const command = separator >= 0 ? args.slice(separator + 1) : args;
if (!command.length) {
  console.error('usage: engine-trace.ts [ENGINE_SOCKET] -- COMMAND ARGS…');
  process.exit(2);
}

const dir = await mkdtemp(path.join(os.tmpdir(), 'sagekit-trace-'));
const proxyPath = path.join(dir, 'engine.sock');
const t0 = performance.now();
const ms = (t: number) => (t - t0).toFixed(0).padStart(6);

/** One connection: requests are read from the client side, timed until the response side goes quiet or closes. */
function relay(client: net.Socket): void {
  const upstream = net.connect(target);
  let pending: { line: string; started: number; status?: string } | undefined;
  const report = () => {
    if (!pending) return;
    console.error(`${ms(pending.started)} ms +${(performance.now() - pending.started).toFixed(0).padStart(5)} ms  ${pending.line}  ${pending.status ?? ''}`);
    pending = undefined;
  };
  client.on('data', (chunk: Buffer) => {
    const first = chunk.toString('latin1').split('\r\n', 1)[0] ?? '';
    if (/^[A-Z]+ \S+ HTTP\/1\.[01]$/.test(first)) {
      report();
      pending = { line: first.replace(/ HTTP\/1\.[01]$/, ''), started: performance.now() };
    }
    upstream.write(chunk);
  });
  upstream.on('data', (chunk: Buffer) => {
    const first = chunk.toString('latin1').split('\r\n', 1)[0] ?? '';
    if (pending && !pending.status && first.startsWith('HTTP/')) pending.status = first.split(' ')[1];
    client.write(chunk);
  });
  const close = () => {
    report();
    client.destroy();
    upstream.destroy();
  };
  client.on('close', close);
  upstream.on('close', close);
  client.on('error', close);
  upstream.on('error', close);
}

const server = net.createServer(relay);
await new Promise<void>((resolve) => server.listen(proxyPath, resolve));
const child = spawn(command[0]!, command.slice(1), { stdio: 'inherit', env: { ...process.env, DOCKER_HOST: `unix://${proxyPath}` } });
const code = await new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? 1)));
console.error(`${ms(performance.now())} ms  command exited with ${code}`);
server.close();
await rm(dir, { recursive: true, force: true });
process.exitCode = code;

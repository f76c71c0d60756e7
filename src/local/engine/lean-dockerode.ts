/**
 * dockerode loads two heavy modules as soon as it is imported, which almost no run calls: its
 * BuildKit session (gRPC and protobuf, ~50 ms of CPU) and docker-modem's SSH transport (ssh2,
 * ~35 ms). A local job pays for both at every start. {@link loadDockerode} first puts a
 * stand-in for each into the CommonJS cache that loads the real module on its first call — so
 * nothing changes for a BuildKit build or an ssh:// engine, they just load later — and then
 * requires dockerode. A required (not imported) dockerode also keeps that order in the bundled
 * CLI, where static imports of packages are hoisted above the bundle's own code.
 * Both modules export one function; if a dockerode release moves or reshapes them, the
 * stand-in is simply not installed.
 */
import { existsSync } from 'node:fs';
import type Docker from 'dockerode';
import Module, { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/** Module files loaded on first call instead of at dockerode's load, relative to their package. */
const DEFERRED: Array<{ pkg: string; file: string; from?: string }> = [
  { pkg: 'dockerode', file: 'lib/session.js' },
  { pkg: 'docker-modem', file: 'lib/ssh.js', from: 'dockerode' },
];

function packageDir(pkg: string, from?: string): string | undefined {
  try {
    const base = from ? createRequire(require.resolve(`${from}/package.json`)) : require;
    return path.dirname(base.resolve(`${pkg}/package.json`));
  } catch {
    return undefined;
  }
}

function defer(file: string): void {
  if (require.cache[file] || !existsSync(file)) return;
  const stub = new Module(file);
  stub.filename = file;
  stub.loaded = true;
  let real: ((...args: unknown[]) => unknown) | undefined;
  // Callers that kept the stand-in (modules that required it at load) keep going through it.
  stub.exports = function deferred(this: unknown, ...args: unknown[]): unknown {
    if (!real) {
      delete require.cache[file]; // from now on require() gives the real module
      const loaded: unknown = require(file);
      if (typeof loaded !== 'function') throw new Error(`sagekit: ${file} no longer exports a function`);
      real = loaded as (...args: unknown[]) => unknown;
    }
    return real.apply(this, args);
  };
  require.cache[file] = stub;
}

let dockerode: typeof Docker | undefined;

/** dockerode's client class, loaded on first call with its heavy parts deferred. */
export function loadDockerode(): typeof Docker {
  if (dockerode) return dockerode;
  for (const { pkg, file, from } of DEFERRED) {
    const dir = packageDir(pkg, from);
    if (dir) defer(path.join(dir, file));
  }
  dockerode = require('dockerode') as typeof Docker;
  return dockerode;
}

import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDockerode } from './lean-dockerode.js';

const require = createRequire(import.meta.url);
const modemDir = path.dirname(createRequire(require.resolve('dockerode/package.json')).resolve('docker-modem/package.json'));
const sshFile = path.join(modemDir, 'lib/ssh.js');
const sessionFile = path.join(path.dirname(require.resolve('dockerode/package.json')), 'lib/session.js');

describe('lean dockerode', () => {
  it('leaves the BuildKit session and the SSH transport unloaded until first called', () => {
    const Docker = loadDockerode();
    expect(Docker).toBe(require('dockerode'));
    expect(new Docker({ socketPath: '/nonexistent.sock' }).modem).toBeDefined();
    for (const file of [sessionFile, sshFile]) {
      const cached = require.cache[file];
      expect(cached?.loaded).toBe(true);
      expect((cached!.exports as { name?: string }).name).toBe('deferred');
    }
  });

  it('a deferred module does what the real one does once called, and is the real one from then on', () => {
    const ssh = require(sshFile) as (options: object) => http.Agent;
    for (let i = 0; i < 2; i++) {
      const agent = ssh({ host: '127.0.0.1', port: 1 });
      expect(agent).toBeInstanceOf(http.Agent);
      expect(typeof agent.createConnection).toBe('function');
      agent.destroy();
    }
    const real = require(sshFile) as { name?: string };
    expect(real.name).not.toBe('deferred');
    expect(require.cache[sshFile]?.exports).toBe(real);
    expect(require(sshFile)).toBe(real); // loaded once, not again at each call
  });
});

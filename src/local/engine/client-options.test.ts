import http from 'node:http';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { clientOptions } from './client-options.js';

describe('clientOptions', () => {
  it('a fresh connection per request, and an agent that is cheap to format for docker-modem’s debug log', async () => {
    const options = clientOptions({ host: 'unix:///run/nothing.sock', source: 'test' }) as { socketPath?: string; agent?: http.Agent };
    expect(options.socketPath).toBe('/run/nothing.sock');
    expect(options.agent).toBeInstanceOf(http.Agent);
    expect((options.agent as http.Agent & { keepAlive: boolean }).keepAlive).toBe(false);
    // What docker-modem does for every request, debug log on or off.
    const text = inspect({ method: 'GET', agent: options.agent }, { showHidden: true, depth: null });
    expect(text).toContain('Agent { keepAlive: false }');
    expect(text.length).toBeLessThan(200);
  });
});

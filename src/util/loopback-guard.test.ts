/** Host and Origin of requests to a loopback server. */
import { describe, expect, it } from 'vitest';
import { loopbackRefusal } from './loopback-guard.js';

describe('loopbackRefusal', () => {
  it('answers requests to its own loopback address, from no page or a page of that address', () => {
    for (const host of ['127.0.0.1:8123', 'localhost:8123', 'LOCALHOST:8123', '[::1]:8123']) expect(loopbackRefusal({ host }, 8123)).toBeUndefined();
    expect(loopbackRefusal({ host: '127.0.0.1:8123', origin: 'http://127.0.0.1:8123' }, 8123)).toBeUndefined();
    expect(loopbackRefusal({ host: 'localhost:8123', origin: 'http://localhost:8123' }, 8123)).toBeUndefined();
  });

  it('refuses other names (DNS rebinding), other ports, no Host, and foreign origins', () => {
    for (const host of ['evil.example:8123', '127.0.0.1', '127.0.0.1:80', '10.0.0.1:8123', 'localhost.evil.example:8123', '', undefined]) {
      expect(loopbackRefusal({ host }, 8123)).toMatch(/is not this server's address/);
    }
    for (const origin of ['http://evil.example', 'http://localhost:3000', 'https://127.0.0.1:8123', 'null', 'file://']) {
      expect(loopbackRefusal({ host: '127.0.0.1:8123', origin }, 8123)).toMatch(/other origins/);
    }
  });
});

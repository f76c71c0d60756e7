/** Host and Origin of requests to a loopback server. */
import { describe, expect, it } from 'vitest';
import { hostOriginRefusal, isFormUpload } from './http-guard.js';

describe('hostOriginRefusal', () => {
  it('answers requests to its own loopback address, from no page or a page of that address', () => {
    for (const host of ['127.0.0.1:8123', 'localhost:8123', 'LOCALHOST:8123', '[::1]:8123']) expect(hostOriginRefusal({ host }, 8123)).toBeUndefined();
    expect(hostOriginRefusal({ host: '127.0.0.1:8123', origin: 'http://127.0.0.1:8123' }, 8123)).toBeUndefined();
    expect(hostOriginRefusal({ host: 'localhost:8123', origin: 'http://localhost:8123' }, 8123)).toBeUndefined();
  });

  it('refuses other names (DNS rebinding), other ports, no Host, and foreign origins', () => {
    for (const host of ['evil.example:8123', '127.0.0.1', '127.0.0.1:80', '10.0.0.1:8123', 'localhost.evil.example:8123', '', undefined]) {
      expect(hostOriginRefusal({ host }, 8123)).toMatch(/is not this server's address/);
    }
    for (const origin of ['http://evil.example', 'http://localhost:3000', 'https://127.0.0.1:8123', 'null', 'file://']) {
      expect(hostOriginRefusal({ host: '127.0.0.1:8123', origin }, 8123)).toMatch(/other origins/);
    }
  });

  it('answers names the operator allowed, on this port only, and pages served from them', () => {
    const options = { allowedHosts: ['build-box', 'ci.internal:8123'] };
    expect(hostOriginRefusal({ host: 'build-box:8123' }, 8123, options)).toBeUndefined();
    expect(hostOriginRefusal({ host: 'BUILD-BOX:8123', origin: 'http://build-box:8123' }, 8123, options)).toBeUndefined();
    expect(hostOriginRefusal({ host: 'ci.internal:8123' }, 8123, options)).toBeUndefined();
    expect(hostOriginRefusal({ host: 'build-box:9999' }, 8123, options)).toMatch(/not this server's address/);
    expect(hostOriginRefusal({ host: 'build-box:8123' }, 8123)).toMatch(/not this server's address/);
    expect(hostOriginRefusal({ host: 'build-box:8123', origin: 'http://evil.example' }, 8123, options)).toMatch(/other origins/);
  });

  it('does not echo a huge Host or Origin back', () => {
    expect(hostOriginRefusal({ host: 'a'.repeat(100_000) }, 8123)!.length).toBeLessThan(300);
    expect(hostOriginRefusal({ host: 'localhost:8123', origin: `http://${'a'.repeat(100_000)}` }, 8123)!.length).toBeLessThan(300);
  });
});

describe('isFormUpload', () => {
  it('is a POST of multipart/form-data, whatever its case and parameters', () => {
    expect(isFormUpload('POST', 'multipart/form-data; boundary=x')).toBe(true);
    expect(isFormUpload('POST', 'Multipart/Form-Data')).toBe(true);
    expect(isFormUpload('PUT', 'multipart/form-data')).toBe(false);
    expect(isFormUpload('POST', 'application/xml')).toBe(false);
    expect(isFormUpload('POST', undefined)).toBe(false);
  });
});

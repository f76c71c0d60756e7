/**
 * Host and Origin checks of sagekit's HTTP listeners (serve, local endpoints' proxies).
 * Listening on 127.0.0.1 keeps other machines out, not web pages: a page on any site can post
 * to http://127.0.0.1:<port> (its Origin names that site), and one whose name the attacker
 * re-points at 127.0.0.1 (DNS rebinding) reaches the port with its own name as Host. So a
 * request is answered only when its Host is one of this machine's loopback names (or a name
 * the operator allowed) with this server's port, and it has no Origin or an Origin of one of
 * those same addresses.
 */

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/** What a listener accepts besides the loopback names. */
export interface GuardOptions {
  /** Further names (`name` or `name:port`) clients may use as Host, e.g. the machine's name under `serve --host 0.0.0.0 --allow-host`. */
  allowedHosts?: readonly string[];
}

/** `host[:port]` split, lower-cased; the port is undefined when absent. */
function splitHost(value: string): { name: string; port: string | undefined } {
  const match = /^(\[[^\]]*\]|[^:]*)(?::(\d+))?$/.exec(value.trim().toLowerCase());
  return match ? { name: match[1]!, port: match[2] } : { name: '', port: undefined };
}

/** True when `host` (a Host header) is one this server on `port` answers to. */
function isOwnHost(host: string, port: number, options: GuardOptions): boolean {
  const { name, port: given } = splitHost(host);
  if (given !== String(port)) return false;
  if (LOOPBACK_NAMES.includes(name)) return true;
  return (options.allowedHosts ?? []).some((allowed) => {
    const entry = splitHost(allowed);
    return entry.name === name && (entry.port === undefined || entry.port === given);
  });
}

/** True when `origin` (an Origin header) is a page served from one of this server's own addresses. */
function isOwnOrigin(origin: string, port: number, options: GuardOptions): boolean {
  try {
    const url = new URL(origin);
    return url.protocol === 'http:' && isOwnHost(url.host || '', port, options);
  } catch {
    // `null` (sandboxed frames, file:// pages) and anything unparsable are foreign.
    return false;
  }
}

/**
 * Why a request to the server on `port` must be refused, or undefined when it may be answered:
 * a Host that is not `127.0.0.1|localhost|[::1]:<port>` (or an allowed name), or a foreign Origin.
 */
export function hostOriginRefusal(
  headers: { host?: string | undefined; origin?: string | undefined },
  port: number,
  options: GuardOptions = {},
): string | undefined {
  if (!headers.host || !isOwnHost(headers.host, port, options)) {
    const shown = (headers.host ?? '').slice(0, 100);
    return `Host ${JSON.stringify(shown)} is not this server's address (127.0.0.1:${port} or localhost:${port})`;
  }
  if (headers.origin !== undefined && !isOwnOrigin(headers.origin, port, options)) {
    return `requests from web pages of other origins (${JSON.stringify(headers.origin.slice(0, 100))}) are refused`;
  }
  return undefined;
}

/**
 * True for what an HTML form can send without a CORS preflight as an upload: a POST with a form
 * content type. No AWS protocol serve speaks uses multipart/form-data, so refusing it closes
 * browser form uploads (S3's POST Object with a signed policy is not supported).
 */
export function isFormUpload(method: string | undefined, contentType: string | undefined): boolean {
  return method === 'POST' && /^\s*multipart\/form-data\b/i.test(contentType ?? '');
}

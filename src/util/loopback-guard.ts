/**
 * Host and Origin checks of a server that listens on a loopback port. Listening on 127.0.0.1
 * keeps other machines out, not web pages: a page on any site can post to
 * http://127.0.0.1:<port> (its Origin names that site), and one whose name the attacker
 * re-points at 127.0.0.1 (DNS rebinding) reaches the port with its own name as Host. So a
 * request is answered only when its Host is one of this machine's loopback names with this
 * server's port, and it has no Origin or an Origin of that same address.
 */

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** `host[:port]` split; the port is undefined when absent. */
function splitHost(value: string): { name: string; port: string | undefined } {
  const match = /^(\[[^\]]*\]|[^:]*)(?::(\d+))?$/.exec(value.trim().toLowerCase());
  return match ? { name: match[1]!, port: match[2] } : { name: '', port: undefined };
}

/** True when `host` (a Host header) names this machine's loopback interface on `port`. */
function isOwnHost(host: string, port: number): boolean {
  const { name, port: given } = splitHost(host);
  return LOOPBACK_NAMES.has(name) && given === String(port);
}

/** True when `origin` (an Origin header) is a page served from this very address. */
function isOwnOrigin(origin: string, port: number): boolean {
  try {
    const url = new URL(origin);
    return url.protocol === 'http:' && isOwnHost(url.host, port);
  } catch {
    // `null` (sandboxed frames, file:// pages) and anything unparsable are foreign.
    return false;
  }
}

/**
 * Why a request to the loopback server on `port` must be refused, or undefined when it may be
 * answered: a Host that is not `127.0.0.1|localhost|[::1]:<port>`, or a foreign Origin.
 */
export function loopbackRefusal(headers: { host?: string | undefined; origin?: string | undefined }, port: number): string | undefined {
  if (!headers.host || !isOwnHost(headers.host, port)) {
    return `Host ${JSON.stringify(headers.host ?? '')} is not this server's address (127.0.0.1:${port} or localhost:${port})`;
  }
  if (headers.origin !== undefined && !isOwnOrigin(headers.origin, port)) {
    return `requests from web pages of other origins (${JSON.stringify(headers.origin)}) are refused`;
  }
  return undefined;
}

/**
 * awsJson encodes timestamps as epoch seconds (numbers, fractions allowed). Job records keep
 * Date objects; these helpers convert both ways at the edge of the server.
 */

/** A copy of `value` with every Date replaced by its epoch seconds; undefined members dropped. */
export function toWire(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(toWire);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(value)) if (member !== undefined) out[key] = toWire(member);
    return out;
  }
  return value;
}

/** A request timestamp (epoch seconds, or an ISO string as some clients send) as epoch ms; undefined when absent. */
export function fromWireTime(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') return value * 1000;
  if (typeof value === 'string') {
    const numeric = Number(value);
    const ms = Number.isFinite(numeric) ? numeric * 1000 : Date.parse(value);
    if (Number.isFinite(ms)) return ms;
  }
  return Number.NaN;
}

/** Opaque pagination token for an offset into a list. */
export function encodeToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64');
}

/** The offset in a token made by {@link encodeToken}; undefined for a token that is not one. */
export function decodeToken(token: unknown): number | undefined {
  if (typeof token !== 'string') return undefined;
  try {
    const { offset } = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { offset?: unknown };
    return typeof offset === 'number' && Number.isInteger(offset) && offset >= 0 ? offset : undefined;
  } catch {
    return undefined;
  }
}

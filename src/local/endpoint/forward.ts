/**
 * One exchange between the front proxy and an instance: the buffered request sent, the answer
 * streamed back to the caller. How it ended decides what the proxy does next: an instance that
 * refused or reset the connection before any byte of an answer came back did not see a request
 * it answered, so the request may go to another instance; once an answer has begun nothing is
 * sent twice.
 */
import http from 'node:http';

/** Response headers the caller gets back. */
const FORWARDED_RESPONSE_HEADERS = ['content-type', 'x-amzn-sagemaker-custom-attributes', 'content-length'];

/** A new connection per request: a reset then always means the instance, never a stale idle socket. */
const agent = new http.Agent({ keepAlive: false });

/** The request as the proxy forwards it. */
export interface Outgoing {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

/** How one exchange ended. */
export type Outcome =
  | { kind: 'answered' }
  | { kind: 'unreachable'; error: Error }
  | { kind: 'timed-out' }
  /** The caller went away first. */
  | { kind: 'abandoned' };

/** The named headers of `headers` that have a single value. */
export function pick(headers: http.IncomingHttpHeaders, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const value = headers[name];
    if (typeof value === 'string') out[name] = value;
  }
  return out;
}

/** Sends `outgoing` to `target` and streams the answer into `response`, within `timeoutMs`. */
export function exchange(target: string, outgoing: Outgoing, response: http.ServerResponse, timeoutMs: number): Promise<Outcome> {
  return new Promise((resolve) => {
    let answered = false;
    let settled = false;
    const finish = (outcome: Outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      response.off('close', onClientGone);
      resolve(outcome);
    };
    const upstream = http.request(
      new URL(outgoing.path, target),
      { method: outgoing.method, agent, headers: { ...outgoing.headers, 'content-length': String(outgoing.body.length) } },
      (answer) => {
        answered = true;
        response.writeHead(answer.statusCode ?? 502, pick(answer.headers, FORWARDED_RESPONSE_HEADERS));
        answer.pipe(response);
        answer.on('end', () => finish({ kind: 'answered' }));
        answer.on('error', () => {
          response.destroy();
          finish({ kind: 'answered' });
        });
      },
    );
    const timer = setTimeout(() => {
      upstream.destroy();
      // An answer that began in time but does not end: the caller's connection is cut.
      if (answered) response.destroy();
      finish(answered ? { kind: 'answered' } : { kind: 'timed-out' });
    }, timeoutMs);
    upstream.on('error', (error) => {
      if (!answered) return finish({ kind: 'unreachable', error });
      response.destroy();
      finish({ kind: 'answered' });
    });
    const onClientGone = () => {
      if (response.writableFinished) return;
      upstream.destroy();
      finish({ kind: 'abandoned' });
    };
    response.on('close', onClientGone);
    upstream.end(outgoing.body);
  });
}

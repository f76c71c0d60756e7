/**
 * The answers the front proxy gives itself (rather than passing on the model's), shaped like
 * SageMaker runtime errors: the error type in `X-Amzn-ErrorType`, a JSON body with `Message`
 * (and, for ModelError, `OriginalStatusCode` / `OriginalMessage`), so a client tells them from
 * a model's own answer.
 */
import type http from 'node:http';

/** Header naming the error type of an answer the proxy made itself. */
export const ERROR_TYPE_HEADER = 'x-amzn-errortype';

type ErrorType = 'ValidationError' | 'ModelError' | 'ServiceUnavailable' | 'AccessDeniedException';

/** Sends an error answer (once; a response already under way is cut instead). */
export function answerError(response: http.ServerResponse, status: number, type: ErrorType, message: string, extra: Record<string, unknown> = {}): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const body = `${JSON.stringify({ Message: message, ...extra })}\n`;
  response.writeHead(status, { 'content-type': 'application/json', [ERROR_TYPE_HEADER]: type, 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

/** 413: the request body is over the endpoint's limit (SageMaker's words, and the setting's name). */
export function payloadTooLarge(response: http.ServerResponse, limitBytes: number): void {
  // Whatever of the body is still unread is not wanted on this connection.
  response.setHeader('connection', 'close');
  const mb = limitBytes / (1024 * 1024);
  answerError(
    response,
    413,
    'ValidationError',
    `HTTP content length exceeded ${limitBytes} bytes (the endpoint's payload limit, maxPayload ${Number.isInteger(mb) ? mb : mb.toFixed(3)} MB)`,
  );
}

/** 424 ModelError: the model did not answer within the invocation timeout. */
export function invocationTimedOut(response: http.ServerResponse, instance: string, timeoutSeconds: number): void {
  const original = `Your invocation timed out while waiting for a response from container ${instance}: no answer within ${timeoutSeconds} s (the endpoint's invocationTimeout)`;
  answerError(response, 424, 'ModelError', `Received server error (0) from ${instance} with message "${original}"`, {
    OriginalStatusCode: 0,
    OriginalMessage: original,
  });
}

/**
 * Reading requests and writing responses in the three encodings serve speaks: awsJson 1.1
 * (SageMaker, CloudWatch Logs), the query protocol's XML (STS), and plain status answers.
 */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { AwsServiceError } from './aws-error.js';

/** Longest error message serve sends: messages may quote request values, which may be huge. */
const MAX_MESSAGE_CHARS = 1024;

/** `message` cut to {@link MAX_MESSAGE_CHARS}, saying how much was left out. */
export function boundedMessage(message: string): string {
  if (message.length <= MAX_MESSAGE_CHARS) return message;
  return `${message.slice(0, MAX_MESSAGE_CHARS)}… (${message.length - MAX_MESSAGE_CHARS} more characters)`;
}

function send(response: ServerResponse, status: number, contentType: string, body: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
    'x-amzn-requestid': randomUUID(),
    ...headers,
  });
  response.end(body);
}

/** A successful awsJson 1.1 answer. */
export function sendJson(response: ServerResponse, value: unknown): void {
  send(response, 200, 'application/x-amz-json-1.1', JSON.stringify(value ?? {}));
}

/** An awsJson 1.1 error: `__type` in the body and `x-amzn-ErrorType` in the headers, as AWS sends them. */
export function sendJsonError(response: ServerResponse, error: AwsServiceError): void {
  const body = JSON.stringify({ __type: error.code, message: boundedMessage(error.message) });
  send(response, error.status, 'application/x-amz-json-1.1', body, { 'x-amzn-errortype': error.code });
}

/** Escapes text for XML element content. */
function xmlEscape(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}

/** A successful query-protocol answer (an XML document). */
export function sendXml(response: ServerResponse, xml: string): void {
  send(response, 200, 'text/xml', xml);
}

/** A query-protocol error document (`<ErrorResponse>`), as STS sends it. */
export function sendQueryError(response: ServerResponse, error: AwsServiceError): void {
  const type = error.status < 500 ? 'Sender' : 'Receiver';
  const xml =
    `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>${type}</Type>` +
    `<Code>${xmlEscape(error.code)}</Code><Message>${xmlEscape(boundedMessage(error.message))}</Message></Error>` +
    `<RequestId>${randomUUID()}</RequestId></ErrorResponse>`;
  send(response, error.status, 'text/xml', xml);
}

/** An S3 REST error document, as S3 sends it. */
export function sendS3Error(response: ServerResponse, error: AwsServiceError): void {
  const xml =
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${xmlEscape(error.code)}</Code>` +
    `<Message>${xmlEscape(boundedMessage(error.message))}</Message><RequestId>${randomUUID()}</RequestId></Error>`;
  send(response, error.status, 'application/xml', xml);
}

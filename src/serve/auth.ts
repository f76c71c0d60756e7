/**
 * SigV4 as serve checks it: signatures are not verified (this is a local development endpoint),
 * but the access key id and the credential scope are read — the key id to let only one key in
 * (`--access-key-id`), the scope's service name to route requests whose protocol is ambiguous.
 */
import type { IncomingMessage } from 'node:http';

/** What a request's SigV4 credential says. */
export interface SigV4Credential {
  accessKeyId: string;
  region?: string;
  service?: string;
}

const CREDENTIAL_PATTERN = /Credential=([^/,\s]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/;

/** The credential of a signed request (Authorization header or presigned query), or undefined when unsigned. */
export function credentialOf(request: IncomingMessage, url: URL): SigV4Credential | undefined {
  const header = request.headers.authorization ?? '';
  const fromHeader = CREDENTIAL_PATTERN.exec(header);
  if (fromHeader) return { accessKeyId: fromHeader[1]!, region: fromHeader[2]!, service: fromHeader[3]! };
  const query = url.searchParams.get('X-Amz-Credential');
  if (query) {
    const [accessKeyId, , region, service] = query.split('/');
    if (accessKeyId) return { accessKeyId, ...(region && { region }), ...(service && { service }) };
  }
  // SigV2 (old S3 clients): "AWS AKID:signature".
  const v2 = /^AWS ([^:\s]+):/.exec(header) ?? (url.searchParams.get('AWSAccessKeyId') ? [null, url.searchParams.get('AWSAccessKeyId')] : null);
  return v2?.[1] ? { accessKeyId: v2[1] } : undefined;
}

/** Why a request is refused under `--access-key-id`, or undefined when it may pass. */
export function authProblem(credential: SigV4Credential | undefined, allowedKeyId: string | undefined): 'missing' | 'unknown-key' | undefined {
  if (allowedKeyId === undefined) return undefined;
  if (!credential) return 'missing';
  return credential.accessKeyId === allowedKeyId ? undefined : 'unknown-key';
}

/**
 * STS over the query protocol: GetCallerIdentity with serve's account, so SDKs that
 * derive names from the account (the Python SDK's default bucket `sagemaker-<region>-<account>`) work.
 */
import { randomUUID } from 'node:crypto';
import { AwsServiceError } from './aws-error.js';

/** The XML answer of a query-protocol STS action. */
export function answerSts(params: URLSearchParams, accountId: string): string {
  const action = params.get('Action');
  if (action !== 'GetCallerIdentity') {
    throw new AwsServiceError('InvalidAction', `Could not find operation ${action ?? '(none)'} for version ${params.get('Version') ?? '2011-06-15'}`);
  }
  return (
    '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>' +
    `<Arn>arn:aws:iam::${accountId}:root</Arn><UserId>${accountId}</UserId><Account>${accountId}</Account>` +
    `</GetCallerIdentityResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></GetCallerIdentityResponse>`
  );
}

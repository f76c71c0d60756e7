/**
 * STS over the query protocol: GetCallerIdentity with the fixed local account, so SDKs that
 * derive names from the account (the Python SDK's default bucket `sagemaker-<region>-<account>`) work.
 */
import { randomUUID } from 'node:crypto';
import { LOCAL_ACCOUNT_ID } from '../local/status.js';
import { AwsServiceError } from './aws-error.js';

/** The XML answer of a query-protocol STS action. */
export function answerSts(params: URLSearchParams): string {
  const action = params.get('Action');
  if (action !== 'GetCallerIdentity') {
    throw new AwsServiceError('InvalidAction', `Could not find operation ${action ?? '(none)'} for version ${params.get('Version') ?? '2011-06-15'}`);
  }
  return (
    '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>' +
    `<Arn>arn:aws:iam::${LOCAL_ACCOUNT_ID}:root</Arn><UserId>${LOCAL_ACCOUNT_ID}</UserId><Account>${LOCAL_ACCOUNT_ID}</Account>` +
    `</GetCallerIdentityResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></GetCallerIdentityResponse>`
  );
}

/**
 * What a `deploy()` call takes beside the deploy options (session, events, local settings,
 * serializers). Kept apart from `deploy.ts` so the job handle's type can name it without
 * importing the deployment code.
 */
import type { Session } from '../aws/session.js';
import type { JobEvents } from '../events.js';
import type { LocalEndpointSettings } from '../local/endpoint/record.js';
import type { DeployRequests } from './requests.js';
import type { Deserializer, Serializer } from './serializers.js';
import type { DeployOptions } from './types.js';

/** What a deployment needs beyond the deploy options. */
export interface DeploySettings {
  /** AWS session for SageMaker endpoints (default: one from the AWS configuration chain). */
  session?: Session;
  region?: string;
  /** Receives the deployment's progress (`info`) and, on SageMaker, status changes. */
  events?: JobEvents;
  /** Local endpoints: state directory, engine, pull policy. */
  local?: LocalEndpointSettings;
  serializer?: Serializer;
  deserializer?: Deserializer;
  /**
   * Abandons the deployment: a local endpoint that is still starting is removed (rejects with
   * exit code 130); on SageMaker the wait ends and the endpoint keeps being created.
   */
  signal?: AbortSignal;
  /** SageMaker: seconds between DescribeEndpoint calls while waiting (default 30). */
  pollSeconds?: number;
  /** Called with the requests just before they are sent (the CLI prints the names). */
  onRequests?: (requests: DeployRequests) => void;
}

/** Options of `deploy()` calls: the deploy settings plus serializers and where to report. */
export type DeployCall = DeployOptions & Omit<DeploySettings, 'onRequests'>;

/** Splits a {@link DeployCall} into deploy options and settings. */
export function splitDeployCall(call: DeployCall): { options: DeployOptions; settings: DeploySettings } {
  const { session, region, events, local, serializer, deserializer, pollSeconds, signal, ...options } = call;
  const settings: DeploySettings = {
    ...(session && { session }),
    ...(region && { region }),
    ...(events && { events }),
    ...(local && { local }),
    ...(serializer && { serializer }),
    ...(deserializer && { deserializer }),
    ...(pollSeconds !== undefined && { pollSeconds }),
    ...(signal && { signal }),
  };
  return { options, settings };
}

/**
 * The CloudWatch Logs operations of serve (`X-Amz-Target: Logs_20140328.<Op>`) over the log
 * streams of local jobs: DescribeLogGroups, DescribeLogStreams, GetLogEvents (with
 * `nextForwardToken` / `nextBackwardToken` / `startFromHead` as CloudWatch pages them) and
 * FilterLogEvents.
 */
import { AwsServiceError } from './aws-error.js';
import type { RequestScope } from './server.js';
import { findStream, streamsWithPrefix, textFilter, TRAINING_LOG_GROUP, type LogStream } from './log-streams.js';
import { decodeToken, encodeToken } from './wire.js';

type Input = Record<string, unknown>;

const invalid = (message: string) => new AwsServiceError('InvalidParameterException', message);

function limitOf(input: Input, fallback: number, max: number): number {
  const limit = input.limit ?? fallback;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > max) {
    throw invalid(`1 validation error detected: Value '${String(limit)}' at 'limit' failed to satisfy constraint: Member must have value between 1 and ${max}`);
  }
  return limit;
}

function offsetOf(token: unknown): number {
  if (token === undefined) return 0;
  const offset = decodeToken(token);
  if (offset === undefined) throw invalid('The specified nextToken is not valid.');
  return offset;
}

const inTime = (input: Input) => (t: number) =>
  (typeof input.startTime !== 'number' || t >= input.startTime) && (typeof input.endTime !== 'number' || t <= input.endTime);

/** CloudWatch Logs over the records in `stateDir`. */
export class LogsService {
  constructor(private readonly stateDir: string) {}

  operations(): Record<string, (input: Input, scope: RequestScope) => Promise<unknown>> {
    return {
      DescribeLogGroups: (input, scope) => this.describeLogGroups(input, scope),
      DescribeLogStreams: (input, scope) => this.describeLogStreams(input, scope),
      GetLogEvents: (input) => this.getLogEvents(input),
      FilterLogEvents: (input) => this.filterLogEvents(input),
    };
  }

  private groupArn(scope: RequestScope): string {
    return `arn:aws:logs:${scope.region}:${scope.accountId}:log-group:${TRAINING_LOG_GROUP}`;
  }

  private checkGroup(input: Input): void {
    const group =
      input.logGroupName ??
      (typeof input.logGroupIdentifier === 'string' ? input.logGroupIdentifier.replace(/^arn:.*:log-group:/, '').replace(/:\*$/, '') : undefined);
    if (group !== TRAINING_LOG_GROUP) throw new AwsServiceError('ResourceNotFoundException', 'The specified log group does not exist.');
  }

  private async describeLogGroups(input: Input, scope: RequestScope): Promise<unknown> {
    const prefix = typeof input.logGroupNamePrefix === 'string' ? input.logGroupNamePrefix : '';
    const groups = TRAINING_LOG_GROUP.startsWith(prefix)
      ? [{ logGroupName: TRAINING_LOG_GROUP, arn: `${this.groupArn(scope)}:*`, creationTime: 0, storedBytes: 0 }]
      : [];
    return { logGroups: groups };
  }

  private async describeLogStreams(input: Input, scope: RequestScope): Promise<unknown> {
    this.checkGroup(input);
    const limit = limitOf(input, 50, 50);
    const offset = offsetOf(input.nextToken);
    const streams = await streamsWithPrefix(this.stateDir, typeof input.logStreamNamePrefix === 'string' ? input.logStreamNamePrefix : '');
    const last = (s: LogStream) => s.events.at(-1)?.timestamp ?? 0;
    streams.sort(input.orderBy === 'LastEventTime' ? (a, b) => last(a) - last(b) : (a, b) => a.name.localeCompare(b.name));
    if (input.descending === true) streams.reverse();
    const page = streams.slice(offset, offset + limit).map((s) => ({
      logStreamName: s.name,
      creationTime: s.creationTime,
      ...(s.events.length && { firstEventTimestamp: s.events[0]!.timestamp, lastEventTimestamp: last(s), lastIngestionTime: last(s) }),
      arn: `${this.groupArn(scope)}:log-stream:${s.name}`,
      storedBytes: 0,
    }));
    return { logStreams: page, ...(offset + limit < streams.length && { nextToken: encodeToken(offset + limit) }) };
  }

  /** Forward tokens `f/<i>` read from event i on; backward tokens `b/<i>` read the events before i. */
  private async getLogEvents(input: Input): Promise<unknown> {
    this.checkGroup(input);
    const stream = typeof input.logStreamName === 'string' ? await findStream(this.stateDir, input.logStreamName) : undefined;
    if (!stream) throw new AwsServiceError('ResourceNotFoundException', 'The specified log stream does not exist.');
    const limit = limitOf(input, 10000, 10000);
    const events = stream.events.filter((e) => inTime(input)(e.timestamp));
    const token = typeof input.nextToken === 'string' ? /^([fb])\/(\d+)$/.exec(input.nextToken) : undefined;
    if (input.nextToken !== undefined && !token) throw invalid('The specified nextToken is not valid.');
    let start: number;
    let end: number;
    if (token?.[1] === 'f' || (!token && input.startFromHead === true)) {
      start = Math.min(token ? Number(token[2]) : 0, events.length);
      end = Math.min(start + limit, events.length);
    } else {
      end = Math.min(token ? Number(token[2]) : events.length, events.length);
      start = Math.max(0, end - limit);
    }
    return {
      events: events.slice(start, end).map((e) => ({ timestamp: e.timestamp, message: e.message, ingestionTime: e.timestamp })),
      nextForwardToken: `f/${end}`,
      nextBackwardToken: `b/${start}`,
    };
  }

  private async filterLogEvents(input: Input): Promise<unknown> {
    this.checkGroup(input);
    const limit = limitOf(input, 10000, 10000);
    const offset = offsetOf(input.nextToken);
    const matches = textFilter(typeof input.filterPattern === 'string' ? input.filterPattern : undefined);
    if (!matches) throw invalid('sagekit serve supports text filter patterns only (terms, "phrases", -term, ?term)');
    const names = Array.isArray(input.logStreamNames) ? new Set(input.logStreamNames) : undefined;
    const streams = (await streamsWithPrefix(this.stateDir, typeof input.logStreamNamePrefix === 'string' ? input.logStreamNamePrefix : '')).filter(
      (s) => !names || names.has(s.name),
    );
    const events = streams
      .flatMap((s, streamIndex) =>
        s.events.map((e, i) => ({
          logStreamName: s.name,
          timestamp: e.timestamp,
          message: e.message,
          ingestionTime: e.timestamp,
          eventId: `${streamIndex}-${i}`,
        })),
      )
      .filter((e) => inTime(input)(e.timestamp) && matches(e.message))
      .sort((a, b) => a.timestamp - b.timestamp);
    return {
      events: events.slice(offset, offset + limit),
      searchedLogStreams: streams.map((s) => ({ logStreamName: s.name, searchedCompletely: true })),
      ...(offset + limit < events.length && { nextToken: encodeToken(offset + limit) }),
    };
  }
}

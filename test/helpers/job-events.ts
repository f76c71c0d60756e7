/** A `JobEvents` emitter that records everything it emits, for tests to assert on. */
import { JobEvents, type LogLine, type MetricSample, type Progress, type StatusChange } from '../../src/events.js';

export interface RecordedEvents {
  events: JobEvents;
  logs: LogLine[];
  statuses: StatusChange[];
  progress: Progress[];
  metrics: MetricSample[];
  warnings: string[];
  infos: string[];
}

/** A new emitter with one array per event kind, filled as events arrive. */
export function recordingEvents(): RecordedEvents {
  const recorded: RecordedEvents = { events: new JobEvents(), logs: [], statuses: [], progress: [], metrics: [], warnings: [], infos: [] };
  const { events } = recorded;
  events.on('log', (l) => recorded.logs.push(l));
  events.on('status', (s) => recorded.statuses.push(s));
  events.on('progress', (p) => recorded.progress.push(p));
  events.on('metric', (m) => recorded.metrics.push(m));
  events.on('warning', (w) => recorded.warnings.push(w));
  events.on('info', (i) => recorded.infos.push(i));
  return recorded;
}

/**
 * Renders a job's events for humans on stderr: host-prefixed coloured logs, status transitions,
 * progress bars (TTY) or start/end lines (pipes), warnings; and the final summary.
 */
import type { DescribeTrainingJobResponse } from '@aws-sdk/client-sagemaker';
import type { JobEvents, Progress } from '../events.js';
import { formatBytes, formatDuration, progressBar, table, type Terminal } from './terminal.js';

/** Subscribes a terminal to a job's events. Returns a function that unsubscribes. */
export function reportJobEvents(events: JobEvents, term: Terminal, options: { hostCount: number; quietLogs?: boolean }): () => void {
  const hostPrefix = (host: string): string => {
    if (options.hostCount <= 1) return '';
    const index = Number(/(\d+)$/.exec(host)?.[1] ?? 1) - 1;
    return term.style(term.hostStyle(index), `${host} |`) + ' ';
  };
  const active = new Map<string, Progress>();
  const announced = new Set<string>();

  const onLog = (line: { host: string; message: string }) => {
    if (!options.quietLogs) term.line(`${hostPrefix(line.host)}${line.message}`);
  };
  const onStatus = (change: { status: string; secondaryStatus: string; message?: string }) => {
    const message = change.message ? ` - ${change.message}` : '';
    term.line(term.style('dim', `${new Date().toISOString().slice(11, 19)} ${change.secondaryStatus}${message}`));
  };
  const onProgress = (p: Progress) => {
    const key = `${p.kind}:${p.label}`;
    if (!term.isTTY) {
      if (!announced.has(key)) {
        announced.add(key);
        term.line(term.style('dim', `${p.kind}: ${p.label}`));
      }
      if (p.done) term.line(term.style('dim', `${p.kind}: ${p.label} done${p.unit === 'steps' ? '' : ` (${formatAmount(p.loaded, p.unit)})`}`));
      return;
    }
    if (p.done) active.delete(key);
    else active.set(key, p);
    const current = p.done ? [...active.values()].at(-1) : p;
    if (!current) {
      term.clearProgress();
      return;
    }
    const amount =
      current.unit === 'steps'
        ? `step ${current.loaded}`
        : current.total
          ? `${formatAmount(current.loaded, current.unit, false)}/${formatAmount(current.total, current.unit)}`
          : formatAmount(current.loaded, current.unit);
    // Layer totals grow as the engine announces layers, so a bar would jump back: counts only.
    const bar = current.total && current.unit !== 'layers' ? `${progressBar(current.loaded / current.total)} ` : '';
    term.progress(`${current.kind} ${bar}${amount} ${current.label}`);
  };
  const onWarning = (message: string) => term.line(`${term.style('yellow', 'warning:')} ${message}`);
  const onInfo = (message: string) => term.line(term.style('dim', message));

  events.on('log', onLog);
  events.on('status', onStatus);
  events.on('progress', onProgress);
  events.on('warning', onWarning);
  events.on('info', onInfo);
  return () => {
    events.off('log', onLog);
    events.off('status', onStatus);
    events.off('progress', onProgress);
    events.off('warning', onWarning);
    events.off('info', onInfo);
    term.clearProgress();
  };
}

/** `12.0 MiB` for bytes, `3 layers` for layers (`3` when `withUnit` is false, before a total). */
function formatAmount(amount: number, unit: Progress['unit'], withUnit = true): string {
  if (unit === 'layers') return withUnit ? `${amount} layer${amount === 1 ? '' : 's'}` : String(amount);
  return formatBytes(amount);
}

/** Seconds between two optional dates. */
function secondsBetween(start: Date | undefined, end: Date | undefined): number | undefined {
  if (!start) return undefined;
  return ((end ?? new Date()).getTime() - new Date(start).getTime()) / 1000;
}

/** The closing summary: status, duration, metrics table, where the model is. */
export function summaryLines(describe: DescribeTrainingJobResponse, term: Terminal, backend: 'local' | 'aws' = 'aws'): string[] {
  const status = describe.TrainingJobStatus ?? 'Unknown';
  const colour = status === 'Completed' ? 'green' : status === 'InProgress' || status === 'Stopping' ? 'blue' : 'red';
  const lines: string[] = [];
  const secondary = describe.SecondaryStatus && describe.SecondaryStatus !== status ? ` (${describe.SecondaryStatus})` : '';
  lines.push(`${term.style('bold', describe.TrainingJobName ?? '')}: ${term.style(colour, status)}${secondary}`);
  // From the start and end times when both are known: the same measure as `sagekit list`'s DURATION.
  const measured = describe.TrainingEndTime ? secondsBetween(describe.TrainingStartTime, describe.TrainingEndTime) : undefined;
  const duration = measured ?? describe.TrainingTimeInSeconds ?? secondsBetween(describe.TrainingStartTime, describe.TrainingEndTime);
  if (duration !== undefined) lines.push(`  duration   ${formatDuration(duration)}`);
  if (describe.BillableTimeInSeconds !== undefined && backend === 'aws') {
    const training = describe.TrainingTimeInSeconds;
    const savings =
      describe.EnableManagedSpotTraining && training ? ` (spot savings ${Math.round((1 - describe.BillableTimeInSeconds / training) * 100)}%)` : '';
    lines.push(`  billable   ${formatDuration(describe.BillableTimeInSeconds)}${savings}`);
  }
  if (describe.FailureReason) lines.push(`  reason     ${term.style('red', describe.FailureReason)}`);
  const model = describe.ModelArtifacts?.S3ModelArtifacts;
  if (model) lines.push(`  model      ${model}`);
  const metrics = describe.FinalMetricDataList ?? [];
  if (metrics.length) {
    lines.push('  metrics');
    for (const row of table([['name', 'value'], ...metrics.map((m) => [m.MetricName ?? '', String(m.Value)])])) {
      lines.push(`    ${row}`);
    }
  }
  return lines;
}

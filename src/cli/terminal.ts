/**
 * Human output on stderr: colours and progress bars only on a terminal (and never with
 * NO_COLOR), plain lines otherwise, so logs piped to a file stay readable.
 */
import type { WriteStream } from 'node:tty';
import type { Writable } from 'node:stream';

const CODES = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  blue: [34, 39],
  magenta: [35, 39],
  cyan: [36, 39],
} as const;

/** A colour or style name. */
export type Style = keyof typeof CODES;

/** Colours given to hosts in turn, so `algo-1`'s lines always look the same. */
const HOST_COLOURS: Style[] = ['cyan', 'magenta', 'yellow', 'blue', 'green'];

/** Wraps a writable stream with terminal-aware helpers. */
export class Terminal {
  readonly isTTY: boolean;
  readonly colour: boolean;
  private progressLine = false;

  constructor(
    readonly stream: Writable = process.stderr,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    this.isTTY = Boolean((stream as Partial<WriteStream>).isTTY);
    this.colour = env.FORCE_COLOR ? env.FORCE_COLOR !== '0' : this.isTTY && !env.NO_COLOR && env.TERM !== 'dumb';
  }

  /** Terminal width: the terminal's, else $COLUMNS, else 80 (pseudo-terminals may report 0). */
  get columns(): number {
    const reported = (this.stream as Partial<WriteStream>).columns;
    if (reported && reported >= 20) return reported;
    const env = Number(process.env.COLUMNS);
    return Number.isInteger(env) && env >= 20 ? env : 80;
  }

  /** `text` in a style, when colours are on. */
  style(style: Style, text: string): string {
    if (!this.colour) return text;
    const [open, close] = CODES[style];
    return `\u001b[${open}m${text}\u001b[${close}m`;
  }

  /** Colour of host number `index` (0-based). */
  hostStyle(index: number): Style {
    return HOST_COLOURS[index % HOST_COLOURS.length]!;
  }

  /** Writes one line, first clearing a progress bar in place. */
  line(text: string): void {
    this.clearProgress();
    this.stream.write(`${text}\n`);
  }

  /** Redraws the single in-place progress line (TTY only). */
  progress(text: string): void {
    if (!this.isTTY) return;
    const width = Math.max(10, this.columns - 1);
    this.stream.write(`\r\u001b[2K${text.length > width ? text.slice(0, width) : text}`);
    this.progressLine = true;
  }

  /** Removes the progress line, if one is shown. */
  clearProgress(): void {
    if (this.progressLine) {
      this.stream.write('\r\u001b[2K');
      this.progressLine = false;
    }
  }
}

/** `1.5 MB`-style byte counts. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** `1h 02m 03s` / `4m 05s` / `6s` / `0.4s`. */
export function formatDuration(seconds: number): string {
  if (seconds < 10) return `${Number(seconds.toFixed(1))}s`;
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  if (h) return `${h}h ${pad(m)}m ${pad(rest)}s`;
  if (m) return `${m}m ${pad(rest)}s`;
  return `${rest}s`;
}

/** A `[#####.....]  45%` bar of `width` cells. */
export function progressBar(fraction: number, width = 24): string {
  const clamped = Math.min(1, Math.max(0, fraction));
  const filled = Math.round(clamped * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.round(clamped * 100)).padStart(3)}%`;
}

/** Aligned plain-text table (first row = header). */
export function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, col) => Math.max(...rows.map((r) => (r[col] ?? '').length))) ?? [];
  return rows.map((row) =>
    row
      .map((cell, col) => (col === row.length - 1 ? cell : cell.padEnd(widths[col]!)))
      .join('  ')
      .trimEnd(),
  );
}

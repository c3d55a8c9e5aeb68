/**
 * A one-line progress bar for long transfers, redrawn in place on a terminal. It writes nothing
 * when the stream is not a TTY (logs and pipes get the final summary only) and redraws at most
 * every `intervalMs`, so progress costs nothing measurable on fast loops.
 */
import type { TextSink } from "./io";

export interface ProgressOptions {
  stream: TextSink;
  label: string;
  /** What `done`/`total` count, e.g. "batches". */
  unit: string;
  total?: number;
  /** Defaults to `stream.isTTY`. */
  enabled?: boolean;
  now?: () => number;
  intervalMs?: number;
}

const BAR_WIDTH = 24;

/** "1.2k", "35.0k", "2.1M": rates and counts at a glance. */
export function formatCount(n: number): string {
  if (n < 1000) return n.toFixed(n < 10 && !Number.isInteger(n) ? 1 : 0);
  if (n < 1e6) return `${(n / 1e3).toFixed(1)}k`;
  return `${(n / 1e6).toFixed(1)}M`;
}

/** "850 ms", "12.3 s", "4 min 05 s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
}

export class ProgressBar {
  private readonly opts: Required<Omit<ProgressOptions, "total">>;
  private total: number | undefined;
  private readonly started: number;
  private lastDraw = -Infinity;
  private drawn = false;
  private done = 0;
  private secondary: { count: number; unit: string } | null = null;

  constructor(options: ProgressOptions) {
    this.opts = {
      enabled: options.stream.isTTY,
      now: () => performance.now(),
      intervalMs: 100,
      ...options,
    };
    this.total = options.total;
    this.started = this.opts.now();
  }

  setTotal(total: number): void {
    this.total = total;
  }

  /**
   * Records progress: `done` of the total, and optionally a second counter whose rate is shown
   * (batches done, events/s).
   */
  update(done: number, secondary?: { count: number; unit: string }): void {
    this.done = done;
    if (secondary) this.secondary = secondary;
    if (!this.opts.enabled) return;
    const now = this.opts.now();
    if (now - this.lastDraw < this.opts.intervalMs && done !== this.total) return;
    this.lastDraw = now;
    this.draw(now);
  }

  /** Removes the bar, leaving the terminal line clean for the summary. */
  finish(): void {
    if (this.opts.enabled && this.drawn) this.opts.stream.write("\r\x1b[K");
    this.drawn = false;
  }

  /** Rendered line, without control characters (for tests and for the draw). */
  render(now = this.opts.now()): string {
    const elapsed = Math.max(now - this.started, 1);
    const parts = [this.opts.label];
    if (this.total !== undefined && this.total > 0) {
      const ratio = Math.min(this.done / this.total, 1);
      const filled = Math.round(ratio * BAR_WIDTH);
      parts.push(`[${"#".repeat(filled)}${".".repeat(BAR_WIDTH - filled)}]`);
      parts.push(`${this.done}/${this.total} ${this.opts.unit}`, `${Math.floor(ratio * 100)}%`);
    } else {
      parts.push(`${this.done} ${this.opts.unit}`);
    }
    const rated = this.secondary ?? { count: this.done, unit: this.opts.unit };
    parts.push(`${formatCount((rated.count * 1000) / elapsed)} ${rated.unit}/s`);
    if (this.total !== undefined && this.done > 0 && this.done < this.total) {
      parts.push(`eta ${formatDuration(((this.total - this.done) * elapsed) / this.done)}`);
    }
    return parts.join("  ");
  }

  private draw(now: number): void {
    let line = this.render(now);
    const width = this.opts.stream.columns;
    if (width !== undefined && width > 10 && line.length >= width) line = line.slice(0, width - 1);
    this.opts.stream.write(`\r${line}\x1b[K`);
    this.drawn = true;
  }
}

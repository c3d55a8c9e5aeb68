/**
 * Ingest rate from successive readings of the tenant's event counter (`GET /v1/logs`, the sum
 * of `events` over its logs): each pair of readings gives the mean rate between them.
 */

export interface CounterReading {
  /** Milliseconds on a monotonic clock (e.g. `performance.now()`). */
  at: number;
  events: number;
}

export interface RatePoint {
  /** End of the interval the rate was measured over. */
  at: number;
  perSecond: number;
}

/** Two minutes at one reading every 2 s: 60 points, what the chart shows. */
export const DEFAULT_WINDOW_MS = 120_000;

export class RateWindow {
  readonly windowMs: number;
  private last: CounterReading | null = null;
  private readonly series: RatePoint[] = [];

  constructor(windowMs = DEFAULT_WINDOW_MS) {
    this.windowMs = windowMs;
  }

  /**
   * Adds a reading. Readings must come in increasing `at` order (an equal or earlier one is
   * ignored). A counter that went down (a log removed from the tenant) counts as no events,
   * never as a negative rate.
   */
  add(reading: CounterReading): void {
    const prev = this.last;
    if (prev && reading.at <= prev.at) return;
    this.last = reading;
    if (prev) {
      const seconds = (reading.at - prev.at) / 1000;
      this.series.push({ at: reading.at, perSecond: Math.max(0, reading.events - prev.events) / seconds });
    }
    const oldest = reading.at - this.windowMs;
    while (this.series.length > 0 && this.series[0]!.at < oldest) this.series.shift();
  }

  /** The rate points inside the window, oldest first. */
  points(): readonly RatePoint[] {
    return this.series;
  }

  /** The most recent rate, or null before two readings. */
  current(): number | null {
    return this.series.at(-1)?.perSecond ?? null;
  }

  /** The highest rate inside the window (0 when there is none). */
  peak(): number {
    return this.series.reduce((max, p) => Math.max(max, p.perSecond), 0);
  }

  /** The latest counter reading, or null before the first. */
  total(): number | null {
    return this.last?.events ?? null;
  }

  /** Time of the latest reading (the chart's right edge), or null before the first. */
  now(): number | null {
    return this.last?.at ?? null;
  }
}

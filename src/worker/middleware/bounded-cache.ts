/**
 * A least-recently-used map with expiry, bounded both by its number of entries and by the sum
 * of its entries' sizes (as estimated by the caller). Adding past a bound evicts the least
 * recently used entries; an entry larger than the byte bound on its own is not kept.
 */
export class BoundedCache<V> {
  private readonly entries = new Map<string, { value: V; expires: number; bytes: number }>();
  private bytes = 0;

  constructor(
    readonly maxEntries: number,
    readonly maxBytes: number,
    private readonly sizeOf: (value: V) => number = () => 0,
  ) {}

  /** The value under `key` if it has not expired at `now`; marks it recently used. */
  get(key: string, now: number): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.expires <= now) {
      this.bytes -= entry.bytes;
      return undefined;
    }
    this.entries.set(key, entry);
    return entry.value;
  }

  /** Keeps `value` under `key` until `expires` (ms since the epoch). */
  set(key: string, value: V, expires: number): void {
    this.delete(key);
    const bytes = this.sizeOf(value);
    if (bytes > this.maxBytes || this.maxEntries <= 0) return;
    this.entries.set(key, { value, expires, bytes });
    this.bytes += bytes;
    for (const [oldest, entry] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= entry.bytes;
    }
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.bytes -= entry.bytes;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The sum of the kept entries' sizes. */
  get totalBytes(): number {
    return this.bytes;
  }
}

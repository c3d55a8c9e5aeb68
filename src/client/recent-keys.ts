/**
 * Remembers keys seen within a time window, bounded in size: a Map in recency order (JavaScript
 * Maps iterate in insertion order, so re-inserting a key moves it to the end). When full, the
 * least recently seen key is forgotten first, so memory stays O(maxKeys) however many subjects
 * pass; a forgotten key only means one more record, never a lost one.
 */
export class RecentKeys {
  readonly #seenAt = new Map<string, number>();
  readonly #windowMs: number;
  readonly #maxKeys: number;

  /** Preconditions: `windowMs` ≥ 0, `maxKeys` ≥ 1. */
  constructor(windowMs: number, maxKeys: number) {
    this.#windowMs = windowMs;
    this.#maxKeys = maxKeys;
  }

  get size(): number {
    return this.#seenAt.size;
  }

  /**
   * True when `key` was marked less than `windowMs` before `nowMs` (the window runs from the
   * mark, and a hit does not extend it: a recurring key is recorded again once per window).
   * Otherwise marks it at `nowMs` and returns false.
   */
  seen(key: string, nowMs: number): boolean {
    const at = this.#seenAt.get(key);
    if (at !== undefined) {
      this.#seenAt.delete(key);
      if (nowMs - at < this.#windowMs) {
        this.#seenAt.set(key, at);
        return true;
      }
    }
    this.#seenAt.set(key, nowMs);
    while (this.#seenAt.size > this.#maxKeys) {
      this.#seenAt.delete(this.#seenAt.keys().next().value as string);
    }
    return false;
  }

  /** Forgets `key`, so that its next occurrence is recorded (used when recording it failed). */
  forget(key: string): void {
    this.#seenAt.delete(key);
  }
}

/**
 * How hard the reliability suite pushes. `npm test` runs the reduced sizes so the whole suite
 * stays fast; `EDGELOG_RELIABILITY=full` (what `npm run test:reliability` sets) runs the full
 * ones. `EDGELOG_RELIABILITY_SEED=<n>` replays a run whose seed was printed.
 */
export const FULL = process.env.EDGELOG_RELIABILITY === "full";

/** The reduced or the full size of a knob, by mode. */
export function bySize<T>(reduced: T, full: T): T {
  return FULL ? full : reduced;
}

/** The seed for this run: the one asked for, or a fresh one (always printed by the caller). */
export function runSeed(): number {
  const asked = process.env.EDGELOG_RELIABILITY_SEED;
  if (asked !== undefined && asked.trim() !== "") {
    const n = Number(asked);
    if (!Number.isSafeInteger(n) || n < 0 || n > 0xffffffff) {
      throw new Error(`EDGELOG_RELIABILITY_SEED must be an integer in [0, 2^32), found '${asked}'`);
    }
    return n;
  }
  return Math.floor(Math.random() * 0x1_0000_0000);
}

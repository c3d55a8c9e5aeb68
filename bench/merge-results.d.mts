/** Types of merge-results.mjs (run.mjs is plain JavaScript so it starts without a build). */
export interface ResultsLike<F extends { id: string; run?: object }> {
  machine: { date: string; commit: string; cpuModel?: string; loadAverage: string };
  command: string;
  figures: F[];
}

export function mergeResults<F extends { id: string; run?: object }>(
  committed: ResultsLike<F>,
  fresh: ResultsLike<F>,
  known: readonly string[],
): ResultsLike<F>;

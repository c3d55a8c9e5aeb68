/**
 * How a measured run updates bench/results.json (used by run.mjs): the figures it ran replace
 * their earlier results; every other known figure keeps its result and the stamp of the run it
 * came from (the opt-in figures after `npm run bench`, all the others after a partial run).
 * Results from before run stamps take their file's machine line as their stamp. The merged
 * file's machine and command are the fresh run's.
 *
 * @param {{machine: {date: string, commit: string, cpuModel?: string, loadAverage: string}, command: string, figures: Array<{id: string, run?: object}>}} committed
 * @param {{machine: object, command: string, figures: Array<{id: string, run?: object}>}} fresh
 * @param {readonly string[]} known figure ids, in RESULTS.md's order; others are dropped
 */
export function mergeResults(committed, fresh, known) {
  const stamp = {
    command: committed.command,
    date: committed.machine.date,
    commit: committed.machine.commit,
    ...(committed.machine.cpuModel ? { cpu: committed.machine.cpuModel } : {}),
    loadAverage: committed.machine.loadAverage,
  };
  const ran = new Set(fresh.figures.map((f) => f.id));
  const kept = committed.figures
    .filter((f) => !ran.has(f.id) && known.includes(f.id))
    .map((f) => ({ run: stamp, ...f }));
  const figures = [...kept, ...fresh.figures].sort((a, b) => known.indexOf(a.id) - known.indexOf(b.id));
  return { ...fresh, figures };
}

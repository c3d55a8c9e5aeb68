/**
 * Micro-benchmark timing: each contender runs its task in a loop for at least `minMs`, the
 * contenders take turns (round-robin, so a burst of load from other processes hits all of them),
 * and each contender's figure is the median of its rounds.
 */

export interface Contender {
  name: string;
  /** One execution of the task; returns something so the work cannot be optimised away. */
  task: () => unknown;
}

export interface RoundRobinResult {
  /** Milliseconds per task execution, one entry per round, by contender name. */
  msPerTask: Record<string, number[]>;
}

let sink: unknown;

/** Milliseconds per execution of `task`, looping until at least `minMs` have passed. */
export function timeTask(task: () => unknown, minMs: number): number {
  let n = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    sink = task();
    n++;
    elapsed = performance.now() - start;
  } while (elapsed < minMs);
  return elapsed / n;
}

export function roundRobin(
  contenders: readonly Contender[],
  rounds: number,
  minMs: number,
): RoundRobinResult {
  for (const c of contenders) timeTask(c.task, minMs); // warm-up: let the JIT settle
  const msPerTask: Record<string, number[]> = {};
  for (const c of contenders) msPerTask[c.name] = [];
  for (let r = 0; r < rounds; r++) {
    // Rotate the starting contender so that none always runs right after the same one.
    for (let i = 0; i < contenders.length; i++) {
      const c = contenders[(i + r) % contenders.length]!;
      msPerTask[c.name]!.push(timeTask(c.task, minMs));
    }
  }
  return { msPerTask };
}

/** Keeps the last task result reachable (defeats dead-code elimination). */
export const lastResult = (): unknown => sink;

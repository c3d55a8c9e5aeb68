/**
 * Flushes a client when a Node process is asked to stop or runs out of work. Reaches `process`
 * through `globalThis`, so this module loads (and does nothing) in Workers and browsers.
 */
import type { EdgelogClient } from "./client";

/** The part of Node's `process` this module uses. */
export interface ProcessLike {
  readonly pid: number;
  on(event: string, listener: () => void): unknown;
  removeListener(event: string, listener: () => void): unknown;
  listenerCount(event: string): number;
  kill(pid: number, signal: string): unknown;
}

export interface ShutdownFlushOptions {
  /** Default: SIGTERM and SIGINT. */
  signals?: readonly string[];
  /** Longest wait for the final flush after a signal before the process is let go. Default 10 000. */
  timeoutMs?: number;
  /** Default: `globalThis.process`. */
  process?: ProcessLike;
}

/**
 * On SIGTERM/SIGINT: closes the client (final flush, bounded by `timeoutMs`), then re-raises
 * the signal so the process ends as it would have without this handler, unless the application
 * has its own listeners for that signal, which then decide. On `beforeExit` (the event loop is
 * empty, the client's interval timer does not hold it open): flushes what is buffered; Node
 * fires `beforeExit` again after that, and an empty buffer then lets the process exit.
 *
 * Returns a function that removes the handlers. Outside Node (no `process`) it does nothing.
 */
export function installShutdownFlush(
  client: Pick<EdgelogClient, "close" | "flush" | "stats">,
  options: ShutdownFlushOptions = {},
): () => void {
  const proc = options.process ?? (globalThis as { process?: ProcessLike }).process;
  if (!proc || typeof proc.on !== "function") return () => {};
  const signals = options.signals ?? ["SIGTERM", "SIGINT"];
  const timeoutMs = options.timeoutMs ?? 10_000;
  const handlers = new Map<string, () => void>();

  const uninstall = () => {
    for (const [event, handler] of handlers) proc.removeListener(event, handler);
    handlers.clear();
  };

  for (const signal of signals) {
    const handler = () => {
      uninstall();
      void closeWithin(client, timeoutMs).then(() => {
        if (proc.listenerCount(signal) === 0) proc.kill(proc.pid, signal);
      });
    };
    handlers.set(signal, handler);
    proc.on(signal, handler);
  }
  const beforeExit = () => {
    if (client.stats().buffered > 0) void client.flush();
  };
  handlers.set("beforeExit", beforeExit);
  proc.on("beforeExit", beforeExit);
  return uninstall;
}

async function closeWithin(client: Pick<EdgelogClient, "close">, timeoutMs: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
  });
  try {
    await Promise.race([
      client.close().then(
        () => undefined,
        () => undefined,
      ),
      timeout,
    ]);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

/**
 * What the CLI touches of its process: output streams, stdin, environment, network, signals and
 * the clock. Commands receive it instead of reaching for `process`, so tests can run `main` in
 * the test process with captured output and a fake server.
 */

import type { HttpTransport } from "./http";
import { nodeTransport } from "./node-transport";

/** A text stream; `isTTY` decides between progress bars and plain output. */
export interface TextSink {
  write(text: string): void;
  readonly isTTY: boolean;
  /** Terminal width when `isTTY`. */
  readonly columns?: number;
}

export interface CliIo {
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  /** All of standard input as UTF-8 text. */
  readStdin(): Promise<string>;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly fetch: typeof fetch;
  /** Carries the API client's reads when present (node:http in the real process), else `fetch` does. */
  readonly transport?: HttpTransport;
  /** Calls `handler` on SIGINT until the returned function is called. */
  onInterrupt(handler: () => void): () => void;
  /** Waits `ms` milliseconds, or less when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  now(): number;
}

function sink(stream: NodeJS.WriteStream): TextSink {
  return {
    write: (text) => void stream.write(text),
    get isTTY() {
      return stream.isTTY === true;
    },
    get columns() {
      return stream.columns;
    },
  };
}

/** Sleeps without keeping a finished process alive longer than the wait. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted || ms <= 0) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

/** The real process: stdout, stderr, stdin, `process.env`, node:http for reads and global fetch, SIGINT. */
export function processIo(): CliIo {
  // A reader that went away (`edgelog tail | head`) ends the command, as for any Unix filter.
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw err;
  });
  return {
    stdout: sink(process.stdout),
    stderr: sink(process.stderr),
    async readStdin() {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString("utf8");
    },
    env: process.env,
    fetch: globalThis.fetch.bind(globalThis),
    transport: nodeTransport,
    onInterrupt(handler) {
      process.on("SIGINT", handler);
      return () => void process.off("SIGINT", handler);
    },
    sleep,
    now: () => performance.now(),
  };
}

/**
 * Closed-loop HTTP load on loopback: `clients` keep-alive connections, each sending its next
 * request as soon as the previous answer is read. Only answers that complete inside the
 * measuring window count, so warm-up and the drain at the end do not skew the rate.
 */
import { Agent, request } from "node:http";

export interface LoadOptions {
  url: string;
  path: string;
  headers: Record<string, string>;
  clients: number;
  warmupMs: number;
  durationMs: number;
  /** The next request body (each call should yield new events). */
  body: () => string;
  /** Events acknowledged by one answer (0 for a failed request). */
  acknowledged: (status: number, text: string) => number;
  /** Called for every answer, counted or not (ms since the load started), for time series. */
  onAnswer?: (answer: { atMs: number; latencyMs: number; status: number; events: number }) => void;
}

export interface LoadResult {
  /** Acknowledged events per second over the window. */
  eventsPerSecond: number;
  events: number;
  requests: number;
  failures: number;
  /** Request latencies in milliseconds (answers completed inside the window). */
  latenciesMs: number[];
  /** First failure seen, to report instead of a silent zero. */
  firstFailure: string | null;
  /** Answers inside the window by HTTP status (0: no answer). */
  statuses: Record<number, number>;
}

function post(
  agent: Agent,
  url: URL,
  path: string,
  headers: Record<string, string>,
  body: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path,
        method: "POST",
        headers: { ...headers, "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.clients });
  const url = new URL(options.url);
  const start = performance.now();
  const windowStart = start + options.warmupMs;
  const windowEnd = windowStart + options.durationMs;
  let events = 0;
  let requests = 0;
  let failures = 0;
  let firstFailure: string | null = null;
  const latenciesMs: number[] = [];
  const statuses: Record<number, number> = {};

  const client = async () => {
    while (performance.now() < windowEnd) {
      const body = options.body();
      const sent = performance.now();
      let status = 0;
      let text = "";
      try {
        ({ status, text } = await post(agent, url, options.path, options.headers, body));
      } catch (err) {
        text = String(err);
      }
      const done = performance.now();
      const acked = status >= 200 && status < 300 ? options.acknowledged(status, text) : 0;
      options.onAnswer?.({ atMs: done - start, latencyMs: done - sent, status, events: acked });
      if (done < windowStart || done > windowEnd) continue;
      requests++;
      statuses[status] = (statuses[status] ?? 0) + 1;
      latenciesMs.push(done - sent);
      if (acked === 0) {
        failures++;
        firstFailure ??= `${status} ${text.slice(0, 300)}`;
      }
      events += acked;
    }
  };
  await Promise.all(Array.from({ length: options.clients }, client));
  agent.destroy();
  return {
    eventsPerSecond: events / (options.durationMs / 1000),
    events,
    requests,
    failures,
    latenciesMs,
    firstFailure,
    statuses,
  };
}

/**
 * The read side of the edgelog HTTP API (README, "HTTP API"), as the dashboard calls it from
 * the page's own origin with the signed-in read key.
 */
import type { ExperimentsAnswer } from "./panels/experiments-panel";
import type { WitnessInfo } from "./cosignature-check";
import type { EventProofDocument } from "../core/event-proof";
import type { TenantHeadDocument } from "../core/tenant-head";
import type { Erasure, LogInfo } from "../core/protocol";

export type { LogInfo } from "../core/protocol";

/** A non-2xx answer, carrying the server's error code and message (`{"error": {...}}`). */
export class ApiFailure extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = "ApiFailure";
    this.status = status;
    this.code = code;
  }
}

/** A group of `GET /v1/stats`: an exact count, or a Horvitz-Thompson estimate from a sample. */
export type StatsGroup =
  | { key: string | null; count: number; exact: true }
  | { key: string | null; estimate: number; standard_error: number; exact: false };

/** Per producer: its DES hash-chain verdicts and sequence-number checks. */
export interface ProducerStats {
  producer: string;
  events: number;
  ok?: number;
  mismatch?: number;
  broken_link?: number;
  unverified?: number;
  gaps?: number;
  missing?: number;
  repeats?: number;
  regressions?: number;
}

export interface StatsAnswer {
  events: number;
  group_by: string;
  groups: StatsGroup[];
  producers?: ProducerStats[];
}

/** `GET /v1/events/{id}`: the proof document plus its sealing status. */
export interface EventAnswer extends EventProofDocument {
  status?: "sealed" | "pending";
  erased?: Erasure;
}

export interface ApiClient {
  logs(): Promise<LogInfo[]>;
  /** The latest signed checkpoint (C2SP signed note), or null while the log has sealed nothing. */
  checkpoint(log: string): Promise<string | null>;
  /** The log's configured witnesses with their keys and progress (empty when the route is absent). */
  witnesses(log: string): Promise<WitnessInfo[]>;
  /** The log's verifier key (vkey), trimmed. */
  logKey(log: string): Promise<string>;
  /** Batch `n` as NDJSON text: the header line, then one `{envelope, event}` per event. */
  batch(log: string, n: number): Promise<string>;
  event(id: string): Promise<EventAnswer>;
  head(): Promise<TenantHeadDocument>;
  headKey(): Promise<string>;
  /** Null when the deployment has no stats endpoint (404 for the route). */
  stats(groupBy: "tier" | "chain"): Promise<StatsAnswer | null>;
  /** Null when the deployment has no experiments endpoint (404 for the route). */
  experiments(): Promise<ExperimentsAnswer | null>;
}

export type Fetcher = (input: string, init: { headers: Record<string, string> }) => Promise<Response>;

/** Reads the server's error body; falls back to the status line when it is not edgelog's JSON. */
async function failureOf(res: Response): Promise<ApiFailure> {
  const text = await res.text();
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    const code = typeof body.error?.code === "string" ? body.error.code : `http_${res.status}`;
    const message = typeof body.error?.message === "string" ? body.error.message : `HTTP ${res.status}`;
    return new ApiFailure(res.status, code, message);
  } catch {
    return new ApiFailure(res.status, `http_${res.status}`, `HTTP ${res.status} ${res.statusText}`.trim());
  }
}

/**
 * A client for `key`. `fetcher` defaults to the page's fetch; requests are relative, so the
 * dashboard talks to the Worker that served it.
 */
export function createApi(key: string, fetcher: Fetcher = (input, init) => fetch(input, init)): ApiClient {
  const headers = { authorization: `Bearer ${key}` };
  async function get(path: string): Promise<Response> {
    const res = await fetcher(path, { headers });
    if (!res.ok) throw await failureOf(res);
    return res;
  }
  const json = async <T>(path: string): Promise<T> => (await (await get(path)).json()) as T;
  const text = async (path: string): Promise<string> => (await get(path)).text();
  const logPath = (log: string) => `/v1/logs/${encodeURIComponent(log)}`;
  return {
    logs: () => json<LogInfo[]>("/v1/logs"),
    async checkpoint(log) {
      try {
        return await text(`${logPath(log)}/checkpoint`);
      } catch (err) {
        if (err instanceof ApiFailure && err.code === "no_checkpoint") return null;
        throw err;
      }
    },
    witnesses: (log) =>
      json<WitnessInfo[]>(`${logPath(log)}/witnesses`).catch((err: unknown) => {
        if (err instanceof ApiFailure && err.status === 404) return [];
        throw err;
      }),
    logKey: async (log) => (await text(`${logPath(log)}/key`)).trim(),
    batch: (log, n) => text(`${logPath(log)}/batches/${n}`),
    event: (id) => json<EventAnswer>(`/v1/events/${encodeURIComponent(id)}`),
    head: () => json<TenantHeadDocument>("/v1/head"),
    headKey: async () => (await text("/v1/head/key")).trim(),
    async stats(groupBy) {
      try {
        return await json<StatsAnswer>(`/v1/stats?group_by=${groupBy}`);
      } catch (err) {
        if (err instanceof ApiFailure && err.status === 404) return null;
        throw err;
      }
    },
    experiments: () =>
      json<ExperimentsAnswer>("/v1/experiments").catch((err: unknown) => {
        if (err instanceof ApiFailure && err.status === 404) return null;
        throw err;
      }),
  };
}

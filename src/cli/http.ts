/**
 * HTTP client of the edgelog API: bearer auth, JSON errors turned into messages, and retries of
 * what is safe to retry. Every request the CLI makes is idempotent (reads, and ingest whose ids
 * are content-addressed: a resend is answered `duplicate`), so 429/5xx answers and network
 * errors are retried with the SDK's policy (src/core/retry.ts): exponential backoff with
 * jitter, honouring `Retry-After` (RFC 9110 §10.2.3).
 */
import { DEFAULT_RETRY, isRetryableStatus, retryAfterMs, retryDelay, type RetryPolicy } from "../core/retry";
import { CliError, EXIT_USAGE } from "./errors";
import type { CliIo } from "./io";
/** Statuses a Response may not be constructed with a body for (Fetch standard). */
const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);

/** The server could not be reached (connection refused, DNS, timeout, reset). */
export class NetworkError extends CliError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, EXIT_USAGE, "network", options);
  }
}

/** The server answered with an error status. `apiCode` is the API's `error.code` when it sent one. */
export class HttpError extends CliError {
  readonly status: number;
  readonly apiCode: string | null;
  readonly details: readonly { path?: string; message: string }[];
  constructor(
    status: number,
    apiCode: string | null,
    message: string,
    details: readonly { path?: string; message: string }[] = [],
  ) {
    super(message, EXIT_USAGE, "http", {});
    this.status = status;
    this.apiCode = apiCode;
    this.details = details;
  }
}

/** The caller's signal aborted the request (e.g. SIGINT while following a log). */
export class InterruptedError extends Error {
  constructor() {
    super("interrupted");
    this.name = "InterruptedError";
  }
}

export interface RetryNotice {
  attempt: number;
  delayMs: number;
  reason: string;
}

/** An HTTP answer with its body read (and any Content-Encoding undone). */
export interface HttpAnswer {
  status: number;
  /** The reason phrase, when the server sent one. */
  statusText?: string;
  /** Header names in lowercase. */
  headers: Record<string, string>;
  bytes: Uint8Array;
}

/**
 * Sends one request and reads the whole answer; rejects on a network error (with the cause's
 * `code`, e.g. ECONNREFUSED, as fetch does) or when `signal` aborts.
 */
export type HttpTransport = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string | Uint8Array; signal: AbortSignal },
) => Promise<HttpAnswer>;

/** Options of the CLI's `ApiClient` (the SDK's are `ClientOptions` in src/client). */
export interface ApiClientOptions {
  baseUrl: string;
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** `transport`, when there is one, carries reads (GET); everything else goes through `fetch`. */
  io: Pick<CliIo, "fetch" | "sleep" | "transport">;
  retry?: Partial<RetryPolicy>;
  /** Per attempt. */
  timeoutMs?: number;
  signal?: AbortSignal;
  onRetry?: (notice: RetryNotice) => void;
  random?: () => number;
}

export interface RequestOptions {
  body?: string | Uint8Array;
  headers?: Record<string, string>;
  /** Statuses returned to the caller instead of thrown (2xx always are). */
  accept?: readonly number[];
  /** Overrides the client's token for this request (admin calls). */
  token?: string;
}

/** Why fetch failed, from undici's `cause` chain: "ECONNREFUSED", "timed out", ... */
function describeNetworkError(err: unknown): string {
  if (err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError"))
    return "request timed out";
  let e: unknown = err;
  for (let depth = 0; depth < 4 && e instanceof Error; depth++) {
    const code = (e as Error & { code?: unknown }).code;
    if (typeof code === "string")
      return `${code}${e.message && !e.message.includes(code) ? ` (${e.message})` : ""}`;
    e = e.cause;
  }
  return err instanceof Error ? err.message : String(err);
}

export class ApiClient {
  readonly baseUrl: string;
  private readonly opts: ApiClientOptions;
  private readonly policy: RetryPolicy;

  constructor(options: ApiClientOptions) {
    let url: URL;
    try {
      url = new URL(options.baseUrl);
    } catch {
      throw new CliError(
        `bad server URL '${options.baseUrl}' (expected e.g. http://127.0.0.1:8787)`,
        EXIT_USAGE,
        "usage",
      );
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new CliError(
        `bad server URL '${options.baseUrl}': only http and https are supported`,
        EXIT_USAGE,
        "usage",
      );
    }
    this.baseUrl = url.href.replace(/\/+$/, "");
    this.opts = options;
    this.policy = { ...DEFAULT_RETRY, ...options.retry };
  }

  async getText(path: string): Promise<string> {
    return textDecoder.decode((await this.read(path)).bytes);
  }

  async getJson<T>(path: string): Promise<T> {
    return JSON.parse(await this.getText(path)) as T;
  }

  /**
   * GET `path`, its answer's bytes as received (after any Content-Encoding), through the
   * io's transport where it has one; retried and failing as `request` does.
   */
  async read(path: string, options: Omit<RequestOptions, "body" | "token"> = {}): Promise<HttpAnswer> {
    return this.send("GET", path, options);
  }

  /**
   * Sends a request, retrying network errors and 429/5xx answers. Returns a 2xx response or one
   * whose status is in `accept`, with its body already read (a connection dropped while the body
   * arrives is a network error, retried like any other); throws `HttpError` for other statuses,
   * `NetworkError` when every attempt failed, `InterruptedError` when the client's signal aborted.
   */
  async request(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    const answer = await this.send(method, path, options);
    const empty = NULL_BODY_STATUS.has(answer.status);
    return new Response(empty ? null : answer.bytes, { status: answer.status, headers: answer.headers });
  }

  private async send(method: string, path: string, options: RequestOptions): Promise<HttpAnswer> {
    const url = `${this.baseUrl}${path}`;
    const token = options.token ?? this.opts.token;
    const headers: Record<string, string> = { accept: "application/json", ...options.headers };
    if (token) headers.authorization = `Bearer ${token}`;
    const transport = method === "GET" ? this.opts.io.transport : undefined;
    for (let attempt = 0; ; attempt++) {
      const last = attempt + 1 >= this.policy.maxAttempts;
      let answer: HttpAnswer;
      try {
        const init = { method, headers, body: options.body, signal: this.signal() };
        answer = transport ? await transport(url, init) : await this.fetched(url, init);
      } catch (err) {
        if (this.opts.signal?.aborted) throw new InterruptedError();
        const reason = describeNetworkError(err);
        if (last) {
          throw new NetworkError(
            `cannot reach ${this.baseUrl} (${method} ${path}): ${reason}` +
              (attempt > 0 ? ` after ${attempt + 1} attempts` : "") +
              `; is the server running? Set --url or EDGELOG_URL`,
            { cause: err },
          );
        }
        await this.pause(attempt, undefined, reason);
        continue;
      }
      if ((answer.status >= 200 && answer.status < 300) || options.accept?.includes(answer.status))
        return answer;
      if (isRetryableStatus(answer.status) && !last) {
        const retryAfter = retryAfterMs(answer.headers["retry-after"] ?? null, Date.now());
        await this.pause(attempt, retryAfter, `HTTP ${answer.status}`);
        continue;
      }
      throw httpError(method, path, answer);
    }
  }

  /** One attempt through `io.fetch`, its body read. */
  private async fetched(
    url: string,
    init: {
      method: string;
      headers: Record<string, string>;
      body?: string | Uint8Array;
      signal: AbortSignal;
    },
  ): Promise<HttpAnswer> {
    const response = await this.opts.io.fetch(url, init);
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => (headers[name] = value));
    return {
      status: response.status,
      statusText: response.statusText,
      headers,
      bytes: new Uint8Array(await response.arrayBuffer()),
    };
  }

  private signal(): AbortSignal {
    const timeout = AbortSignal.timeout(this.opts.timeoutMs ?? 60_000);
    return this.opts.signal ? AbortSignal.any([timeout, this.opts.signal]) : timeout;
  }

  /** Waits before retry number `attempt + 1`. */
  private async pause(attempt: number, retryAfter: number | undefined, reason: string): Promise<void> {
    const delayMs = retryDelay(attempt + 1, this.policy, retryAfter, this.opts.random);
    this.opts.onRetry?.({ attempt: attempt + 1, delayMs, reason });
    await this.opts.io.sleep(delayMs, this.opts.signal);
    if (this.opts.signal?.aborted) throw new InterruptedError();
  }
}

const textDecoder = new TextDecoder();

function httpError(method: string, path: string, answer: HttpAnswer): HttpError {
  const text = textDecoder.decode(answer.bytes);
  let code: string | null = null;
  let message = text.trim().slice(0, 500) || answer.statusText || "";
  let details: { path?: string; message: string }[] = [];
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown; details?: unknown } };
    if (body.error && typeof body.error.message === "string") {
      message = body.error.message;
      code = typeof body.error.code === "string" ? body.error.code : null;
      if (Array.isArray(body.error.details)) details = body.error.details as typeof details;
    }
  } catch {
    // not JSON: keep the text
  }
  const hint =
    answer.status === 401
      ? " (check --key or EDGELOG_KEY)"
      : answer.status === 403
        ? " (the key lacks a scope this command needs)"
        : "";
  return new HttpError(
    answer.status,
    code,
    `${method} ${path}: HTTP ${answer.status}${code ? ` ${code}` : ""}: ${message}${hint}`,
    details,
  );
}

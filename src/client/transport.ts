/** One POST of a batch, and what the client should do about its answer. */
import { isRetryableStatus, retryAfterMs } from "../core/retry";
import type { EncodedBody } from "./encode";
import { HttpStatusError } from "./errors";
import { errorOf, resultsOf, type ItemResult } from "./wire";

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export type AttemptOutcome =
  /** Per-event results, in request order. */
  | { kind: "answered"; results: ItemResult[] }
  /** Worth another attempt: network error, timeout, 429, 5xx, a garbled answer. */
  | { kind: "retry"; failure: string; retryAfterMs: number | undefined; cause?: unknown }
  /** 400 or 413: the request as a whole was refused; smaller requests may pass. */
  | { kind: "refused"; status: number; message: string }
  /** 415 for `Content-Encoding`: send the body uncompressed. */
  | { kind: "encoding-refused"; message: string }
  /** Not worth retrying (401, 403, other 4xx). */
  | { kind: "fatal"; error: HttpStatusError };

export interface PostTarget {
  fetch: FetchLike;
  endpoint: string;
  key: string;
  timeoutMs: number;
}

/** Sends `body` once. Never throws: every failure becomes an outcome. */
export async function postOnce(
  target: PostTarget,
  body: EncodedBody,
  count: number,
): Promise<AttemptOutcome> {
  const abort = new AbortController();
  const timer = setTimeout(
    () => abort.abort(new Error(`no answer within ${target.timeoutMs} ms`)),
    target.timeoutMs,
  );
  let response: Response;
  let text: string;
  try {
    response = await target.fetch(target.endpoint, {
      method: "POST",
      headers: { ...body.headers, authorization: `Bearer ${target.key}` },
      body: body.body,
      signal: abort.signal,
    });
    text = await response.text();
  } catch (cause) {
    return { kind: "retry", failure: `network error: ${describe(cause)}`, retryAfterMs: undefined, cause };
  } finally {
    clearTimeout(timer);
  }
  const status = response.status;
  const parsed = parseJson(text);
  if (status === 200 || status === 207 || status === 422) {
    const results = resultsOf(parsed, count);
    if (typeof results === "string")
      return { kind: "retry", failure: `status ${status} but ${results}`, retryAfterMs: undefined };
    return { kind: "answered", results };
  }
  const error = errorOf(parsed);
  const message = error?.message || text.slice(0, 200) || response.statusText;
  if (isRetryableStatus(status)) {
    return {
      kind: "retry",
      failure: `status ${status}: ${message}`,
      retryAfterMs: retryAfterMs(response.headers.get("retry-after"), Date.now()),
    };
  }
  if (status === 400 || status === 413) return { kind: "refused", status, message };
  if (status === 415 && body.gzip) return { kind: "encoding-refused", message };
  return { kind: "fatal", error: new HttpStatusError(status, error?.code, message) };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as { cause?: unknown }).cause;
    return cause instanceof Error ? `${err.message} (${cause.message})` : err.message;
  }
  return String(err);
}

/**
 * What every answer must look like (README: HTTP API): no 5xx ever; a 4xx carries
 * `{"error": {"code", "message"}}` with non-empty strings, except an ingest that rejected every
 * item (422), whose per-item results carry `errors[]` of `{path (JSON pointer), message}`, as do
 * the rejected items of a 207.
 */
import { EVENT_ID_PATTERN, ITEM_STATUSES, type ItemResult } from "../../../../src/core/protocol";

/** An item of an answer under test: its members are the contract's, their values still unchecked. */
type UncheckedItem = { [K in keyof ItemResult]?: unknown } & {
  errors?: Array<{ path: unknown; message: unknown }>;
};

/** RFC 6901: "" (the whole document) or a sequence of "/"-prefixed reference tokens. */
const JSON_POINTER = /^(\/([^~]|~[01])*)*$/;

function itemProblems(results: unknown): string[] {
  if (!Array.isArray(results) || results.length === 0) return ["ingest answer without results[]"];
  const problems: string[] = [];
  for (const r of results as UncheckedItem[]) {
    if (typeof r.status !== "string" || !(ITEM_STATUSES as readonly string[]).includes(r.status)) {
      problems.push(`item ${String(r.index)} has unknown status ${JSON.stringify(r.status)}`);
    } else if (r.status === "rejected") {
      if (!Array.isArray(r.errors) || r.errors.length === 0)
        problems.push(`item ${String(r.index)} rejected without errors`);
      for (const e of r.errors ?? []) {
        if (typeof e.path !== "string" || !JSON_POINTER.test(e.path))
          problems.push(
            `item ${String(r.index)}: error path ${JSON.stringify(e.path)} is not a JSON pointer`,
          );
        if (typeof e.message !== "string" || e.message.trim() === "")
          problems.push(`item ${String(r.index)}: error without a message`);
      }
    } else if (typeof r.id !== "string" || !EVENT_ID_PATTERN.test(r.id)) {
      problems.push(`item ${String(r.index)} ${r.status} without an id`);
    }
  }
  return problems;
}

/**
 * The problems with one answer, empty when it honours the contract. `ingest` says whether the
 * request was `POST /v1/events` (whose 200/207/422 answers are per-item); `api` whether its
 * path is the API's (`/v1/...`), whose errors the contract shapes.
 */
export function answerProblems(
  status: number,
  text: string,
  opts: { ingest: boolean; head: boolean; api: boolean },
): string[] {
  if (status >= 500) return [`server error ${status}: ${text.slice(0, 300)}`];
  if (status < 200 || (status >= 300 && status < 400)) return [`unexpected status ${status}`];
  // Outside the API (the dashboard's static assets) the platform answers; only "no 5xx" applies.
  if (opts.head || !opts.api) return [];
  const perItem = opts.ingest && (status === 200 || status === 207 || status === 422);
  if (status < 300 && !perItem) return [];
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return [`${status} with a body that is not JSON: ${JSON.stringify(text.slice(0, 200))}`];
  }
  const doc = body as { error?: { code?: unknown; message?: unknown }; results?: unknown };
  if (perItem && doc.results !== undefined) return itemProblems(doc.results);
  if (status < 300) return [`${status} ingest answer without results[]`];
  const err = doc.error;
  if (!err || typeof err !== "object") return [`${status} without an error object: ${text.slice(0, 200)}`];
  const problems: string[] = [];
  if (typeof err.code !== "string" || err.code === "") problems.push(`${status} error without a code`);
  if (typeof err.message !== "string" || err.message.trim() === "")
    problems.push(`${status} error without a message`);
  return problems;
}

/** Small view pieces the panels share: labelled figures, hashes, verdict badges, errors. */
import { ApiFailure } from "./api";
import { h, type DomElement } from "./dom";

/** Hashes are long: show the first 12 hex digits and keep the full value on hover and for copying. */
export const HASH_PREFIX = 12;

export function hashText(hex: string, label = "hash"): DomElement {
  const short = hex.length > HASH_PREFIX + 2 ? `${hex.slice(0, HASH_PREFIX)}…` : hex;
  return h("code", { class: "hash", title: hex, "aria-label": `${label} ${hex}`, "data-full": hex }, short);
}

/** A `<dl>` of label → value pairs; every number on the page is shown through one of these. */
export function figures(
  pairs: ReadonlyArray<readonly [string, DomElement | string]>,
  className = "figures",
): DomElement {
  const list = h("dl", { class: className });
  for (const [label, value] of pairs)
    list.append(h("div", { class: "figure" }, h("dt", {}, label), h("dd", {}, value)));
  return list;
}

export type Verdict = "verified" | "failed" | "pending" | "unavailable" | "empty";

const VERDICT_SYMBOL: Record<Verdict, string> = {
  verified: "✓",
  failed: "✗",
  pending: "…",
  unavailable: "–",
  empty: "–",
};

/** A verdict in words and symbol (never colour alone); `data-state` lets tests and CSS read it. */
export function badge(verdict: Verdict, text: string): DomElement {
  return h(
    "span",
    { class: `badge badge-${verdict}`, "data-state": verdict },
    h("span", { "aria-hidden": "true" }, VERDICT_SYMBOL[verdict]),
    ` ${text}`,
  );
}

/** The message to show for a failed request or check: the server's own message when it sent one. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiFailure) return `${err.message} (HTTP ${err.status}, ${err.code})`;
  if (err instanceof Error) return err.message;
  return String(err);
}

/** RFC 3339 timestamps as the browser's local time, keeping the original on hover. */
export function timeText(rfc3339: string): DomElement {
  const t = Date.parse(rfc3339);
  const shown = Number.isNaN(t)
    ? rfc3339
    : new Date(t).toLocaleString(undefined, { dateStyle: "short", timeStyle: "medium" });
  return h("time", { datetime: rfc3339, title: rfc3339 }, shown);
}

/** Which verifier key a check used, in words; `data-key-source` lets tests and CSS read it. */
export function keySourceText(source: "pinned" | "server"): DomElement {
  return h(
    "span",
    { class: `key-source key-source-${source}`, "data-key-source": source },
    source === "pinned"
      ? "pinned by you"
      : "served by this server (not pinned: a dishonest server could sign with a key of its own)",
  );
}

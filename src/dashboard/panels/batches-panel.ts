/**
 * The last batches of each log, with each batch root recomputed in the browser from the
 * envelopes the batch endpoint serves.
 */
import type { ApiClient, LogInfo } from "../api";
import { checkBatch, type BatchCheck } from "../batch-check";
import { formatCount } from "../chart-scale";
import { byId, h, type DomElement } from "../dom";
import { badge, errorMessage, hashText, timeText } from "../view";

/** How many of the newest batches each log shows. */
export const RECENT_BATCHES = 10;

/** Sealed batches never change their envelopes, so a check is done once per batch. */
export class BatchChecks {
  private readonly api: ApiClient;
  private readonly done = new Map<string, Promise<BatchCheck>>();

  constructor(api: ApiClient) {
    this.api = api;
  }

  check(log: string, n: number): Promise<BatchCheck> {
    const key = `${log}/${n}`;
    let found = this.done.get(key);
    if (!found) {
      found = this.api.batch(log, n).then(checkBatch);
      found.catch(() => this.done.delete(key));
      this.done.set(key, found);
    }
    return found;
  }
}

function rowFor(n: number, outcome: BatchCheck | Error): DomElement {
  if (outcome instanceof Error) {
    return h("tr", { "data-batch": n }, h("th", { scope: "row" }, String(n)), h("td", { colspan: 4 }, badge("failed", errorMessage(outcome))));
  }
  const { header } = outcome;
  const verdict = outcome.matches
    ? badge("verified", "match")
    : badge("failed", outcome.envelopes !== header.count ? `mismatch: ${outcome.envelopes} envelopes` : "mismatch");
  return h(
    "tr",
    { "data-batch": n, "data-state": outcome.matches ? "verified" : "failed" },
    h("th", { scope: "row" }, String(header.batch)),
    h("td", { class: "num" }, formatCount(header.count)),
    h("td", {}, timeText(header.sealed_at)),
    h("td", {}, hashText(header.root, "root")),
    h("td", {}, verdict, outcome.matches ? "" : h("span", { class: "recomputed" }, " recomputed ", hashText(outcome.recomputed, "recomputed root"))),
  );
}

async function logTable(checks: BatchChecks, log: LogInfo): Promise<DomElement> {
  const newest = log.size - 1;
  const numbers = Array.from({ length: Math.min(RECENT_BATCHES, log.size) }, (_, i) => newest - i);
  const outcomes = await Promise.all(numbers.map((n) => checks.check(log.log, n).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))))));
  const title = `Log ${log.log} — ${formatCount(log.size)} sealed batches, newest first`;
  if (numbers.length === 0) return h("div", { class: "batch-log" }, h("p", { class: "caption" }, title), badge("empty", "no sealed batch yet"));
  return h(
    "div",
    { class: "table-scroll" },
    h(
      "table",
      { class: "batches", "data-log": log.log },
      h("caption", {}, title),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", { scope: "col" }, "Batch"),
          h("th", { scope: "col", class: "num" }, "Events"),
          h("th", { scope: "col" }, "Sealed at"),
          h("th", { scope: "col" }, "Root (header)"),
          h("th", { scope: "col" }, "Root recomputed here"),
        ),
      ),
      h("tbody", {}, ...numbers.map((n, i) => rowFor(n, outcomes[i]!))),
    ),
  );
}

export async function renderBatches(checks: BatchChecks, logs: readonly LogInfo[], isLive: () => boolean): Promise<void> {
  const tables = await Promise.all(logs.map((log) => logTable(checks, log)));
  if (isLive()) byId("batches").replaceChildren(...tables);
}

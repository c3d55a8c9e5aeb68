/**
 * The last batches of each log, each checked in the browser by the core auditor (the same
 * checks as `edgelog audit`, SHA-256 from WebCrypto): envelope order and digests, body digests
 * and the batch root recomputed from the envelope bytes the batch endpoint serves.
 */
import { utf8 } from "../../core/bytes";
import { AuditFailure, checkBatch, subtleHasher, type CheckedBatch } from "../../core/audit";
import type { ApiClient, LogInfo } from "../api";
import { formatCount } from "../chart-scale";
import { byId, h, type DomElement } from "../dom";
import { badge, errorMessage, hashText, timeText } from "../view";

/** How many of the newest batches each log shows. */
export const RECENT_BATCHES = 10;

/** Sealed batches never change their envelopes, so a check is done once per batch. */
export class BatchChecks {
  private readonly api: ApiClient;
  private readonly done = new Map<string, Promise<CheckedBatch>>();
  private readonly hasher = subtleHasher();

  constructor(api: ApiClient) {
    this.api = api;
  }

  /** Batch `n` of `log` (whose origin is `origin`), checked; rejects with an `AuditFailure`. */
  check(log: string, origin: string, n: number): Promise<CheckedBatch> {
    const key = `${log}/${n}`;
    let found = this.done.get(key);
    if (!found) {
      // The text is valid UTF-8 (else fetch would have replaced bytes), so its UTF-8 encoding is
      // the bytes as served.
      found = this.api
        .batch(log, n)
        .then((text) => checkBatch(utf8(text), { origin, batch: n }, this.hasher));
      found.catch(() => this.done.delete(key));
      this.done.set(key, found);
    }
    return found;
  }
}

function rowFor(n: number, outcome: CheckedBatch | Error): DomElement {
  if (outcome instanceof AuditFailure) {
    const recomputed =
      outcome.step === "batch root"
        ? h("span", { class: "recomputed" }, " recomputed ", hashText(outcome.found, "recomputed root"))
        : "";
    return h(
      "tr",
      { "data-batch": n, "data-state": "failed" },
      h("th", { scope: "row" }, String(n)),
      h("td", { colspan: 4 }, badge("failed", `${outcome.step}: ${outcome.summary}`), recomputed),
    );
  }
  if (outcome instanceof Error) {
    return h(
      "tr",
      { "data-batch": n },
      h("th", { scope: "row" }, String(n)),
      h("td", { colspan: 4 }, badge("failed", errorMessage(outcome))),
    );
  }
  const { header } = outcome;
  return h(
    "tr",
    { "data-batch": n, "data-state": "verified" },
    h("th", { scope: "row" }, String(header.batch)),
    h("td", { class: "num" }, formatCount(header.count)),
    h("td", {}, timeText(header.sealed_at)),
    h("td", {}, hashText(header.root, "root")),
    h("td", {}, badge("verified", "match")),
  );
}

async function logTable(checks: BatchChecks, log: LogInfo): Promise<DomElement> {
  const newest = log.size - 1;
  const numbers = Array.from({ length: Math.min(RECENT_BATCHES, log.size) }, (_, i) => newest - i);
  const outcomes = await Promise.all(
    numbers.map((n) =>
      checks
        .check(log.log, log.origin, n)
        .catch((err: unknown) => (err instanceof Error ? err : new Error(String(err)))),
    ),
  );
  const title = `Log ${log.log} — ${formatCount(log.size)} sealed batches, newest first`;
  if (numbers.length === 0)
    return h(
      "div",
      { class: "batch-log" },
      h("p", { class: "caption" }, title),
      badge("empty", "no sealed batch yet"),
    );
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

export async function renderBatches(
  checks: BatchChecks,
  logs: readonly LogInfo[],
  isLive: () => boolean,
): Promise<void> {
  const tables = await Promise.all(logs.map((log) => logTable(checks, log)));
  if (isLive()) byId("batches").replaceChildren(...tables);
}

/**
 * Tier mix and producer chain checks from `GET /v1/stats?group_by=tier|chain`: exact counts,
 * or estimates with a standard error where only a sample of bodies was kept.
 */
import type { ProducerStats, StatsAnswer } from "../api";
import { formatCount } from "../chart-scale";
import { barChart, drawingWidth, type Bar } from "../charts";
import { byId, h, type DomElement } from "../dom";
import { badge, errorMessage, figures } from "../view";
import { TIERS } from "../../core/protocol";

/** Tier order of DES (lightweight < sampled < full); chain verdicts, good first. */
const ORDER: Record<string, readonly string[]> = {
  tier: TIERS,
  chain: ["ok", "unverified", "broken-link", "mismatch"],
};

export function barsOf(answer: StatsAnswer): Bar[] {
  const order = ORDER[answer.group_by] ?? [];
  const rank = (key: string) => (order.includes(key) ? order.indexOf(key) : order.length);
  return [...answer.groups]
    .sort((a, b) => rank(String(a.key)) - rank(String(b.key)) || String(a.key).localeCompare(String(b.key)))
    .map((g) => {
      // Events without the grouped field come back under the key null.
      const key = g.key === null || g.key === "null" ? "(none)" : String(g.key);
      return g.exact ? { key, value: g.count } : { key, value: g.estimate, standardError: g.standard_error };
    });
}

/** Sequence-number checks summed over producers (DES coverage erosion). */
function sequenceChecks(producers: readonly ProducerStats[]): DomElement {
  const sum = (field: "gaps" | "missing" | "repeats" | "regressions") =>
    producers.reduce((n, p) => n + (p[field] ?? 0), 0);
  return h(
    "div",
    { class: "sub-figures" },
    h("h3", {}, "Sequence numbers"),
    figures([
      ["Gaps", formatCount(sum("gaps"))],
      ["Numbers missing", formatCount(sum("missing"))],
      ["Repeated", formatCount(sum("repeats"))],
      ["Went back", formatCount(sum("regressions"))],
    ]),
  );
}

const TITLES = { tier: "Events by evidence tier", chain: "Events by producer hash-chain verdict" } as const;

/** Renders one stats card: the chart, or "stats unavailable" (null answer), or the error. */
export function renderStats(groupBy: "tier" | "chain", answer: StatsAnswer | null | Error): void {
  const container = byId(`${groupBy}-stats`);
  if (answer === null) {
    container.replaceChildren(
      badge("unavailable", "stats unavailable"),
      h("p", { class: "hint" }, "This deployment does not answer GET /v1/stats yet."),
    );
    container.setAttribute("data-state", "unavailable");
    return;
  }
  if (answer instanceof Error) {
    container.replaceChildren(
      badge("failed", "stats failed"),
      h("p", { class: "error" }, errorMessage(answer)),
    );
    container.setAttribute("data-state", "failed");
    return;
  }
  const bars = barsOf(answer);
  const estimated = bars.some((b) => b.standardError !== undefined);
  const pairs: Array<readonly [string, string]> = [["Events", formatCount(answer.events)]];
  const producers = Array.isArray(answer.producers) ? answer.producers : null;
  if (producers) pairs.push(["Producers", formatCount(producers.length)]);
  container.replaceChildren(
    figures(pairs),
    barChart(bars, TITLES[groupBy], "events", drawingWidth(container, 420)),
    h(
      "p",
      { class: "hint" },
      estimated
        ? "≈ marks an estimate from sampled bodies, with ± one standard error."
        : "All counts are exact.",
    ),
    producers && groupBy === "chain" ? sequenceChecks(producers) : "",
  );
  container.setAttribute("data-state", "loaded");
}

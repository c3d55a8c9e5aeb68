/** Ingest rate: events per second over the last two minutes, from `GET /v1/logs` every 2 s. */
import type { LogInfo } from "../api";
import { formatCount } from "../chart-scale";
import { drawingWidth, rateChart } from "../charts";
import { byId } from "../dom";
import type { RateWindow } from "../ingest-rate";
import { figures } from "../view";

export function renderRate(window: RateWindow, logs: readonly LogInfo[]): void {
  const current = window.current();
  const pending = logs.reduce((n, l) => n + l.pending, 0);
  const batches = logs.reduce((n, l) => n + l.size, 0);
  byId("rate-figures").replaceChildren(
    figures([
      ["Now", current === null ? "measuring…" : `${formatCount(current)} events/s`],
      ["Peak, 2 min", `${formatCount(window.peak())} events/s`],
      ["Events stored", formatCount(window.total() ?? 0)],
      ["Awaiting seal", formatCount(pending)],
      ["Sealed batches", formatCount(batches)],
      ["Logs", String(logs.length)],
    ]),
  );
  const box = byId("rate-chart");
  box.replaceChildren(rateChart(window.points(), window.now() ?? 0, window.windowMs, drawingWidth(box, 640)));
}

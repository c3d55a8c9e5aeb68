/**
 * Hand-written SVG charts. Each chart is an image with a title and a description stating the
 * numbers it draws (for screen readers), and every number drawn carries its unit or label.
 * Colours come from CSS (public/styles.css) through classes and `data-key`, so light and dark
 * themes apply.
 */
import { formatCount, linear, niceCeiling, ticks } from "./chart-scale";
import { s, type DomElement } from "./dom";
import type { RatePoint } from "./ingest-rate";

let chartIds = 0;

function chartFrame(
  width: number,
  height: number,
  title: string,
  description: string,
): { svg: DomElement; body: (...n: DomElement[]) => void } {
  const id = `chart-${++chartIds}`;
  const svg = s("svg", {
    viewBox: `0 0 ${width} ${height}`,
    role: "img",
    "aria-labelledby": `${id}-title ${id}-desc`,
    class: "chart",
  });
  svg.append(s("title", { id: `${id}-title` }, title), s("desc", { id: `${id}-desc` }, description));
  return { svg, body: (...nodes) => svg.append(...nodes) };
}

const RATE = { height: 200, left: 52, right: 14, top: 14, bottom: 30 };

/** Drawing width for a container: its own width, within bounds (a hidden one measures 0). */
export function drawingWidth(container: DomElement, fallback: number): number {
  const measured = container.clientWidth;
  return measured > 0 ? Math.max(280, Math.min(measured, 1600)) : fallback;
}

/**
 * Area chart of events per second over the window ending at `now` (same clock as the points),
 * `width` user units wide. With fewer than two points it says that it is still measuring.
 */
export function rateChart(
  points: readonly RatePoint[],
  now: number,
  windowMs: number,
  width: number,
): DomElement {
  const { height, left, right, top, bottom } = RATE;
  const peak = points.reduce((m, p) => Math.max(m, p.perSecond), 0);
  const max = niceCeiling(peak);
  const x = linear(now - windowMs, now, left, width - right);
  const y = linear(0, max, height - bottom, top);
  const latest = points.at(-1)?.perSecond;
  const description =
    latest === undefined
      ? "No rate measured yet."
      : `Latest ${formatCount(latest)} events per second; peak ${formatCount(peak)} events per second over the last ${windowMs / 60_000} minutes.`;
  const { svg, body } = chartFrame(
    width,
    height,
    `Ingest rate, events per second, last ${windowMs / 60_000} minutes`,
    description,
  );

  for (const value of ticks(max)) {
    const ty = y(value);
    body(
      s("line", { class: "gridline", x1: left, x2: width - right, y1: ty, y2: ty }),
      s("text", { class: "tick", x: left - 6, y: ty + 4, "text-anchor": "end" }, formatCount(value)),
    );
  }
  // A label every 30 s, or every 60 s when the chart is narrow.
  const labelEvery = width < 480 ? 60_000 : 30_000;
  for (let i = 0; i <= windowMs / labelEvery; i++) {
    const at = now - windowMs + i * labelEvery;
    const secondsAgo = Math.round((now - at) / 1000);
    body(
      s(
        "text",
        { class: "tick", x: x(at), y: height - bottom + 18, "text-anchor": "middle" },
        secondsAgo === 0 ? "now" : `−${secondsAgo} s`,
      ),
    );
  }
  body(
    s(
      "text",
      {
        class: "axis-label",
        x: 12,
        y: (top + height - bottom) / 2,
        transform: `rotate(-90 12 ${(top + height - bottom) / 2})`,
        "text-anchor": "middle",
      },
      "events/s",
    ),
  );

  const visible = points.filter((p) => p.at >= now - windowMs);
  if (visible.length < 2) {
    body(
      s(
        "text",
        {
          class: "empty",
          x: (left + width - right) / 2,
          y: (top + height - bottom) / 2,
          "text-anchor": "middle",
        },
        "measuring… (a point every 2 s)",
      ),
    );
    return svg;
  }
  const coords = visible.map((p) => `${x(p.at).toFixed(1)},${y(p.perSecond).toFixed(1)}`);
  const base = y(0).toFixed(1);
  const first = x(visible[0]!.at).toFixed(1);
  const last = x(visible.at(-1)!.at).toFixed(1);
  body(
    s("path", { class: "area", d: `M${first},${base} L${coords.join(" L")} L${last},${base} Z` }),
    s("path", { class: "line", d: `M${coords.join(" L")}` }),
  );
  const end = visible.at(-1)!;
  body(s("circle", { class: "dot", cx: x(end.at), cy: y(end.perSecond), r: 3.5 }));
  return svg;
}

/** One bar: an exact count, or an estimate with its standard error. */
export interface Bar {
  key: string;
  value: number;
  standardError?: number;
}

const BARS = { row: 30, label: 104, valueRoom: 112, top: 6 };

/** The label written at the end of a bar: `12` or `≈12.5 ± 1.2`. */
export function barValueLabel(bar: Bar): string {
  return bar.standardError === undefined
    ? formatCount(bar.value)
    : `≈${formatCount(bar.value)} ± ${formatCount(bar.standardError)}`;
}

/**
 * Horizontal bars sharing one scale, `width` user units wide; estimates get a whisker of ± one
 * standard error.
 */
export function barChart(bars: readonly Bar[], title: string, unit: string, width: number): DomElement {
  const { row, label, valueRoom, top } = BARS;
  const height = top * 2 + Math.max(1, bars.length) * row;
  const max = niceCeiling(Math.max(...bars.map((b) => b.value + (b.standardError ?? 0)), 0));
  const x = linear(0, max, label, width - valueRoom);
  const description =
    bars.length === 0
      ? `No ${unit} yet.`
      : bars.map((b) => `${b.key}: ${barValueLabel(b)} ${unit}`).join("; ");
  const { svg, body } = chartFrame(width, height, title, description);
  if (bars.length === 0) {
    body(
      s(
        "text",
        { class: "empty", x: width / 2, y: top + row / 2 + 4, "text-anchor": "middle" },
        `no ${unit} yet`,
      ),
    );
    return svg;
  }
  bars.forEach((bar, i) => {
    const cy = top + i * row + row / 2;
    const barEnd = x(bar.value);
    body(
      s("text", { class: "bar-label", x: label - 8, y: cy + 4, "text-anchor": "end" }, bar.key),
      s("rect", {
        class: "bar",
        "data-key": bar.key,
        x: label,
        y: cy - 9,
        width: Math.max(1, barEnd - label),
        height: 18,
        rx: 3,
      }),
    );
    let textX = barEnd;
    if (bar.standardError !== undefined && bar.standardError > 0) {
      const lo = x(Math.max(0, bar.value - bar.standardError));
      const hi = x(bar.value + bar.standardError);
      body(
        s("line", { class: "whisker", x1: lo, x2: hi, y1: cy, y2: cy }),
        s("line", { class: "whisker", x1: lo, x2: lo, y1: cy - 5, y2: cy + 5 }),
        s("line", { class: "whisker", x1: hi, x2: hi, y1: cy - 5, y2: cy + 5 }),
      );
      textX = hi;
    }
    body(s("text", { class: "bar-value", x: textX + 6, y: cy + 4 }, barValueLabel(bar)));
  });
  return svg;
}

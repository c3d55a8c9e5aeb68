/**
 * A/B sample-ratio checks from `GET /v1/experiments`: per experiment, each variant's subjects as a
 * bar with a mark where the logged assignment probabilities put them, and the server's verdict
 * in plain words (a mismatch means exposures are lost or duplicated somewhere).
 */
import { ApiFailure, type ApiClient } from "../api";
import { formatCount, linear, niceCeiling } from "../chart-scale";
import { drawingWidth } from "../charts";
import { byId, h, s, type DomElement } from "../dom";
import { badge, errorMessage, figures, timeText } from "../view";

export interface ExperimentVariant {
  variant: string;
  exposures: number;
  subjects: number;
  expected_share: number;
  observed_share: number;
  expected_subjects: number;
}

export interface ExperimentSummary {
  experiment: string;
  exposures: number;
  subjects: number;
  first_exposure: string;
  last_exposure: string;
  variants: ExperimentVariant[];
  test: { unit: string; statistic: number | null; df: number | null; p_value: number | null };
  srm: boolean | null;
  verdict: string;
}

export interface ExperimentsAnswer {
  window: { since: string | null; until: string | null };
  threshold: number;
  experiments: ExperimentSummary[];
  truncated: boolean;
}

/** How many experiments the card draws (the most recently exposed first, as the server orders them). */
const SHOWN = 6;
const ROW = 34;
const LABEL = 110;
const VALUE_ROOM = 210;

const percent = (share: number) => `${(share * 100).toFixed(1)}%`;

/** The sentence a chart reads out: observed and expected subjects of every variant. */
export function variantDescription(e: ExperimentSummary): string {
  return e.variants
    .map(
      (v) =>
        `${v.variant}: ${formatCount(v.subjects)} subjects observed (${percent(v.observed_share)}), ${formatCount(Math.round(v.expected_subjects))} expected (${percent(v.expected_share)})`,
    )
    .join("; ");
}

/** Observed subjects as bars, expected subjects as a dashed mark across each bar. */
function variantChart(e: ExperimentSummary, width: number): DomElement {
  const height = 12 + e.variants.length * ROW;
  const max = niceCeiling(Math.max(...e.variants.map((v) => Math.max(v.subjects, v.expected_subjects)), 0));
  const x = linear(0, max, LABEL, width - VALUE_ROOM);
  const svg = s("svg", {
    viewBox: `0 0 ${width} ${height}`,
    role: "img",
    "aria-label": `${e.experiment}, subjects per variant. ${variantDescription(e)}`,
    class: "chart",
  });
  e.variants.forEach((v, i) => {
    const cy = 6 + i * ROW + ROW / 2;
    const expectedX = x(v.expected_subjects);
    svg.append(
      s("text", { class: "bar-label", x: LABEL - 8, y: cy + 4, "text-anchor": "end" }, v.variant),
      s("rect", {
        class: "bar",
        "data-key": v.variant,
        x: LABEL,
        y: cy - 9,
        width: Math.max(1, x(v.subjects) - LABEL),
        height: 18,
        rx: 3,
      }),
      s("line", {
        class: "whisker",
        "stroke-dasharray": "3 2",
        x1: expectedX,
        x2: expectedX,
        y1: cy - 13,
        y2: cy + 13,
      }),
      s(
        "text",
        { class: "bar-value", x: Math.max(x(v.subjects), expectedX) + 6, y: cy + 4 },
        `${formatCount(v.subjects)} (${percent(v.observed_share)}) · expected ${formatCount(Math.round(v.expected_subjects))} (${percent(v.expected_share)})`,
      ),
    );
  });
  return svg;
}

function experimentBlock(e: ExperimentSummary, width: number): DomElement {
  const flag =
    e.srm === true
      ? badge("failed", "sample-ratio mismatch")
      : e.srm === false
        ? badge("verified", "split as assigned")
        : badge("pending", "not tested yet");
  return h(
    "div",
    { class: "sub-figures", "data-experiment": e.experiment, "data-srm": String(e.srm) },
    h("h3", {}, e.experiment, " ", flag),
    h("p", { class: e.srm === true ? "error" : "hint" }, e.verdict),
    variantChart(e, width),
    figures([
      ["Exposures", formatCount(e.exposures)],
      ["Subjects", formatCount(e.subjects)],
      [
        "p-value",
        e.test.p_value === null
          ? "—"
          : e.test.p_value < 0.001
            ? e.test.p_value.toExponential(2)
            : e.test.p_value.toFixed(3),
      ],
      ["Last exposure", timeText(e.last_exposure)],
    ]),
  );
}

/** Renders the card from an answer, the endpoint's absence (null), or a failure. */
export function renderExperiments(answer: ExperimentsAnswer | null | Error): void {
  const container = byId("experiments");
  if (answer === null || answer instanceof Error) {
    container.replaceChildren(
      answer === null
        ? badge("unavailable", "experiments unavailable")
        : badge("failed", "experiments failed"),
      h(
        "p",
        { class: answer === null ? "hint" : "error" },
        answer === null ? "This deployment does not answer GET /v1/experiments." : errorMessage(answer),
      ),
    );
    container.setAttribute("data-state", answer === null ? "unavailable" : "failed");
    return;
  }
  const width = drawingWidth(container, 640);
  container.replaceChildren(
    answer.experiments.length === 0
      ? h(
          "p",
          { class: "hint" },
          "No A/B exposures logged yet (ab:exposure events, e.g. from edgelog/hono's exposure()).",
        )
      : h("div", {}, ...answer.experiments.slice(0, SHOWN).map((e) => experimentBlock(e, width))),
    h(
      "p",
      { class: "hint" },
      `Bars: subjects seen per variant; dashed mark: what the logged assignment probabilities expect. A mismatch is flagged at p < ${answer.threshold} (chi-square test).` +
        (answer.experiments.length > SHOWN
          ? ` Showing ${SHOWN} of ${answer.experiments.length}; GET /v1/experiments lists all.`
          : ""),
    ),
  );
  container.setAttribute("data-state", "loaded");
}

/** Fetches with the signed-in key and renders, unless the session ended meanwhile. */
export async function refreshExperiments(api: ApiClient, isLive: () => boolean): Promise<void> {
  let answer: ExperimentsAnswer | null | Error;
  try {
    answer = await api.experiments();
  } catch (err) {
    answer = err instanceof Error ? err : new ApiFailure(0, "unknown", String(err));
  }
  if (isLive()) renderExperiments(answer);
}

/**
 * Figure 8: cost of the I-JSON check (RFC 7493) on the ingest hot path, in Node (V8, as in
 * workerd). The Worker reads each request body's text once before `JSON.parse` for its shape
 * (depth and event count) and its I-JSON violations together (`scanJsonText`); that pass is
 * timed on the ingest figure's bodies (100 generated DES events as one JSON array) beside the
 * two passes it replaced (the shape pass and the I-JSON scan alone) and the rest of the per-event
 * JavaScript work: parsing the body, and per event validation, RFC 8785 canonicalization and
 * SHA-256.
 */
import { createHash } from "node:crypto";
import { canonicalJson } from "../../../src/core/canonical";
import { findIJsonViolations, scanJsonText } from "../../../src/core/ijson";
import { validateEvent } from "../../../src/validate";
import { jsonTextShape } from "../../../src/worker/body/text-shape";
import { createEventGenerator } from "../events";
import { fmt3, fmtRatio, table, type FigureResult, type Row } from "../report";
import { median, range } from "../stats";
import type { Contender } from "../timing";

let sink: unknown;

/** CPU milliseconds (user + system, getrusage) per execution, looping for at least `minMs` of CPU. */
function cpuMsPerTask(task: () => unknown, minMs: number): number {
  const start = process.cpuUsage();
  let n = 0;
  let ms = 0;
  do {
    sink = task();
    n++;
    const used = process.cpuUsage(start);
    ms = (used.user + used.system) / 1000;
  } while (ms < minMs);
  return ms / n;
}

/**
 * Like timing.ts's roundRobin, but on the process's CPU time: the machine is shared, and wall
 * time would count the time other processes held the core.
 */
function roundRobinCpu(
  contenders: readonly Contender[],
  rounds: number,
  minMs: number,
): { msPerTask: Record<string, number[]> } {
  for (const c of contenders) cpuMsPerTask(c.task, minMs);
  const msPerTask: Record<string, number[]> = {};
  for (const c of contenders) msPerTask[c.name] = [];
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < contenders.length; i++) {
      const c = contenders[(i + r) % contenders.length]!;
      msPerTask[c.name]!.push(cpuMsPerTask(c.task, minMs));
    }
  }
  if (sink === Symbol.for("never")) console.log(sink);
  return { msPerTask };
}

export interface IJsonOptions {
  bodies: number;
  eventsPerBody: number;
  rounds: number;
  minMs: number;
}

export const IJSON_FULL: IJsonOptions = { bodies: 32, eventsPerBody: 100, rounds: 7, minMs: 300 };
export const IJSON_QUICK: IJsonOptions = { bodies: 2, eventsPerBody: 20, rounds: 1, minMs: 5 };

export function ijsonFigure(options: IJsonOptions): FigureResult {
  const generator = createEventGenerator({ seed: 1, idPrefix: "ijson" });
  const bodies = Array.from({ length: options.bodies }, () =>
    JSON.stringify(Array.from({ length: options.eventsPerBody }, () => generator.next())),
  );
  const parsed = bodies.map((b) => JSON.parse(b) as unknown[]);
  for (const b of bodies) {
    const found = findIJsonViolations(b, { arrayOfItems: true });
    if (found.length > 0) throw new Error(`generated events are not I-JSON: ${found[0]!.message}`);
  }
  let next = 0;
  const pick = () => (next = (next + 1) % bodies.length);
  const scanOptions = { arrayOfItems: true, maxDepth: 65, maxItems: options.eventsPerBody };
  const contenders: Contender[] = [
    { name: "onepass", task: () => scanJsonText(bodies[pick()]!, scanOptions)!.violations.length },
    { name: "ijson", task: () => findIJsonViolations(bodies[pick()]!, { arrayOfItems: true }).length },
    { name: "shape", task: () => jsonTextShape(bodies[pick()]!, 65).items },
    { name: "parse", task: () => (JSON.parse(bodies[pick()]!) as unknown[]).length },
    {
      name: "prepare",
      task: () => {
        let n = 0;
        for (const event of parsed[pick()]!) {
          if (validateEvent(event).ok) n++;
          n += createHash("sha256").update(canonicalJson(event)).digest()[0]!;
        }
        return n;
      },
    },
  ];
  const { msPerTask } = roundRobinCpu(contenders, options.rounds, options.minMs);
  const usPerEvent = (name: string) => msPerTask[name]!.map((ms) => (ms * 1000) / options.eventsPerBody);
  const onepass = median(usPerEvent("onepass"));
  const ijson = median(usPerEvent("ijson"));
  const shape = median(usPerEvent("shape"));
  const parse = median(usPerEvent("parse"));
  const prepare = median(usPerEvent("prepare"));
  const rest = parse + prepare;
  const share = (onepass / (rest + onepass)) * 100;
  const [lo, hi] = range(
    msPerTask.onepass!.map((ms, i) => ms / (msPerTask.parse![i]! + msPerTask.prepare![i]! + ms)),
  );
  const twoPasses = msPerTask.onepass!.map((ms, i) => ms / (msPerTask.shape![i]! + msPerTask.ijson![i]!));
  const spread = (name: string) => {
    const xs = usPerEvent(name);
    return `${fmt3(Math.min(...xs))} – ${fmt3(Math.max(...xs))}`;
  };
  const meanBytes = bodies.reduce((n, b) => n + b.length, 0) / (options.bodies * options.eventsPerBody);
  const rows: Row[] = [
    {
      measure:
        "shape + I-JSON scan in one pass, CPU µs per event (share of the per-event JavaScript work below)",
      value: `${fmt3(onepass)} µs (${fmt3(share)} %)`,
      peer: `${fmt3(rest)} µs (parse + validate, canonicalize, SHA-256)`,
      ratio: fmtRatio(onepass / rest),
      target: "—",
      verdict: "no target",
    },
    {
      measure: "the one pass vs the two passes it replaced (shape pass, then I-JSON scan), CPU µs per event",
      value: `${fmt3(onepass)} µs`,
      peer: `${fmt3(shape + ijson)} µs (${fmt3(shape)} + ${fmt3(ijson)})`,
      ratio: fmtRatio(median(twoPasses)),
      target: "—",
      verdict: "no target",
    },
  ];
  return {
    id: "ijson",
    title: "I-JSON check on the ingest path (Node)",
    method: [
      `${options.bodies} request bodies of ${options.eventsPerBody} generated DES events each (mean ${fmt3(meanBytes)} characters of JSON per event), as the ingest figure sends them.`,
      "Each task runs in a loop for at least the minimum CPU time (process user + system time, so time other processes held the core is not counted), tasks take turns (round-robin), median of rounds; µs per event = CPU ms per body × 1000 / events per body.",
      "The Worker runs the one pass (`scanJsonText`: depth, event count and I-JSON violations) before `JSON.parse` of the same text. The two passes it replaced are timed for comparison: the shape pass (`jsonTextShape`) and the I-JSON scan alone (`findIJsonViolations`); the ratio is the median of same-round ratios.",
    ],
    rows,
    details: [
      table(
        ["step", "CPU µs per event (median)", "range over rounds"],
        [
          ["shape + I-JSON scan, one pass (what the Worker runs)", fmt3(onepass), spread("onepass")],
          ["I-JSON scan alone (replaced)", fmt3(ijson), spread("ijson")],
          ["text shape alone (depth, count; replaced)", fmt3(shape), spread("shape")],
          ["JSON.parse", fmt3(parse), spread("parse")],
          ["validate + canonicalize + SHA-256", fmt3(prepare), spread("prepare")],
        ],
      ),
      `One-pass share of the three steps the Worker runs (one pass, parse, the rest), range over rounds: ${fmt3(lo * 100)} – ${fmt3(hi * 100)} %.`,
    ],
    raw: { options, msPerTask, meanBytes },
  };
}

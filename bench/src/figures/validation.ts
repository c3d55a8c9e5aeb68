/**
 * Figure 2: event validation inside workerd. edgelog's validator (the build-time generated
 * standalone module behind src/validate) against @cfworker/json-schema interpreting the same
 * schema, on the same valid and invalid events, in the bench Worker under `wrangler dev`.
 */
import { fmtInt, fmtRatio, table, verdict, type FigureResult, type Row } from "../report";
import { median, range } from "../stats";
import { failureText, startWrangler, type Wrangler } from "../wrangler";

export interface ValidationOptions {
  rounds: number;
  /** Each timed call runs about this long (workerd's clock has millisecond resolution). */
  targetMs: number;
}

export const VALIDATION_FULL: ValidationOptions = { rounds: 7, targetMs: 400 };
export const VALIDATION_QUICK: ValidationOptions = { rounds: 1, targetMs: 30 };

const IMPLS = ["edgelog", "generated", "cfworker"] as const;
const SETS = ["valid", "invalid"] as const;
type Impl = (typeof IMPLS)[number];
type EventSet = (typeof SETS)[number];

interface Run {
  ms: number;
  validations: number;
  accepted: number;
}

async function call(bench: Wrangler, impl: Impl, set: EventSet, iterations: number): Promise<Run> {
  const res = await fetch(`${bench.url}/validate/run?impl=${impl}&set=${set}&iterations=${iterations}`);
  if (!res.ok) throw new Error(`validate/run ${impl} ${set}: ${await failureText(res)}`);
  return (await res.json()) as Run;
}

interface Check {
  valid: { count: number; accepted: Record<Impl, number> };
  invalid: { count: number; accepted: Record<Impl, number> };
}

export async function validationFigure(options: ValidationOptions): Promise<FigureResult> {
  const bench = await startWrangler({ config: "bench/worker/wrangler.toml" });
  try {
    const check = (await (await fetch(`${bench.url}/validate/check`)).json()) as Check;
    for (const impl of IMPLS) {
      if (check.valid.accepted[impl] !== check.valid.count || check.invalid.accepted[impl] !== 0) {
        throw new Error(`validators disagree with the corpus: ${JSON.stringify(check)}`);
      }
    }
    // Calibrate: passes over the set that take about targetMs (after one warm-up pass).
    const iterations = {} as Record<Impl, Record<EventSet, number>>;
    for (const impl of IMPLS) {
      iterations[impl] = { valid: 1, invalid: 1 };
      for (const set of SETS) {
        await call(bench, impl, set, 3);
        const probe = await call(bench, impl, set, 10);
        iterations[impl][set] = Math.max(1, Math.round((10 * options.targetMs) / Math.max(probe.ms, 1)));
      }
    }
    const rates = {} as Record<Impl, Record<EventSet, number[]>>;
    for (const impl of IMPLS) rates[impl] = { valid: [], invalid: [] };
    for (let r = 0; r < options.rounds; r++) {
      for (const set of SETS) {
        for (let i = 0; i < IMPLS.length; i++) {
          const impl = IMPLS[(i + r) % IMPLS.length]!;
          const run = await call(bench, impl, set, iterations[impl][set]);
          rates[impl][set].push(run.validations / (Math.max(run.ms, 1) / 1000));
        }
      }
    }
    return render(options, check, rates);
  } finally {
    await bench.stop();
  }
}

function render(
  options: ValidationOptions,
  check: Check,
  rates: Record<Impl, Record<EventSet, number[]>>,
): FigureResult {
  const rows: Row[] = [];
  const detail: string[][] = [];
  for (const set of SETS) {
    const perRound = (impl: Impl) => rates[impl][set].map((v, i) => v / rates.cfworker[set][i]!);
    for (const impl of ["edgelog", "generated"] as const) {
      const ratio = median(perRound(impl));
      rows.push({
        measure: `${set} events/s, ${impl === "edgelog" ? "`validateEvent` (what ingest calls)" : "generated validator alone"}`,
        value: fmtInt(median(rates[impl][set])),
        peer: `${fmtInt(median(rates.cfworker[set]))} (@cfworker/json-schema)`,
        ratio: fmtRatio(ratio),
        target: "≥ 5×",
        verdict: verdict(ratio, 5),
      });
      const [lo, hi] = range(perRound(impl));
      detail.push([set, impl, `${fmtRatio(lo)} – ${fmtRatio(hi)}`]);
    }
  }
  return {
    id: "validation",
    title: "DES validation inside workerd",
    rows,
    method: [
      `Corpus: ${check.valid.count} valid generated DES 0.3.0 events (the ingest figure's generator and tier mix) and ${check.invalid.count} invalid ones, each a valid event with one of eight breakages (missing required field, tier outside the enum, negative sequence number, non-RFC 3339 timestamp, unknown logic type, override without its fields, sampled tier without risk level, non-semver version). Before timing, every contender must accept all valid and reject all invalid events.`,
      "edgelog: `validateEvent` from src/validate (version dispatch, then the ajv standalone validator generated at build time from schema/des-0.3.0.schema.json with all errors collected, then the errors summarised into JSON-pointer issues). Also shown: the generated validator function alone.",
      "Peer: `new Validator(schema, '2020-12')` of @cfworker/json-schema over the same schema file; its default stops at the first error (`shortCircuit`), so on invalid events it does less work than edgelog, which reports every issue.",
      "Both run in the bench Worker (bench/worker, `wrangler dev -c bench/worker/wrangler.toml`, bundled by wrangler like edgelog's Worker). Each call validates the whole set repeatedly for about " +
        `${options.targetMs} ms (calibrated once), timed inside workerd; ${options.rounds} rounds with the contenders' order rotated; figures are medians of rounds, ratios medians of per-round ratios.`,
    ],
    details: [
      "Ratio range over rounds (vs @cfworker/json-schema):",
      table(["events", "contender", "range"], detail),
    ],
    raw: { options, check, rates },
  };
}

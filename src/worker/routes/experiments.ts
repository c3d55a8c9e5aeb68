import type { Context } from "hono";
import type { AppEnv } from "../app-env";
import { ApiError } from "../api-error";
import { tenantFor } from "../middleware/auth";
import { logRef, shardStub, shardsOf } from "../routing";
import { EXPERIMENT_NAME_MAX } from "../../core/experiment-exposure";
import { checkSampleRatio, SRM_P_THRESHOLD } from "../../core/sample-ratio";
import { HOUR_MS, type ExperimentQuery, type VariantTotals } from "../../shard/experiments";

/** Most experiments one answer lists (the most recently exposed first); `?experiment=` reaches any. */
export const EXPERIMENTS_MAX = 100;

function timeParam(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const t = /^\d{4}-\d{2}-\d{2}T/.test(raw) ? Date.parse(raw) : NaN;
  if (Number.isNaN(t))
    throw new ApiError(400, "invalid_parameter", `'${name}' must be an RFC 3339 date-time, found '${raw}'`);
  return t;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * GET /v1/experiments?experiment=&since=&until=: per experiment and variant the exposures
 * (exact), distinct subjects, the expected share from the logged assignment probabilities and a
 * chi-square sample-ratio check (README, "A/B experiments: sample-ratio checks"). Reads only the
 * shards' hourly aggregates, so the window is widened to whole UTC hours; the answer states the
 * window used.
 */
export async function experiments(c: Context<AppEnv>): Promise<Response> {
  const tenant = tenantFor(c.var.principal, "read");
  const experiment = c.req.query("experiment");
  if (experiment !== undefined && (experiment.length === 0 || experiment.length > EXPERIMENT_NAME_MAX)) {
    throw new ApiError(
      400,
      "invalid_parameter",
      `'experiment' must be 1 to ${EXPERIMENT_NAME_MAX} characters, found ${experiment.length}`,
    );
  }
  const since = timeParam("since", c.req.query("since"));
  const until = timeParam("until", c.req.query("until"));
  if (since !== undefined && until !== undefined && until <= since) {
    throw new ApiError(
      400,
      "invalid_parameter",
      `'until' (${iso(until)}) must be later than 'since' (${iso(since)})`,
    );
  }
  const query: ExperimentQuery = {};
  if (experiment !== undefined) query.experiment = experiment;
  if (since !== undefined) query.fromHour = Math.floor(since / HOUR_MS);
  if (until !== undefined) query.toHour = Math.ceil(until / HOUR_MS);
  const parts = await Promise.all(
    shardsOf(tenant.routing).map((shard) =>
      shardStub(c.env, logRef(c.var.config, tenant, shard)).experiments(query),
    ),
  );
  const byExperiment = new Map<string, Map<string, VariantTotals>>();
  for (const rows of parts) {
    for (const r of rows) {
      let variants = byExperiment.get(r.experiment);
      if (!variants) byExperiment.set(r.experiment, (variants = new Map()));
      const have = variants.get(r.variant);
      if (!have) {
        variants.set(r.variant, { ...r });
        continue;
      }
      have.exposures += r.exposures;
      have.subjects += r.subjects;
      have.probabilitySum += r.probabilitySum;
      have.probabilityMin = Math.min(have.probabilityMin, r.probabilityMin);
      have.probabilityMax = Math.max(have.probabilityMax, r.probabilityMax);
      have.firstAt = Math.min(have.firstAt, r.firstAt);
      have.lastAt = Math.max(have.lastAt, r.lastAt);
    }
  }
  const all = [...byExperiment].map(([name, variants]) => summarize(name, [...variants.values()]));
  all.sort((a, b) => b.lastAt - a.lastAt || a.body.experiment.localeCompare(b.body.experiment));
  return c.json({
    window: {
      since: query.fromHour === undefined ? null : iso(query.fromHour * HOUR_MS),
      until: query.toHour === undefined ? null : iso(query.toHour * HOUR_MS),
      granularity: "hour",
    },
    threshold: SRM_P_THRESHOLD,
    experiments: all.slice(0, EXPERIMENTS_MAX).map((e) => e.body),
    truncated: all.length > EXPERIMENTS_MAX,
  });
}

function summarize(experiment: string, rows: VariantTotals[]) {
  rows.sort((a, b) => a.variant.localeCompare(b.variant));
  const check = checkSampleRatio(
    rows.map((r) => ({
      variant: r.variant,
      exposures: r.exposures,
      subjects: r.subjects,
      meanProbability: r.probabilitySum / r.exposures,
    })),
  );
  const firstAt = Math.min(...rows.map((r) => r.firstAt));
  const lastAt = Math.max(...rows.map((r) => r.lastAt));
  return {
    lastAt,
    body: {
      experiment,
      first_exposure: iso(firstAt),
      last_exposure: iso(lastAt),
      exposures: rows.reduce((n, r) => n + r.exposures, 0),
      subjects: rows.reduce((n, r) => n + r.subjects, 0),
      variants: rows.map((r, i) => ({
        variant: r.variant,
        exposures: r.exposures,
        subjects: r.subjects,
        assignment_probability: {
          mean: r.probabilitySum / r.exposures,
          min: r.probabilityMin,
          max: r.probabilityMax,
        },
        expected_share: check.variants[i]!.expectedShare,
        observed_share: check.variants[i]!.observedShare,
        expected_subjects: check.variants[i]!.expected,
      })),
      test: { unit: check.unit, statistic: check.statistic, df: check.df, p_value: check.pValue },
      srm: check.srm,
      probability_sum: check.probabilitySum,
      verdict: check.verdict,
    },
  };
}

import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { exposureFields } from "../../src/core/experiment-exposure";
import { recordExposures } from "../../src/shard/experiments";
import { ADMIN_TOKEN, call, ingest, newTenant, type TestTenant } from "../support/api";
import { makeEvent } from "../support/events";
import { prng } from "../support/prng";

/** An `ab:exposure` event as `edgelog/hono`'s exposure() writes it. */
function exposure(
  experiment: string,
  variant: string,
  subject: string,
  probability: number,
  tier: "lightweight" | "full" = "lightweight",
) {
  return makeEvent({
    tier,
    extra: {
      decision_logic: {
        logic_type: "ab:exposure",
        output: variant,
        parameters: { experiment, variant, subject, assignment_probability: probability },
      },
    },
  });
}

async function send(t: TestTenant, events: unknown[]): Promise<void> {
  for (let i = 0; i < events.length; i += 1000) {
    const { status, body } = await ingest(t.key, events.slice(i, i + 1000));
    expect(status, JSON.stringify(body.results.find((r) => r.status === "rejected"))).toBe(200);
  }
}

interface VariantAnswer {
  variant: string;
  exposures: number;
  subjects: number;
  assignment_probability: { mean: number; min: number; max: number };
  expected_share: number;
  observed_share: number;
  expected_subjects: number;
}
interface ExperimentAnswer {
  experiment: string;
  exposures: number;
  subjects: number;
  variants: VariantAnswer[];
  test: { unit: string; statistic: number | null; df: number | null; p_value: number | null };
  srm: boolean | null;
  verdict: string;
  first_exposure: string;
  last_exposure: string;
}
interface ExperimentsAnswer {
  window: { since: string | null; until: string | null; granularity: string };
  threshold: number;
  experiments: ExperimentAnswer[];
  truncated: boolean;
}

async function experiments(t: TestTenant, query = ""): Promise<ExperimentsAnswer> {
  const res = await call("GET", `/v1/experiments${query}`, { token: t.key });
  expect(res.status).toBe(200);
  return (await res.json()) as ExperimentsAnswer;
}

/**
 * Simulates `subjects` subjects assigned 50/50 at random; each is exposed once, and in variant
 * "treatment" a fraction `loss` of the exposures never reaches the log (every 1/loss-th one).
 * Returns the exposure counts actually sent.
 */
function simulate(
  experiment: string,
  subjects: number,
  seed: number,
  loss: number,
): { events: unknown[]; sent: Record<string, number> } {
  const random = prng(seed);
  const events: unknown[] = [];
  const sent: Record<string, number> = { control: 0, treatment: 0 };
  let treated = 0;
  for (let s = 0; s < subjects; s++) {
    const variant = random() < 0.5 ? "control" : "treatment";
    if (variant === "treatment" && loss > 0 && ++treated % Math.round(1 / loss) === 0) continue;
    events.push(exposure(experiment, variant, `user-${seed}-${s}`, 0.5));
    sent[variant]!++;
  }
  return { events, sent };
}

describe("GET /v1/experiments: sample-ratio mismatch checks", () => {
  it("an honest 50/50 experiment at 10,000 subjects is not flagged, and its counts are exact", async () => {
    const t = await newTenant();
    const { events, sent } = simulate("checkout-button", 10_000, 7, 0);
    await send(t, events);
    const answer = await experiments(t);
    expect(answer.threshold).toBe(0.001);
    expect(answer.window).toEqual({ since: null, until: null, granularity: "hour" });
    expect(answer.experiments).toHaveLength(1);
    const e = answer.experiments[0]!;
    expect(e.experiment).toBe("checkout-button");
    expect(e.exposures).toBe(10_000);
    expect(e.subjects).toBe(10_000);
    expect(e.variants.map((v) => [v.variant, v.exposures, v.subjects])).toEqual([
      ["control", sent.control, sent.control],
      ["treatment", sent.treatment, sent.treatment],
    ]);
    for (const v of e.variants) {
      expect(v.expected_share).toBe(0.5);
      expect(v.assignment_probability).toEqual({ mean: 0.5, min: 0.5, max: 0.5 });
      expect(v.expected_subjects).toBe(5000);
    }
    // The same statistic from the counts actually sent: X² = Σ (n − 5000)² / 5000.
    const x2 = ((sent.control! - 5000) ** 2 + (sent.treatment! - 5000) ** 2) / 5000;
    expect(e.test.statistic).toBeCloseTo(x2, 9);
    expect(e.test.df).toBe(1);
    expect(e.test.p_value).toBeGreaterThan(0.001);
    expect(e.srm).toBe(false);
    expect(e.verdict).toMatch(/^No sample-ratio mismatch/);
  });

  it("a 2% loss of one variant's exposures is flagged once the experiment is large enough to show it", async () => {
    // The size needed is arithmetic, not a choice: with a loss f in one arm of a 50/50 split,
    // X² grows like N·f²/4 (N subjects), so crossing 10.83 (p = 0.001, df 1) takes N ≳ 108,000 at
    // f = 2% — at 10,000 subjects a 2% loss gives X² ≈ 1 (p ≈ 0.3), which no test can tell from
    // chance. 200,000 subjects put the expected X² near 20. Sending 200,000 events over HTTP
    // would take minutes here, so the exposures are handed to the shard's aggregate (the same
    // function append calls inside its transaction; the test above covers the HTTP path), and
    // the answer is read over HTTP.
    const t = await newTenant();
    const { events, sent } = simulate("pricing-page", 200_000, 11, 0.02);
    // What prepare hands the shard for each event; the subject's key only has to be distinct per
    // subject (prepare uses the tenant's HMAC, tested in sample-ratio.test.ts), so its number serves.
    const prepared = events.map((e, index) => {
      const f = exposureFields(e)!;
      const subjectKey = index.toString(16).padStart(32, "0");
      return {
        index,
        exposure: { experiment: f.experiment, variant: f.variant, subjectKey, probability: f.probability },
      };
    });
    const stub = env.LOG_SHARD.getByName(`${t.id}/0`);
    await runInDurableObject(stub, (_instance, state) => {
      // In appends of 1,000, like requests at MAX_EVENTS_PER_REQUEST.
      for (let i = 0; i < prepared.length; i += 1000) {
        const chunk = prepared.slice(i, i + 1000);
        state.storage.transactionSync(() =>
          recordExposures(
            state.storage.sql,
            chunk,
            chunk.map((p) => ({ index: p.index, status: "accepted" as const })),
            Date.now(),
          ),
        );
      }
    });
    const e = (await experiments(t, "?experiment=pricing-page")).experiments[0]!;
    expect(e.variants.map((v) => [v.variant, v.exposures, v.subjects])).toEqual([
      ["control", sent.control, sent.control],
      ["treatment", sent.treatment, sent.treatment],
    ]);
    const half = (sent.control! + sent.treatment!) / 2;
    const x2 = ((sent.control! - half) ** 2 + (sent.treatment! - half) ** 2) / half;
    expect(e.test.statistic).toBeCloseTo(x2, 6);
    expect(x2).toBeGreaterThan(10.828);
    expect(e.test.p_value).toBeLessThan(0.001);
    expect(e.srm).toBe(true);
    expect(e.verdict).toMatch(
      /^Sample-ratio mismatch: subjects per variant "control" [\d,]+ \(expected [\d,.]+\), "treatment"/,
    );
  });

  it("counts every exposure exactly whatever is retained (default policy: 10% of bodies), once per stored event, subjects once", async () => {
    const t = await newTenant(["ingest", "read", "admin"], { policy: "default" });
    const events: unknown[] = [];
    // 120 subjects in "a", 80 in "b"; 30 of the "a" subjects are exposed a second time.
    for (let s = 0; s < 120; s++) events.push(exposure("banner", "a", `u${s}`, 0.6));
    for (let s = 0; s < 80; s++) events.push(exposure("banner", "b", `v${s}`, 0.4));
    for (let s = 0; s < 30; s++) events.push(exposure("banner", "a", `u${s}`, 0.6));
    // Not exposures: an assignment, an ordinary decision, an exposure without a usable probability.
    events.push(
      makeEvent({
        extra: {
          decision_logic: {
            logic_type: "ab:assignment",
            output: "a",
            parameters: { experiment: "banner", variant: "a", subject: "w", assignment_probability: 0.6 },
          },
        },
      }),
    );
    events.push(makeEvent());
    events.push(
      makeEvent({
        extra: {
          decision_logic: {
            logic_type: "ab:exposure",
            output: "a",
            parameters: { experiment: "banner", variant: "a", subject: "w", assignment_probability: 0 },
          },
        },
      }),
    );
    await send(t, events);
    // A retry of the whole request stores nothing new and counts nothing again.
    const retry = await ingest(t.key, events);
    expect(retry.body.duplicates).toBe(events.length);

    const answer = await experiments(t);
    expect(answer.experiments).toHaveLength(1);
    const e = answer.experiments[0]!;
    expect(e.exposures).toBe(230);
    expect(e.subjects).toBe(200);
    expect(e.variants.map((v) => [v.variant, v.exposures, v.subjects])).toEqual([
      ["a", 150, 120],
      ["b", 80, 80],
    ]);
    // Expected 0.6 × 200 = 120 and 80: a perfect split.
    expect(e.variants[0]!.expected_share).toBeCloseTo(0.6, 12);
    expect(e.variants[0]!.expected_subjects).toBeCloseTo(120, 9);
    expect(e.test.statistic).toBeCloseTo(0, 12);
    expect(e.test.p_value).toBeCloseTo(1, 12);
    expect(e.srm).toBe(false);

    // The aggregates hold the subject only as a 128-bit keyed hash.
    const stub = env.LOG_SHARD.getByName(`${t.id}/0`);
    const rows = await runInDurableObject(stub, (_i, state) =>
      state.storage.sql
        .exec<{ subject: ArrayBuffer }>("SELECT subject FROM experiment_subjects")
        .toArray()
        .map((r) => new Uint8Array(r.subject)),
    );
    expect(rows).toHaveLength(200);
    expect(rows.every((r) => r.length === 16)).toBe(true);
  });

  it("three variants at 0.5 / 0.3 / 0.2, summed over four shards", async () => {
    const created = await call("POST", "/v1/admin/tenants", {
      token: ADMIN_TOKEN,
      json: { name: `exp-shards-${Date.now()}`, shards: 4 },
    });
    expect(created.status).toBe(201);
    const id = ((await created.json()) as { id: string }).id;
    await call("PUT", `/v1/admin/tenants/${id}/policy`, {
      token: ADMIN_TOKEN,
      json: { rules: [], default: { tier: "lightweight" } },
    });
    const keyRes = await call("POST", `/v1/admin/tenants/${id}/keys`, {
      token: ADMIN_TOKEN,
      json: { scopes: ["ingest", "read"] },
    });
    const t: TestTenant = { id, key: ((await keyRes.json()) as { key: string }).key, keyId: "" };
    const counts = { x: 260, y: 140, z: 100 };
    const events: unknown[] = [];
    const shares = { x: 0.5, y: 0.3, z: 0.2 };
    for (const [variant, n] of Object.entries(counts)) {
      for (let s = 0; s < n; s++)
        events.push(exposure("layout", variant, `${variant}-${s}`, shares[variant as keyof typeof shares]));
    }
    await send(t, events);
    const logs = (await (await call("GET", "/v1/logs", { token: t.key })).json()) as Array<{
      events: number;
    }>;
    expect(logs.filter((l) => l.events > 0).length).toBeGreaterThan(1);
    const e = (await experiments(t)).experiments[0]!;
    expect(e.variants.map((v) => [v.variant, v.subjects])).toEqual([
      ["x", 260],
      ["y", 140],
      ["z", 100],
    ]);
    // By hand: N = 500, expected 250 / 150 / 100; X² = 10²/250 + 10²/150 + 0 = 0.4 + 0.666667 = 1.066667;
    // df 2: p = e^(−1.066667/2) = 0.586646.
    expect(e.test.df).toBe(2);
    expect(e.test.statistic).toBeCloseTo(1.066667, 5);
    expect(e.test.p_value).toBeCloseTo(0.586646, 5);
    expect(e.srm).toBe(false);
  });

  it("filters by experiment and window (whole UTC hours), and refuses bad parameters", async () => {
    const t = await newTenant();
    await send(t, [
      exposure("e1", "a", "s1", 0.5),
      exposure("e1", "b", "s2", 0.5),
      exposure("e2", "a", "s3", 1),
    ]);
    const all = await experiments(t);
    expect(all.experiments.map((e) => e.experiment).sort()).toEqual(["e1", "e2"]);
    const one = await experiments(t, "?experiment=e2");
    expect(one.experiments.map((e) => e.experiment)).toEqual(["e2"]);
    // One variant only, or too few subjects: reported, not tested.
    expect(one.experiments[0]!.srm).toBeNull();
    expect(one.experiments[0]!.verdict).toMatch(/only one variant/);
    expect(all.experiments.find((e) => e.experiment === "e1")!.verdict).toMatch(/too few subjects/);

    const now = Date.now();
    const hour = 3_600_000;
    const around = await experiments(
      t,
      `?since=${new Date(now - 60_000).toISOString()}&until=${new Date(now + 60_000).toISOString()}`,
    );
    expect(around.window.since).toBe(new Date(Math.floor((now - 60_000) / hour) * hour).toISOString());
    expect(around.window.until).toBe(new Date(Math.ceil((now + 60_000) / hour) * hour).toISOString());
    expect(around.experiments).toHaveLength(2);
    const later = await experiments(t, `?since=${new Date(now + 2 * hour).toISOString()}`);
    expect(later.experiments).toHaveLength(0);

    for (const [query, message] of [
      ["?since=yesterday", /'since' must be an RFC 3339 date-time, found 'yesterday'/],
      [`?since=2026-01-02T00:00:00Z&until=2026-01-01T00:00:00Z`, /'until' .* must be later than 'since'/],
      [`?experiment=${"x".repeat(201)}`, /'experiment' must be 1 to 200 characters, found 201/],
    ] as const) {
      const res = await call("GET", `/v1/experiments${query}`, { token: t.key });
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe("invalid_parameter");
      expect(body.error.message).toMatch(message);
    }
  });

  it("needs the read scope", async () => {
    const t = await newTenant(["ingest"]);
    expect((await call("GET", "/v1/experiments", { token: t.key })).status).toBe(403);
    expect((await call("GET", "/v1/experiments")).status).toBe(401);
  });
});

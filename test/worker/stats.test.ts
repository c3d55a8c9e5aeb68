import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, ingest, newTenant } from "../support/api";
import { makeEvent } from "../support/events";
import { everythingStored } from "../support/shard-storage";
import { prepareItem } from "../../src/worker/ingest/prepare";
import { compilePolicy } from "../../src/core/policy";
import type { LogShard } from "../../src/shard/log-shard";
import type { ShardStats } from "../../src/shard/stats";
import type { PreparedEvent } from "../../src/shard/types";

/**
 * A synthetic population with a known distribution, logged under the default policy (high and
 * critical → full; the rest sampled at 10%): the stats API must count every event exactly and
 * estimate body-only facts without bias. Decision ids are fixed, so the sample is too: the
 * test is deterministic, and the ±3 SE bounds were not tuned to it.
 */
const N = 20_000;
const RISKS = [
  ["low", 0.6],
  ["medium", 0.3],
  ["high", 0.08],
  ["critical", 0.02],
] as const;

function riskOf(i: number): "low" | "medium" | "high" | "critical" {
  const u = ((i * 2654435761) % 2 ** 32) / 2 ** 32;
  let acc = 0;
  for (const [risk, p] of RISKS) {
    acc += p;
    if (u < acc) return risk;
  }
  return "critical";
}

describe("GET /v1/stats", () => {
  it(
    `counts ${N} events exactly and estimates body-only facts within three standard errors`,
    { timeout: 120_000 },
    async () => {
      const t = await newTenant(undefined, { policy: "default" });
      const truth = new Map<string, number>();
      for (let start = 0; start < N; start += 1000) {
        const events = [];
        for (let i = start; i < start + 1000; i++) {
          const risk = riskOf(i);
          truth.set(risk, (truth.get(risk) ?? 0) + 1);
          events.push(makeEvent({ decisionId: `pop-${i}`, risk, output: i % 3 === 0 ? "deny" : "approve" }));
        }
        const { status } = await ingest(t.key, events);
        expect(status).toBe(200);
      }
      const byTier = (await (await call("GET", "/v1/stats?group_by=tier", { token: t.key })).json()) as {
        events: number;
        groups: Array<{ key: string; count: number; exact: boolean }>;
        sampling: Array<{ rate: number; events: number; in_sample: number; observed_rate: number }>;
      };
      expect(byTier.events).toBe(N);
      const full = (truth.get("high") ?? 0) + (truth.get("critical") ?? 0);
      expect(Object.fromEntries(byTier.groups.map((g) => [g.key, g.count]))).toEqual({
        full,
        sampled: N - full,
      });
      const [sampling] = byTier.sampling;
      expect(sampling!.rate).toBe(0.1);
      expect(sampling!.events).toBe(N - full);
      // Within 1 percentage point of the configured rate (and within 4 binomial SDs).
      const sd = Math.sqrt((0.1 * 0.9) / sampling!.events);
      expect(Math.abs(sampling!.observed_rate - 0.1)).toBeLessThan(Math.min(0.01, 4 * sd));

      const byOutput = (await (await call("GET", "/v1/stats?group_by=output", { token: t.key })).json()) as {
        groups: Array<{ key: string; count: number }>;
      };
      const deny = Math.ceil(N / 3);
      expect(Object.fromEntries(byOutput.groups.map((g) => [g.key, g.count]))).toEqual({
        '"deny"': deny,
        '"approve"': N - deny,
      });

      const byRisk = (await (
        await call("GET", "/v1/stats?group_by=risk_level", { token: t.key })
      ).json()) as {
        groups: Array<{ key: string; estimate: number; standard_error: number; exact: boolean }>;
        coverage: { estimable: number; lightweight: number };
      };
      expect(byRisk.coverage).toMatchObject({ estimable: N, lightweight: 0 });
      for (const [risk] of RISKS) {
        const g = byRisk.groups.find((x) => x.key === risk)!;
        const actual = truth.get(risk)!;
        expect(g.exact).toBe(false);
        if (risk === "high" || risk === "critical") {
          // Kept in full: weight 1, no sampling error.
          expect(g.estimate).toBe(actual);
          expect(g.standard_error).toBe(0);
        } else {
          expect(g.standard_error).toBeGreaterThan(0);
          expect(
            Math.abs(g.estimate - actual),
            `${risk}: estimate ${g.estimate} ± ${g.standard_error}, truth ${actual}, all ${JSON.stringify(byRisk.groups)} truth ${JSON.stringify([...truth])}`,
          ).toBeLessThanOrEqual(3 * g.standard_error);
        }
      }
      expect((await call("GET", "/v1/stats?group_by=nonsense", { token: t.key })).status).toBe(400);
    },
  );
});

describe("stats never see masked values", () => {
  it("groups output by the masked value, and an erased body leaves no derived copy", async () => {
    const t = await newTenant(undefined, {
      policy: {
        rules: [],
        default: { tier: "full" },
        mask: [
          { pointer: "/decision_logic/output/ssn_last4", action: "hash" },
          { pointer: "/decision_logic/output/applicant_dob", action: "remove" },
        ],
      },
    });
    const event = makeEvent({ tier: "full" });
    (event.decision_logic as Record<string, unknown>).output = {
      applicant_dob: "1987-03-14",
      decision: "approve",
      ssn_last4: "4821",
    };
    const { body } = await ingest(t.key, [event], "?wait=sealed");
    expect(body.accepted).toBe(1);
    const grouped = async () =>
      (
        (await (await call("GET", "/v1/stats?group_by=output", { token: t.key })).json()) as {
          groups: Array<{ key: string; count: number }>;
        }
      ).groups;
    const before = await grouped();
    expect(before).toHaveLength(1);
    expect(before[0]!.key).not.toContain("1987-03-14");
    expect(before[0]!.key).not.toContain("4821");
    expect(JSON.parse(before[0]!.key)).toEqual({
      decision: "approve",
      ssn_last4: expect.stringMatching(/^hmac-sha256:[0-9a-f]{64}$/),
    });

    const erased = await call("DELETE", `/v1/events/${body.results[0]!.id}/body`, {
      token: t.key,
      json: { reason: "subject request" },
    });
    expect(erased.status).toBe(200);
    const after = await grouped();
    expect(after).toEqual([{ key: "null", count: 1, exact: true }]);
    const everything = await runInDurableObject(env.LOG_SHARD.getByName(`${t.id}/0`), (_i, state) =>
      everythingStored(state.storage.sql),
    );
    expect(everything).not.toContain("approve");
    // Contract change (keyed commitments): the envelope, which erasure never changes, carries
    // the removed member's commitment (bound to its event); nothing else keyed survives, and
    // in particular not the body's keyed ssn_last4.
    const ssnKeyed = JSON.parse(before[0]!.key).ssn_last4 as string;
    expect(everything).not.toContain(ssnKeyed.slice("hmac-sha256:".length));
    const commitments = everything.match(/hmac-sha256:[0-9a-f]{64}/g) ?? [];
    expect(commitments).toHaveLength(1);
    expect(everything).toContain(`"removed":{"/decision_logic/output/applicant_dob":"${commitments[0]}"}`);
  });
});

describe("stats cost O(groups), not O(events)", () => {
  it(
    "answers a 60,000-event shard from aggregates: a bounded number of rows read, exact counts",
    { timeout: 180_000 },
    async () => {
      const t = await newTenant();
      const log = { tenant: t.id, shard: 0, origin: `edgelog.localhost/${t.id}/0` };
      const stub = env.LOG_SHARD.getByName(`${t.id}/0`);
      // 240 batches of 250, each sealed by size: no alarm needed.
      const settings = {
        batchMax: 250,
        batchMs: 250,
        retentionDays: 0,
        maxPending: 50_000,
        archiveKeepBatches: 0,
      };
      const policy = compilePolicy({ rules: [], default: { tier: "lightweight" } });
      const N = 60_000;
      const PER_REQUEST = 1000;
      const started = Date.now();
      for (let r = 0; r < N / PER_REQUEST; r++) {
        const prepared: PreparedEvent[] = [];
        for (let i = 0; i < PER_REQUEST; i++) {
          const n = r * PER_REQUEST + i;
          const value = makeEvent({ decisionId: `big-${n}`, output: n % 4 === 0 ? "deny" : "approve" });
          const p = await prepareItem(
            { index: i, value },
            {
              maxEventBytes: 65536,
              policy,
              maskSalt: new Uint8Array(32),
              producer: "stats-scale",
              maxFutureSkewMs: 300_000,
              now: started,
            },
          );
          if (!p.ok) throw new Error(JSON.stringify(p.errors));
          prepared.push(p.event);
        }
        const answer = await stub.append(log, settings, prepared, { waitSealed: r === N / PER_REQUEST - 1 });
        if (!Array.isArray(answer)) throw new Error("append refused");
      }
      const measured = await runInDurableObject(stub, async (instance: LogShard, state) => {
        const sql = state.storage.sql;
        const original = sql.exec.bind(sql);
        const cursors: SqlStorageCursor<Record<string, SqlStorageValue>>[] = [];
        (sql as { exec: typeof sql.exec }).exec = ((query: string, ...params: SqlStorageValue[]) => {
          const c = original(query, ...params);
          cursors.push(c);
          return c;
        }) as typeof sql.exec;
        const read = async (call: () => Promise<ShardStats>) => {
          cursors.length = 0;
          const stats = await call();
          const rows = cursors.reduce((n, c) => n + c.rowsRead, 0);
          return { stats, rows };
        };
        try {
          const whole = await read(() => instance.stats({}, { exact: "output" }));
          const byTier = await read(() => instance.stats({}, { exact: "tier" }));
          // A time range reads one stored aggregate per batch in it (and two edge batches).
          const ranged = await read(() => instance.stats({ since: 0 }, { exact: "output" }));
          return { whole, byTier, ranged };
        } finally {
          (sql as { exec: typeof sql.exec }).exec = original;
        }
      });
      expect(measured.whole.stats.events).toBe(N);
      expect(Object.fromEntries(measured.whole.stats.exact!.map((g) => [g.key, g.count]))).toEqual({
        '"deny"': N / 4,
        '"approve"': (3 * N) / 4,
      });
      expect(measured.byTier.stats.exact).toEqual([{ key: "lightweight", count: N }]);
      expect(measured.whole.rows, "rows read by a whole-log stats call").toBeLessThan(20);
      expect(measured.byTier.rows).toBeLessThan(20);
      expect(measured.ranged.stats.events).toBe(N);
      expect(measured.ranged.rows, "rows read by a time-range stats call").toBeLessThan(N / 50);
    },
  );
});

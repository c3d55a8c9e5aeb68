/**
 * Malformed input against the real server: thousands of generated bad requests (broken JSON,
 * wrong types, deep nesting, huge strings, bad gzip, gzip bombs, wrong content types, invalid
 * UTF-8, bad credentials, oversized batches, NDJSON with garbage lines, wrong methods and paths,
 * bad query parameters and ids, schema violations, bad admin bodies), 16 in flight. No answer
 * may be a 5xx; every 4xx must explain itself in the documented error shape; statuses must be
 * the documented ones; and the server must still work, with an intact log, afterwards.
 *
 * The seed is printed; `EDGELOG_RELIABILITY_SEED=<seed>` replays the same requests.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifierFromVkey } from "../../../src/core/note";
import { makeEvent } from "../../support/events";
import { DEV_ADMIN_TOKEN, devTenant, startDev, type DevServer } from "../support/wrangler-dev";
import { answerProblems } from "./support/answer-shape";
import { getText, isDevProxyDrop, isDevReload, mapLimit, type Caller } from "./support/caller";
import { auditLog, fetchVerifiedEvent, waitUntilSealed } from "./support/log-audit";
import { CATEGORIES, generateAll, type BadRequest, type MalformedContext } from "./support/malformed";
import { bySize, runSeed } from "./support/mode";
import { Prng } from "./support/prng";

const REQUESTS = bySize(1_000, 10_000);
const IN_FLIGHT = 16;

interface Outcome {
  request: BadRequest;
  status: number | null;
  problems: string[];
  ms: number;
}

/** Requests resent because the development proxy, not edgelog, failed them (see caller.ts). */
let devReloads = 0;
let devProxyDrops = 0;

async function send(url: string, r: BadRequest): Promise<Outcome> {
  const started = performance.now();
  let status: number;
  let text: string;
  for (let attempt = 1; ; attempt++) {
    const body = typeof r.body === "function" ? r.body() : r.body;
    try {
      const res = await fetch(`${url}${r.path}`, {
        method: r.method,
        headers: r.headers,
        body: body as RequestInit["body"],
        signal: AbortSignal.timeout(60_000),
        ...(typeof r.body === "function" ? { duplex: "half" } : {}),
      } as RequestInit);
      status = res.status;
      text = await res.text();
    } catch (err) {
      const reason = String((err as Error).cause ?? err);
      // The dev proxy may also hang up on a streamed body it is still sending (see isDevProxyDrop).
      if (typeof r.body === "function" && /other side closed/.test(reason) && attempt < 4) {
        devProxyDrops++;
        continue;
      }
      return {
        request: r,
        status: null,
        problems: [`no answer: ${reason}`],
        ms: performance.now() - started,
      };
    }
    if (attempt === 4) break;
    if (isDevReload(status, text)) devReloads++;
    // Under load the dev proxy also loses its connection to the worker now and then on a request
    // sent whole; the answer then comes from the proxy, never from edgelog: send it again.
    else if (isDevProxyDrop(status, text)) devProxyDrops++;
    else break;
  }
  const problems = answerProblems(status, text, {
    ingest: r.method === "POST" && r.path.startsWith("/v1/events"),
    head: r.method === "HEAD",
    api: r.path.startsWith("/v1/") || r.path === "/v1",
  });
  if (r.allowed && !r.allowed.includes(status))
    problems.push(`status ${status}, the contract allows ${r.allowed.join(" or ")}: ${text.slice(0, 200)}`);
  return { request: r, status, problems, ms: performance.now() - started };
}

async function adminPost(url: string, path: string, json: unknown): Promise<Response> {
  return fetch(`${url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${DEV_ADMIN_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify(json),
  });
}

describe("malformed input (wrangler dev)", () => {
  let dev: DevServer;
  let ctx: MalformedContext;
  let caller: Caller;

  beforeAll(async () => {
    dev = await startDev();
    const { tenant, key } = await devTenant(dev.url, "bad-input");
    caller = { url: dev.url, key };
    const readKey = (
      (await (await adminPost(dev.url, `/v1/admin/tenants/${tenant}/keys`, { scopes: ["read"] })).json()) as {
        key: string;
      }
    ).key;
    const revoked = (await (
      await adminPost(dev.url, `/v1/admin/tenants/${tenant}/keys`, { scopes: ["ingest", "read", "admin"] })
    ).json()) as { id: string; key: string };
    const del = await fetch(`${dev.url}/v1/admin/keys/${revoked.id}`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${DEV_ADMIN_TOKEN}` },
    });
    expect(del.status).toBe(200);
    const first = await fetch(`${dev.url}/v1/events?wait=sealed`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify(makeEvent({ decisionId: "bad-input-first" })),
    });
    const firstText = await first.text();
    expect(first.status, `${firstText}\n${dev.output().slice(-2000)}`).toBe(200);
    const existingId = (JSON.parse(firstText) as { results: Array<{ id: string }> }).results[0]!.id;
    ctx = { key, revokedKey: revoked.key, readKey, adminToken: DEV_ADMIN_TOKEN, tenant, existingId };
  });

  afterAll(async () => {
    await dev?.stop();
  });

  it(
    `answers ${REQUESTS} malformed requests without a 5xx, each in the documented shape`,
    { timeout: bySize(100_000, 1_200_000) },
    async () => {
      const seed = runSeed();
      console.log(
        `bad-input seed ${seed} (replay: EDGELOG_RELIABILITY_SEED=${seed}); ${REQUESTS} requests, ${IN_FLIGHT} in flight`,
      );
      const requests = generateAll(new Prng(seed), ctx, REQUESTS);
      const started = Date.now();
      const outcomes = await mapLimit(requests, IN_FLIGHT, (r) => send(dev.url, r));
      const elapsed = Date.now() - started;

      const table: Record<string, Record<string, number>> = {};
      for (const o of outcomes) {
        const row = (table[o.request.category] ??= { requests: 0, "mean ms": 0 });
        row["mean ms"] = Math.round((row["mean ms"]! * row.requests! + o.ms) / (row.requests! + 1));
        row.requests = row.requests! + 1;
        const k = o.status === null ? "no answer" : String(o.status);
        row[k] = (row[k] ?? 0) + 1;
      }
      console.log(
        `bad-input: ${outcomes.length} requests in ${elapsed} ms (resent: ${devReloads} after a wrangler dev reload, ${devProxyDrops} the dev proxy dropped)`,
      );
      console.table(table);

      const failures = outcomes.filter((o) => o.problems.length > 0);
      // Group by what went wrong so one bug does not print a thousand times.
      const grouped = new Map<string, { count: number; example: string }>();
      for (const f of failures) {
        const key = `${f.request.category} / ${f.request.label}`;
        const g = grouped.get(key) ?? {
          count: 0,
          example: `${f.request.method} ${f.request.path.slice(0, 120)}: ${f.problems.join("; ")}`,
        };
        g.count++;
        grouped.set(key, g);
      }
      const report = [...grouped].map(([k, g]) => `${k} (×${g.count}) — ${g.example}`);
      // Resending hides a dropped connection only while drops are rare: a worker that fails
      // requests itself would show up here.
      expect(devProxyDrops, "requests the dev proxy dropped").toBeLessThanOrEqual(REQUESTS / 50);
      expect(
        report,
        `requests that broke the contract (seed ${seed}); server log tail:\n${dev.output().slice(-3000)}`,
      ).toEqual([]);
      expect(Object.keys(table).sort()).toEqual(CATEGORIES.map(([name]) => name).sort());
      expect(dev.output()).not.toMatch(/unhandled error/);
    },
  );

  it("still ingests and serves a valid event afterwards, with the log intact", async () => {
    const event = makeEvent({ decisionId: "bad-input-after", tier: "full", risk: "high" });
    const res = await fetch(`${caller.url}/v1/events?wait=sealed`, {
      method: "POST",
      headers: { authorization: `Bearer ${caller.key}`, "content-type": "application/json" },
      body: JSON.stringify(event),
    });
    expect(res.status).toBe(200);
    const id = ((await res.json()) as { results: Array<{ id: string; status: string }> }).results[0]!.id;
    const vkey = await getText(caller, "/v1/logs/0/key");
    expect(vkey.status).toBe(200);
    const verifier = await verifierFromVkey(vkey.body.trim());
    const { doc } = await fetchVerifiedEvent(caller, id, verifier, 5_000);
    expect(doc.event).toEqual(event);
    await waitUntilSealed(caller, 10_000);
    const snap = await auditLog(caller, verifier);
    expect(snap.seqOf.get(id)).toBe(doc.envelope.seq);
  });
});

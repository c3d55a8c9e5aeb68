import { describe, expect, it } from "vitest";
import { call, DECLARED_TIERS, ingest, newTenant } from "../support/api";
import { makeEvent, makeEvents } from "../support/events";
import { shardOf } from "../../src/worker/routing";

interface Page {
  items: Array<{ envelope: { id: string; tier: string; received_at: string } }>;
  next_cursor: string | null;
}

async function pageOf(key: string, query: string): Promise<Page> {
  const res = await call("GET", `/v1/events?${query}`, { token: key });
  expect(res.status).toBe(200);
  return (await res.json()) as Page;
}

describe("GET /v1/events (query)", () => {
  it("pages across shards returning each event exactly once while ingest continues", async () => {
    const t = await newTenant();
    await call("PUT", `/v1/admin/tenants/${t.id}/shards`, { token: t.key, json: { shards: 3 } });
    const stored = new Set<string>();
    const first = await ingest(t.key, makeEvents(90));
    first.body.results.forEach((r) => stored.add(r.id!));
    const seen: string[] = [];
    let cursor: string | null = null;
    let round = 0;
    do {
      const page: Page = await pageOf(t.key, `limit=17${cursor ? `&cursor=${cursor}` : ""}`);
      seen.push(...page.items.map((i) => i.envelope.id));
      cursor = page.next_cursor;
      if (round++ < 4) {
        const more = await ingest(t.key, makeEvents(10));
        more.body.results.forEach((r) => stored.add(r.id!));
      }
    } while (cursor !== null);
    expect(new Set(seen).size).toBe(seen.length);
    expect(new Set(seen)).toEqual(stored);
  });

  it("finds events ingested into a shard that an earlier page found caught up", async () => {
    const t = await newTenant();
    await call("PUT", `/v1/admin/tenants/${t.id}/shards`, { token: t.key, json: { shards: 2 } });
    const inShard = (shard: number, n: number) => {
      const events: Record<string, unknown>[] = [];
      for (let i = 0; events.length < n; i++) {
        const id = `caught-up-${shard}-${i}-${Math.random().toString(36).slice(2, 8)}`;
        if (shardOf(id, 2) === shard) events.push(makeEvent({ decisionId: id }));
      }
      return events;
    };
    const stored = new Set<string>();
    const remember = (r: Awaited<ReturnType<typeof ingest>>) =>
      r.body.results.forEach((x) => stored.add(x.id!));
    remember(await ingest(t.key, inShard(0, 12)));
    // Shard 1 holds nothing yet: the first page finds it caught up while shard 0 has more.
    const first = await pageOf(t.key, "limit=5");
    expect(first.next_cursor).not.toBeNull();
    remember(await ingest(t.key, inShard(1, 7)));
    const seen = first.items.map((i) => i.envelope.id);
    let cursor = first.next_cursor;
    while (cursor !== null) {
      const page = await pageOf(t.key, `limit=5&cursor=${cursor}`);
      seen.push(...page.items.map((i) => i.envelope.id));
      cursor = page.next_cursor;
    }
    expect(seen).toHaveLength(19);
    expect(new Set(seen)).toEqual(stored);
  });

  it("filters by decision_id, tier and time, and rejects bad parameters", async () => {
    const t = await newTenant(undefined, { policy: DECLARED_TIERS });
    await ingest(t.key, [
      makeEvent({ decisionId: "loan-1", sequenceNumber: 0 }),
      makeEvent({ decisionId: "loan-1", sequenceNumber: 1 }),
    ]);
    const middle = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 5));
    await ingest(t.key, [
      makeEvent({ decisionId: "loan-2", tier: "full", risk: "high" }),
      makeEvent({ decisionId: "loan-3" }),
    ]);
    expect((await pageOf(t.key, "decision_id=loan-1")).items).toHaveLength(2);
    const full = await pageOf(t.key, "tier=full");
    expect(full.items.map((i) => i.envelope.tier)).toEqual(["full"]);
    const after = await pageOf(t.key, `since=${encodeURIComponent(middle)}`);
    expect(after.items).toHaveLength(2);
    const before = await pageOf(t.key, `until=${encodeURIComponent(middle)}`);
    expect(before.items).toHaveLength(2);
    for (const bad of ["tier=gold", "limit=0", "limit=1001", "since=yesterday", "cursor=bm9wZQ"]) {
      const res = await call("GET", `/v1/events?${bad}`, { token: t.key });
      expect(res.status, bad).toBe(400);
    }
    const c = (await pageOf(t.key, "limit=1")).next_cursor!;
    expect((await call("GET", `/v1/events?tier=full&cursor=${c}`, { token: t.key })).status).toBe(400);
  });

  it("exports a time range as streamed NDJSON with the retained bodies", async () => {
    const t = await newTenant();
    const sent = makeEvents(25);
    await ingest(t.key, sent);
    const res = await call("GET", "/v1/events", {
      token: t.key,
      headers: { accept: "application/x-ndjson" },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/x-ndjson");
    const lines = (await res.text())
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { envelope: { seq: number }; event: unknown });
    expect(lines).toHaveLength(25);
    expect(lines.map((l) => l.event)).toEqual(sent);
  });
});

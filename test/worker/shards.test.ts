import { describe, expect, it } from "vitest";
import { ADMIN_TOKEN, call, ingest, newTenant } from "../support/api";
import { makeEvent } from "../support/events";
import { verifyEventProof, type EventProofDocument } from "../../src/core/event-proof";
import { verifierFromVkey } from "../../src/core/note";
import { shardOf } from "../../src/worker/routing";

describe("sharded logs", () => {
  it("spreads events over shards by decision_id, each shard a log with its own proofs", async () => {
    const t = await newTenant();
    const put = await call("PUT", `/v1/admin/tenants/${t.id}/shards`, { token: t.key, json: { shards: 4 } });
    expect(put.status).toBe(200);
    const events = Array.from({ length: 80 }, (_, i) =>
      makeEvent({ decisionId: `loan-${i % 40}`, sequenceNumber: Math.floor(i / 40) }),
    );
    const { status, body } = await ingest(t.key, events, "?wait=sealed");
    expect(status).toBe(200);
    const used = new Set<string>();
    for (const [i, r] of body.results.entries()) {
      const decision = `loan-${i % 40}`;
      expect(r.log).toBe(`edgelog.localhost/${t.id}/${shardOf(decision, 4)}`);
      used.add(r.log!);
    }
    expect(used.size).toBe(4);
    // Both events of one decision share a log.
    expect(body.results[3]!.log).toBe(body.results[43]!.log);
    const logs = (await (await call("GET", "/v1/logs", { token: t.key })).json()) as Array<{
      log: string;
      events: number;
      size: number;
    }>;
    expect(logs.map((l) => l.log)).toEqual(["0", "1", "2", "3"]);
    expect(logs.reduce((n, l) => n + l.events, 0)).toBe(80);
    for (const r of body.results.filter((_, i) => i % 9 === 0)) {
      const shard = r.log!.split("/").pop()!;
      const vkey = (await (await call("GET", `/v1/logs/${shard}/key`, { token: t.key })).text()).trim();
      const doc = (await (
        await call("GET", `/v1/events/${r.id}`, { token: t.key })
      ).json()) as EventProofDocument;
      await verifyEventProof(doc, await verifierFromVkey(vkey));
    }
  });

  it("keeps finding old events after the shard count changes, and answers their resends as duplicates", async () => {
    const t = await newTenant();
    const before = Array.from({ length: 20 }, (_, i) => makeEvent({ decisionId: `case-${i}` }));
    const first = await ingest(t.key, before, "?wait=sealed");
    expect(first.body.results.every((r) => r.log!.endsWith("/0"))).toBe(true);
    expect(
      (await call("PUT", `/v1/admin/tenants/${t.id}/shards`, { token: t.key, json: { shards: 3 } })).status,
    ).toBe(200);
    for (const r of first.body.results)
      expect((await call("GET", `/v1/events/${r.id}`, { token: t.key })).status).toBe(200);
    const again = await ingest(t.key, before);
    expect(again.body.duplicates).toBe(20);
    expect(again.body.results.map((r) => r.seq)).toEqual(first.body.results.map((r) => r.seq));
    const tenant = (await (await call("GET", `/v1/admin/tenants/${t.id}`, { token: t.key })).json()) as {
      routing: Array<{ shards: number }>;
    };
    expect(tenant.routing.map((r) => r.shards)).toEqual([1, 3]);
  });

  it("creates a tenant with its shard count in one routing generation", async () => {
    const res = await call("POST", "/v1/admin/tenants", {
      token: ADMIN_TOKEN,
      json: { name: `four-${Date.now()}`, shards: 4 },
    });
    expect(res.status).toBe(201);
    const created = (await res.json()) as { id: string; shards: number };
    expect(created.shards).toBe(4);
    const tenant = (await (
      await call("GET", `/v1/admin/tenants/${created.id}`, { token: ADMIN_TOKEN })
    ).json()) as { routing: unknown[] };
    expect(tenant.routing).toHaveLength(1);
    expect(
      (await call("POST", "/v1/admin/tenants", { token: ADMIN_TOKEN, json: { name: "x-bad", shards: 65 } }))
        .status,
    ).toBe(422);
  });

  it("refuses a bad shard count", async () => {
    const t = await newTenant();
    for (const shards of [0, 65, 1.5, "2"]) {
      expect(
        (await call("PUT", `/v1/admin/tenants/${t.id}/shards`, { token: t.key, json: { shards } })).status,
      ).toBe(422);
    }
  });
});

import {
  createExecutionContext,
  createScheduledController,
  env,
  waitOnExecutionContext,
} from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../src/worker/index";
import { call, ingest, newTenant } from "../support/api";
import { makeEvent } from "../support/events";
import { verifyTenantHead, type TenantHeadDocument } from "../../src/core/tenant-head";
import { verifierFromVkey } from "../../src/core/note";
import { VerificationError } from "../../src/core/errors";

async function text(path: string, key: string): Promise<string> {
  return (await (await call("GET", path, { token: key })).text()).trim();
}

describe("tenant head", () => {
  it("one signature covers every shard's latest checkpoint", async () => {
    const t = await newTenant();
    await call("PUT", `/v1/admin/tenants/${t.id}/shards`, { token: t.key, json: { shards: 3 } });
    await ingest(
      t.key,
      Array.from({ length: 30 }, (_, i) => makeEvent({ decisionId: `h-${i}` })),
      "?wait=sealed",
    );
    const res = await call("GET", "/v1/head", { token: t.key });
    expect(res.status).toBe(200);
    const doc = (await res.json()) as TenantHeadDocument;
    expect(doc.shards.map((s) => s.log)).toEqual(["0", "1", "2"]);
    const headVerifier = await verifierFromVkey(await text("/v1/head/key", t.key));
    const shardVerifiers = await Promise.all(
      doc.shards.map(async (s) => verifierFromVkey(await text(`/v1/logs/${s.log}/key`, t.key))),
    );
    const verdict = await verifyTenantHead(doc, headVerifier, shardVerifiers);
    expect(verdict.size).toBe(3);
    expect(Date.parse(verdict.time!)).toBeGreaterThan(0);

    const forged = structuredClone(doc);
    forged.shards[1]!.size += 1;
    await expect(verifyTenantHead(forged, headVerifier, shardVerifiers)).rejects.toThrow(VerificationError);
    const swapped = structuredClone(doc);
    swapped.shards[0]!.checkpoint = doc.shards[2]!.checkpoint;
    await expect(verifyTenantHead(swapped, headVerifier, shardVerifiers)).rejects.toThrow(/shard 0/);
  });

  it("the cron re-signs heads so they follow new batches", async () => {
    const t = await newTenant();
    await ingest(t.key, [makeEvent()], "?wait=sealed");
    const before = (await (await call("GET", "/v1/head", { token: t.key })).json()) as TenantHeadDocument;
    expect(before.shards[0]!.size).toBe(1);
    await ingest(t.key, [makeEvent()], "?wait=sealed");
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron: "* * * * *" }), env, ctx);
    await waitOnExecutionContext(ctx);
    const after = (await (await call("GET", "/v1/head", { token: t.key })).json()) as TenantHeadDocument;
    expect(after.shards[0]!.size).toBe(2);
    await verifyTenantHead(after, await verifierFromVkey(await text("/v1/head/key", t.key)));
  });
});

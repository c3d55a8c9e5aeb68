import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, ingest, newKey, newTenant } from "../support/api";
import { makeEvents } from "../support/events";
import { verifyEventProof, type EventProofDocument } from "../../src/core/event-proof";
import { verifierFromVkey } from "../../src/core/note";
import type { LogShard } from "../../src/shard/log-shard";

async function doc(key: string, id: string) {
  return (await (await call("GET", `/v1/events/${id}`, { token: key })).json()) as EventProofDocument & {
    event: unknown;
    erased?: { at: string; reason: string };
  };
}

describe("erasure and retention keep proofs valid", () => {
  it("DELETE /v1/events/{id}/body removes the body, says when and why, and the proof still verifies", async () => {
    const t = await newTenant();
    const { body } = await ingest(t.key, makeEvents(4), "?wait=sealed");
    const id = body.results[1]!.id!;
    const res = await call("DELETE", `/v1/events/${id}/body`, {
      token: t.key,
      json: { reason: "GDPR art. 17 request #123" },
    });
    expect(res.status).toBe(200);
    const got = await doc(t.key, id);
    expect(got.event).toBeNull();
    expect(got.erased).toMatchObject({ reason: "GDPR art. 17 request #123" });
    expect(Date.parse(got.erased!.at)).toBeGreaterThan(0);
    const vkey = (await (await call("GET", "/v1/logs/0/key", { token: t.key })).text()).trim();
    await verifyEventProof(got, await verifierFromVkey(vkey));
    // Twice is a conflict, not a silent success; other tenants and read-only keys cannot erase.
    expect((await call("DELETE", `/v1/events/${id}/body`, { token: t.key })).status).toBe(409);
    const reader = await newKey(t.id, ["read"]);
    expect(
      (await call("DELETE", `/v1/events/${body.results[2]!.id}/body`, { token: reader.key })).status,
    ).toBe(403);
    const other = await newTenant();
    expect(
      (await call("DELETE", `/v1/events/${body.results[2]!.id}/body`, { token: other.key })).status,
    ).toBe(404);
  });

  it("a retention sweep drops old bodies, keeps envelopes, and proofs verify", async () => {
    const t = await newTenant();
    const { body } = await ingest(t.key, makeEvents(6), "?wait=sealed");
    const stub = env.LOG_SHARD.getByName(`${t.id}/0`);
    const upto = await runInDurableObject(stub, async (instance: LogShard) => {
      (instance as unknown as { settings: { retentionDays: number } }).settings.retentionDays = 30;
      // Nothing is 30 days old yet...
      if ((await instance.sweepRetention(new Date())) !== 0) throw new Error("swept too early");
      // ...but 31 days from now everything sealed so far is.
      return instance.sweepRetention(new Date(Date.now() + 31 * 86_400_000));
    });
    expect(upto).toBe(6);
    const vkey = (await (await call("GET", "/v1/logs/0/key", { token: t.key })).text()).trim();
    const verifier = await verifierFromVkey(vkey);
    for (const r of body.results) {
      const got = await doc(t.key, r.id!);
      expect(got.event).toBeNull();
      expect(got.erased?.reason).toBe("retention: bodies are kept 30 days");
      await verifyEventProof(got, verifier);
    }
  });
});

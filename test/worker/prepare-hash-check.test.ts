/**
 * prepareItem's DES current_hash check takes three routes to the same input: the member cut out
 * of the canonical bytes in place (ASCII events), cut out of the canonical text (events with
 * other characters), and the event canonicalized without the member (when the member's text
 * occurs twice). Each must agree with des-chain's checkChain, which canonicalizes the event
 * without the member and hashes it with another SHA-256 implementation.
 */
import { describe, expect, it } from "vitest";
import { checkChain, desCurrentHash } from "../../src/core/des-chain";
import { DEFAULT_COMPILED_POLICY } from "../../src/core/policy";
import { DEFAULTS } from "../../src/worker/config";
import { prepareItem, type PrepareContext } from "../../src/worker/ingest/prepare";
import { fullEvent, lightweightEvent, type JsonObject } from "../fixtures/des-valid-event";

const ctx: PrepareContext = {
  maxEventBytes: DEFAULTS.maxEventBytes,
  policy: DEFAULT_COMPILED_POLICY,
  maskSalt: new Uint8Array(32),
  producer: "key:test",
  maxFutureSkewMs: DEFAULTS.maxFutureSkewMs,
  now: Date.parse("2026-03-01T10:00:00Z"),
};

type Chain = { current_hash: string; algorithm: string; previous_hash?: string | null; [k: string]: unknown };
const chainOf = (e: JsonObject) => (e["temporal_metadata"] as { hash_chain: Chain }).hash_chain;

async function verdict(event: JsonObject): Promise<string> {
  const prepared = await prepareItem({ index: 0, value: JSON.parse(JSON.stringify(event)) }, ctx);
  if (!prepared.ok) throw new Error(JSON.stringify(prepared.errors));
  return prepared.event.chain.verdict;
}

/** Variants of one event that send the check down each route. */
function variants(): Array<[string, JsonObject]> {
  const ascii = fullEvent();
  const unicode = lightweightEvent();
  (unicode["decision_context"] as JsonObject)["decision_type"] = "crédit 😀 \u2028";
  const twice = fullEvent();
  const first = lightweightEvent();
  // current_hash sorts first once "algorithm" is gone and a later name is added.
  chainOf(first)["algorithm"] = "sha256";
  chainOf(first)["zeta"] = "x";
  const alone = lightweightEvent();
  return [
    ["ascii", ascii],
    ["unicode", unicode],
    ["twice", twice],
    ["extension members", first],
    ["alone", alone],
  ].map(([name, e]) => {
    const event = e as JsonObject;
    chainOf(event)["current_hash"] = desCurrentHash(event);
    // The same member and value elsewhere: the cut declines and the long route is taken.
    if (name === "twice") event["copy"] = { current_hash: chainOf(event).current_hash };
    return [name as string, event];
  });
}

describe("prepareItem's current_hash check", () => {
  it("says ok for the right hash on every route, and mismatch for a wrong one", async () => {
    for (const [name, event] of variants()) {
      const hash = chainOf(event).current_hash;
      // The copy is covered by the hash, so with it the stated hash cannot be right: mismatch.
      expect(await verdict(event), name).toBe(name === "twice" ? "mismatch" : "ok");
      expect(await verdict(event), name).toBe(checkChain(event, null));
      // Upper case and a sha256: prefix spell the same digest.
      chainOf(event).current_hash = `sha256:${hash.toUpperCase()}`;
      expect(await verdict(event), name).toBe(checkChain(event, null));
      chainOf(event).current_hash = hash.replace(/^./, (c) => (c === "0" ? "1" : "0"));
      expect(await verdict(event), name).toBe("mismatch");
    }
  });

  it("takes the long route when the member text occurs twice, and agrees with checkChain", async () => {
    const event = fullEvent();
    event["copy"] = { current_hash: "h" };
    chainOf(event).current_hash = desCurrentHash(event);
    // Once: the cut route, and the hash is right.
    expect(await verdict(event)).toBe("ok");
    // The copy now repeats the member (and, being covered by the hash, makes it wrong).
    (event["copy"] as JsonObject)["current_hash"] = chainOf(event).current_hash;
    expect(checkChain(event, null)).toBe("mismatch");
    expect(await verdict(event)).toBe("mismatch");
  });

  it("covers every member but current_hash: a change anywhere else is a mismatch", async () => {
    for (const [name, event] of variants()) {
      (event["decision_context"] as JsonObject)["decision_id"] = "changed after hashing";
      expect(await verdict(event), name).toBe("mismatch");
    }
  });

  it("keeps events apart: many events prepared together each get their own verdict", async () => {
    const events = variants()
      .filter(([name]) => name !== "twice")
      .map(([, e]) => e);
    const wrong = lightweightEvent();
    chainOf(wrong).current_hash = "00".repeat(32);
    const all = [...events, wrong, ...events];
    const prepared = await Promise.all(
      all.map((e, index) => prepareItem({ index, value: JSON.parse(JSON.stringify(e)) }, ctx)),
    );
    expect(prepared.map((p) => (p.ok ? p.event.chain.verdict : "refused"))).toEqual([
      ...events.map(() => "ok"),
      "mismatch",
      ...events.map(() => "ok"),
    ]);
  });
});

import { describe, expect, it } from "vitest";
import { canonicalJson } from "../../src/core/canonical";
import { sha256Hex } from "../../src/core/digest";
import { utf8 } from "../../src/core/bytes";
import {
  checkChain,
  desCurrentHash,
  isSha256Algorithm,
  normalizeHashText,
  sequenceGap,
} from "../../src/core/des-chain";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Event = { [key: string]: Json } & {
  temporal_metadata: { [key: string]: Json } & { hash_chain: { [key: string]: Json } };
};

function unsealed(seq: number, previous: string | null, output: Json = "approve"): Event {
  return {
    schema_version: "0.3.0",
    decision_context: { decision_id: `loan-${seq}`, decision_type: "credit_approval" },
    decision_logic: { logic_type: "rule_based", output },
    human_override_record: { override_occurred: false },
    temporal_metadata: {
      event_timestamp: "2026-03-01T09:30:00Z",
      sequence_number: seq,
      hash_chain: { previous_hash: previous, current_hash: "", algorithm: "SHA-256" },
      evidence_tier: "lightweight",
    },
  };
}

/** The same JSON data with every object's members in reverse order. */
function reverseMembers(value: Json): Json {
  if (Array.isArray(value)) return value.map(reverseMembers);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([k, v]) => [k, reverseMembers(v)]),
  );
}

/** What a producer does: hash the event without current_hash, then fill it in. */
function seal(event: Event): Event {
  event.temporal_metadata.hash_chain["current_hash"] = desCurrentHash(event);
  return event;
}

describe("desCurrentHash", () => {
  it("is SHA-256 of the canonical event with current_hash removed", async () => {
    const event = unsealed(0, null);
    event.temporal_metadata.hash_chain["current_hash"] = "whatever";
    const { current_hash: _, ...chain } = event.temporal_metadata.hash_chain;
    const withoutHash = { ...event, temporal_metadata: { ...event.temporal_metadata, hash_chain: chain } };
    // Independent path: WebCrypto digest of the canonical form built by hand.
    const expected = await sha256Hex(utf8(canonicalJson(withoutHash)));
    expect(desCurrentHash(event)).toBe(expected);
    expect(desCurrentHash(event)).toMatch(/^[0-9a-f]{64}$/);
  });

  it("ignores current_hash and covers every other member", () => {
    const a = unsealed(0, null);
    const b = unsealed(0, null);
    b.temporal_metadata.hash_chain["current_hash"] = "something else";
    expect(desCurrentHash(a)).toBe(desCurrentHash(b));
    for (const change of [
      (e: Event) => (e.temporal_metadata.hash_chain["previous_hash"] = "00"),
      (e: Event) => (e.temporal_metadata.hash_chain["algorithm"] = "sha256"),
      (e: Event) => (e.temporal_metadata["sequence_number"] = 1),
      (e: Event) => (e["decision_logic"] = { logic_type: "rule_based", output: "deny" }),
      (e: Event) => (e["x_extension"] = true),
    ]) {
      const changed = unsealed(0, null);
      change(changed);
      expect(desCurrentHash(changed)).not.toBe(desCurrentHash(a));
    }
  });

  it("does not depend on member order or modify the event", () => {
    const event = unsealed(3, "ab");
    const before = JSON.stringify(event);
    const reordered = reverseMembers(event) as Event;
    expect(JSON.stringify(reordered)).not.toBe(before);
    expect(desCurrentHash(reordered)).toBe(desCurrentHash(event));
    expect(JSON.stringify(event)).toBe(before);
  });
});

describe("checkChain", () => {
  it("accepts a sealed event, with or without a known predecessor", () => {
    const first = seal(unsealed(0, null));
    expect(checkChain(first, undefined)).toBe("ok");
    expect(checkChain(first, null)).toBe("ok");
  });

  it("follows a producer's chain event by event", () => {
    let last: string | null = null;
    for (let seq = 0; seq < 5; seq++) {
      const event = seal(unsealed(seq, last));
      expect(checkChain(event, last)).toBe("ok");
      last = event.temporal_metadata.hash_chain["current_hash"] as string;
    }
  });

  it("accepts the hash in upper case or with a sha256: prefix", () => {
    const event = seal(unsealed(0, null));
    const hex = event.temporal_metadata.hash_chain["current_hash"] as string;
    for (const written of [hex.toUpperCase(), `sha256:${hex}`, `SHA256:${hex.toUpperCase()}`]) {
      event.temporal_metadata.hash_chain["current_hash"] = written;
      expect(checkChain(event, null), written).toBe("ok");
    }
  });

  it.each(["SHA-256", "sha-256", "SHA256", "sha256", "Sha-256"])("verifies algorithm %s", (algorithm) => {
    const event = unsealed(0, null);
    event.temporal_metadata.hash_chain["algorithm"] = algorithm;
    seal(event);
    expect(checkChain(event, null)).toBe("ok");
    event.temporal_metadata.hash_chain["current_hash"] = "0".repeat(64);
    expect(checkChain(event, null)).toBe("mismatch");
  });

  it.each(["none", "SHA-512", "SHA3-256", "sha_256", "sha-256 ", "blake3"])(
    "leaves algorithm %j unverified",
    (algorithm) => {
      const event = unsealed(0, null);
      event.temporal_metadata.hash_chain["algorithm"] = algorithm;
      event.temporal_metadata.hash_chain["current_hash"] = "post-hoc-reconstruction";
      expect(checkChain(event, "anything")).toBe("unverified");
    },
  );

  it("reports a changed event as a mismatch", () => {
    const event = seal(unsealed(0, null));
    (event["decision_logic"] as { [key: string]: Json })["output"] = "deny";
    expect(checkChain(event, null)).toBe("mismatch");
  });

  it("reports a hash that is not hex, or a truncated one, as a mismatch", () => {
    const event = seal(unsealed(0, null));
    const hex = event.temporal_metadata.hash_chain["current_hash"] as string;
    for (const written of [hex.slice(0, 63), `sha512:${hex}`, `${hex} `, ""]) {
      event.temporal_metadata.hash_chain["current_hash"] = written;
      expect(checkChain(event, null), JSON.stringify(written)).toBe("mismatch");
    }
  });

  it("reports a previous_hash that is not the last current_hash as a broken link", () => {
    const first = seal(unsealed(0, null));
    const firstHash = first.temporal_metadata.hash_chain["current_hash"] as string;
    const skipped = seal(unsealed(1, "f".repeat(64)));
    expect(checkChain(skipped, firstHash)).toBe("broken-link");
    const restarted = seal(unsealed(1, null));
    expect(checkChain(restarted, firstHash)).toBe("broken-link");
    const missing = unsealed(1, null);
    delete missing.temporal_metadata.hash_chain["previous_hash"];
    expect(checkChain(seal(missing), firstHash)).toBe("broken-link");
  });

  it("compares links in either spelling", () => {
    const first = seal(unsealed(0, null));
    const firstHash = first.temporal_metadata.hash_chain["current_hash"] as string;
    const second = seal(unsealed(1, `SHA256:${firstHash.toUpperCase()}`));
    expect(checkChain(second, firstHash)).toBe("ok");
    expect(checkChain(second, `sha256:${firstHash}`)).toBe("ok");
  });

  it("reports a mismatch before a broken link", () => {
    const event = seal(unsealed(1, "00"));
    event.temporal_metadata["sequence_number"] = 2;
    expect(checkChain(event, "11")).toBe("mismatch");
  });

  it("returns unverified without a hash_chain", () => {
    expect(checkChain({ temporal_metadata: {} }, null)).toBe("unverified");
    expect(checkChain("not an event", null)).toBe("unverified");
  });
});

describe("helpers", () => {
  it("names SHA-256 in its usual spellings only", () => {
    expect(["SHA-256", "sha256", "Sha256"].every(isSha256Algorithm)).toBe(true);
    expect([null, 256, "SHA-2", "SHA-256/2", "sha-224"].some(isSha256Algorithm)).toBe(false);
  });

  it("normalizes hash text", () => {
    expect(normalizeHashText("SHA256:ABCDEF")).toBe("abcdef");
    expect(normalizeHashText("AbC")).toBe("abc");
    expect(normalizeHashText("md5:abc")).toBe("md5:abc");
  });
});

describe("sequenceGap", () => {
  it.each([
    [undefined, 0, { kind: "first" }],
    [undefined, 17, { kind: "first" }],
    [4, 5, { kind: "next" }],
    [0, 1, { kind: "next" }],
    [4, 6, { kind: "gap", missing: 1 }],
    [4, 100, { kind: "gap", missing: 95 }],
    [4, 4, { kind: "repeat" }],
    [4, 3, { kind: "regress" }],
    [4, 0, { kind: "regress" }],
    [2 ** 40, 2 ** 40 + 3, { kind: "gap", missing: 2 }],
  ])("last %s, then %s → %j", (last, seq, expected) => {
    expect(sequenceGap(last, seq)).toEqual(expected);
  });
});

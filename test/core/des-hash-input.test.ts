import { describe, expect, it } from "vitest";
import { canonicalJson } from "../../src/core/canonical";
import { desHashInput, desHashInputFromCanonical } from "../../src/core/des-chain";
import { prng } from "../support/prng";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

// Names and values chosen to sit around "current_hash" in sort order, to repeat it elsewhere and
// to need escaping.
const NAMES = ["algorithm", "aaa", "current_hash", "current_hash2", "current", "zz", "é", "\u007f", 'b"q'];
const VALUES: Json[] = [
  "abc",
  "",
  'a"b',
  "\u2028",
  "ü",
  1,
  0.5,
  null,
  true,
  ["current_hash"],
  { current_hash: "abc" },
];

function pick<T>(rand: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rand() * xs.length)]!;
}

function randomObject(rand: () => number, depth: number): { [key: string]: Json } {
  const out: { [key: string]: Json } = {};
  const n = Math.floor(rand() * 4);
  for (let i = 0; i < n; i++) {
    out[pick(rand, NAMES)] = depth > 0 && rand() < 0.3 ? randomObject(rand, depth - 1) : pick(rand, VALUES);
  }
  return out;
}

/** An event-like value whose hash_chain holds current_hash among random other members. */
function randomEvent(rand: () => number): { stated: string; event: { [key: string]: Json } } {
  const stated = pick(rand, ["abc", "", 'a"b', "ü\u2028", "x".repeat(64)]);
  const chain = randomObject(rand, 1);
  chain["current_hash"] = stated;
  if (rand() < 0.3) delete chain["algorithm"];
  const event: { [key: string]: Json } = {
    ...randomObject(rand, 2),
    temporal_metadata: { ...randomObject(rand, 1), hash_chain: chain },
  };
  return { stated, event };
}

describe("desHashInputFromCanonical", () => {
  it("cuts out exactly what canonicalizing the event without current_hash gives", () => {
    let cut = 0;
    let declined = 0;
    for (let seed = 1; seed <= 3000; seed++) {
      const rand = prng(seed);
      const { stated, event } = randomEvent(rand);
      const found = desHashInputFromCanonical(canonicalJson(event), stated);
      if (found === null) {
        declined++;
        continue;
      }
      cut++;
      expect(found, `seed ${seed}`).toBe(desHashInput(event));
    }
    // Both outcomes occur in the sample, so neither branch goes untested.
    expect(cut).toBeGreaterThan(1000);
    expect(declined).toBeGreaterThan(10);
  });

  it("removes the comma on the right side for a first, middle, last and only member", () => {
    const cases: Array<{ [key: string]: Json }> = [
      { current_hash: "h", previous_hash: null },
      { algorithm: "SHA-256", current_hash: "h", previous_hash: "p" },
      { algorithm: "SHA-256", current_hash: "h" },
      { current_hash: "h" },
    ];
    for (const chain of cases) {
      const event = { temporal_metadata: { hash_chain: chain } };
      expect(desHashInputFromCanonical(canonicalJson(event), "h")).toBe(desHashInput(event));
    }
    expect(desHashInput({ temporal_metadata: { hash_chain: { current_hash: "h" } } })).toBe(
      '{"temporal_metadata":{"hash_chain":{}}}',
    );
  });

  it("declines when the member occurs elsewhere too, or not at all", () => {
    const event = {
      copy: { current_hash: "h" },
      temporal_metadata: { hash_chain: { algorithm: "SHA-256", current_hash: "h" } },
    };
    expect(desHashInputFromCanonical(canonicalJson(event), "h")).toBeNull();
    expect(desHashInputFromCanonical(canonicalJson(event), "other")).toBeNull();
    // A string that merely contains the member's text is not a member: the cut still applies.
    const quoted = {
      note: '"current_hash":"h"',
      temporal_metadata: { hash_chain: { algorithm: "SHA-256", current_hash: "h" } },
    };
    expect(desHashInputFromCanonical(canonicalJson(quoted), "h")).toBe(desHashInput(quoted));
  });
});

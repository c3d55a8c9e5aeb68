import { describe, expect, it } from "vitest";
import { addFacts, aggregateFacts, emptyAggregate, type EventFacts } from "../../src/shard/facts";
import { TIERS } from "../../src/shard/types";
import { prng } from "../support/prng";

function pick<T>(random: () => number, from: readonly T[]): T {
  return from[Math.floor(random() * from.length)]!;
}

function randomFacts(random: () => number): EventFacts {
  // Keys that must stay apart (null and "null"), keys that need escaping, integer-like sampling
  // rates (an object orders those members first) and every chain verdict and sequence step.
  const keys = [null, "null", "approve", 'say "no"', "é", "10", "[1,2]"];
  return {
    decisionType: pick(random, keys),
    logicType: pick(random, keys),
    output: pick(random, keys),
    tier: pick(random, TIERS),
    chain: pick(random, ["ok", "mismatch", "broken-link", "unverified"] as const),
    producer: pick(random, ["key:a", "key:b", 'x "q"', "null"]),
    sampleRate: pick(random, [null, 0.5, 1, 0.125, 2]),
    inSample: random() < 0.5,
    sequence: pick(random, [null, "gap", "repeat", "regress"] as const),
    missing: random() < 0.3 ? Math.floor(random() * 5) : 0,
    retainedBody: random() < 0.5,
    hasBody: random() < 0.7,
  };
}

describe("aggregateFacts", () => {
  it("is addFacts on each event in turn, down to the order of every record's members", () => {
    const random = prng(11);
    for (let round = 0; round < 40; round++) {
      const facts = Array.from({ length: Math.floor(random() * 300) }, () => randomFacts(random));
      const expected = emptyAggregate();
      for (const f of facts) addFacts(expected, f);
      const got = aggregateFacts(facts);
      expect(got).toEqual(expected);
      // The stored stats are this object's JSON text: member order is part of what is stored.
      expect(JSON.stringify(got)).toBe(JSON.stringify(expected));
    }
  });
});

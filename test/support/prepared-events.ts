import type { PreparedEvent } from "../../src/shard/types";

/**
 * `n` minimal prepared events, as the Worker sends them to a LogShard: lightweight, body `{}`,
 * ids `idBase + offset + i` in hex and decision ids `<prefix>-<offset + i>`, so calls with
 * different offsets never collide.
 */
export function preparedEvents(n: number, offset: number, prefix = "d", idBase = 0): PreparedEvent[] {
  return Array.from({ length: n }, (_, i) => ({
    index: i,
    id: (idBase + offset + i).toString(16).padStart(64, "0"),
    decisionId: `${prefix}-${offset + i}`,
    decisionType: "test",
    logicType: "rule_based",
    outputKey: '"approve"',
    sequenceNumber: 0,
    schemaVersion: "0.3.0",
    tier: "lightweight" as const,
    declaredTier: "lightweight" as const,
    rule: null,
    sample: null,
    retained: "body" as const,
    body: "{}",
    masked: [],
    producer: "test",
    chain: { verdict: "unverified" as const },
    futureTimestamp: false,
  }));
}

import { compilePolicy } from "../../src/core/policy";
import type { PreparedEvent } from "../../src/shard/types";
import { prepareItem } from "../../src/worker/ingest/prepare";

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

/**
 * `events` prepared by the ingest route's own `prepareItem` for a tenant whose policy keeps
 * every event at `tier` (or the tier each declares, when higher). @throws when one is refused.
 */
export async function prepareAll(
  events: readonly unknown[],
  tier: "lightweight" | "full",
  producer: string,
): Promise<PreparedEvent[]> {
  const policy = compilePolicy({ rules: [], default: { tier } });
  const out: PreparedEvent[] = [];
  for (const [index, value] of events.entries()) {
    const p = await prepareItem(
      { index, value },
      {
        maxEventBytes: 65536,
        policy,
        maskSalt: new Uint8Array(32),
        producer,
        maxFutureSkewMs: 300_000,
        now: Date.now(),
      },
    );
    if (!p.ok) throw new Error(JSON.stringify(p.errors));
    out.push(p.event);
  }
  return out;
}

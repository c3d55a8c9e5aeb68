import { canonicalJson } from "../core/canonical";
import type { ChainVerdict } from "../core/des-chain";
import type { Envelope } from "../core/protocol";
import type { Tier } from "./types";

/**
 * What the stats count about one event. The keys read from the event (decision_type,
 * logic_type, output) come from what is retained after masking, and go to null when the body
 * is erased: no stat holds a value the stored body does not.
 */
export interface EventFacts {
  decisionType: string | null;
  logicType: string | null;
  output: string | null;
  tier: Tier;
  chain: ChainVerdict;
  producer: string;
  /** For the sampled tier: the rate and whether the decision is in the sample. */
  sampleRate: number | null;
  inSample: boolean;
  sequence: "gap" | "repeat" | "regress" | null;
  missing: number;
  /** The envelope says the body is retained (not only the projection)... */
  retainedBody: boolean;
  /** ...and it is still here (not erased or expired). */
  hasBody: boolean;
}

/** Longest output kept as a stats key; longer outputs are grouped by a prefix and their length. */
export const OUTPUT_KEY_MAX = 200;

export function outputKey(output: unknown): string {
  const text = canonicalJson(output);
  return text.length <= OUTPUT_KEY_MAX
    ? text
    : `${text.slice(0, OUTPUT_KEY_MAX - 12)}…[${text.length} chars]`;
}

/** The stats keys of retained content (a masked body or projection), null when absent. */
export function retainedKeys(retained: unknown): {
  decisionType: string | null;
  logicType: string | null;
  output: string | null;
} {
  const r = (typeof retained === "object" && retained !== null ? retained : {}) as {
    decision_context?: Record<string, unknown>;
    decision_logic?: Record<string, unknown>;
  };
  const text = (v: unknown) => (typeof v === "string" ? v : null);
  const logic = r.decision_logic;
  return {
    decisionType: text(r.decision_context?.["decision_type"]),
    logicType: text(logic?.["logic_type"]),
    output:
      logic !== undefined &&
      typeof logic === "object" &&
      Object.prototype.hasOwnProperty.call(logic, "output")
        ? outputKey(logic["output"])
        : null,
  };
}

type Keys = ReturnType<typeof retainedKeys>;

export function factsOf(envelope: Envelope, keys: Keys, hasBody: boolean): EventFacts {
  return {
    ...keys,
    tier: envelope.tier,
    chain: envelope.chain,
    producer: envelope.producer,
    sampleRate: envelope.sample?.rate ?? null,
    inSample: envelope.sample?.in_sample ?? false,
    sequence: envelope.sequence ?? null,
    missing: envelope.missing ?? 0,
    retainedBody: envelope.retained === "body",
    hasBody,
  };
}

/** Facts of a stored line's parts (envelope text, retained content text or null). */
export function factsOfLine(envelope: string, body: string | null): EventFacts {
  const keys =
    body === null ? { decisionType: null, logicType: null, output: null } : retainedKeys(JSON.parse(body));
  return factsOf(JSON.parse(envelope) as Envelope, keys, body !== null);
}

export const EXACT_DIMENSIONS = [
  "tier",
  "decision_type",
  "logic_type",
  "output",
  "chain",
  "producer",
] as const;
export type ExactDimension = (typeof EXACT_DIMENSIONS)[number];

export const PRODUCER_COUNTERS = [
  "events",
  "ok",
  "mismatch",
  "broken_link",
  "unverified",
  "gaps",
  "missing",
  "repeats",
  "regressions",
] as const;

/**
 * Exact counts over a set of events, summable: per batch (stored with the batch) and in total.
 * Group keys are JSON texts of the key (so null and the string "null" stay apart).
 */
export interface Aggregate {
  events: number;
  /** Sampled and full events: those whose bodies may be in an estimate. */
  covered: number;
  /** Covered events whose retained body is gone (erased or expired). */
  unavailable: number;
  exact: Record<ExactDimension, Record<string, number>>;
  /** Per sampling rate (as text): [events, in sample]. */
  sampling: Record<string, [number, number]>;
  /** Per producer (keyed by its JSON text, like the exact groups): the PRODUCER_COUNTERS in order. */
  producers: Record<string, number[]>;
}

export function emptyAggregate(): Aggregate {
  return {
    events: 0,
    covered: 0,
    unavailable: 0,
    exact: { tier: {}, decision_type: {}, logic_type: {}, output: {}, chain: {}, producer: {} },
    sampling: {},
    producers: {},
  };
}

function bump(map: Record<string, number>, key: string | null, by: number): void {
  const k = JSON.stringify(key);
  const v = (map[k] ?? 0) + by;
  if (v === 0) delete map[k];
  else map[k] = v;
}

/** Adds (sign 1) or removes (sign -1) one event's facts. */
export function addFacts(agg: Aggregate, f: EventFacts, sign: 1 | -1 = 1): void {
  agg.events += sign;
  const covered = f.tier !== "lightweight";
  if (covered) agg.covered += sign;
  if (covered && f.retainedBody && !f.hasBody) agg.unavailable += sign;
  bump(agg.exact.tier, f.tier, sign);
  bump(agg.exact.decision_type, f.decisionType, sign);
  bump(agg.exact.logic_type, f.logicType, sign);
  bump(agg.exact.output, f.output, sign);
  bump(agg.exact.chain, f.chain, sign);
  bump(agg.exact.producer, f.producer, sign);
  if (f.tier === "sampled" && f.sampleRate !== null) {
    const s = (agg.sampling[String(f.sampleRate)] ??= [0, 0]);
    s[0] += sign;
    if (f.inSample) s[1] += sign;
  }
  countProducer((agg.producers[JSON.stringify(f.producer)] ??= PRODUCER_COUNTERS.map(() => 0)), f, sign);
}

/** Adds (sign 1) or removes (sign -1) one event in its producer's PRODUCER_COUNTERS. */
function countProducer(p: number[], f: EventFacts, sign: 1 | -1): void {
  p[0]! += sign;
  if (f.chain === "ok") p[1]! += sign;
  else if (f.chain === "mismatch") p[2]! += sign;
  else if (f.chain === "broken-link") p[3]! += sign;
  else p[4]! += sign;
  if (f.sequence === "gap") p[5]! += sign;
  p[6]! += sign * f.missing;
  if (f.sequence === "repeat") p[7]! += sign;
  if (f.sequence === "regress") p[8]! += sign;
}

/**
 * The aggregate of `facts`: the same object, member order included, as adding each one to
 * `emptyAggregate()` with `addFacts` in turn. A seal aggregates a whole batch: counting in Maps
 * by the keys themselves makes each distinct key's JSON text once, not once per event and group.
 */
export function aggregateFacts(facts: readonly EventFacts[]): Aggregate {
  const agg = emptyAggregate();
  const exact = {
    tier: new Map<string | null, number>(),
    decision_type: new Map<string | null, number>(),
    logic_type: new Map<string | null, number>(),
    output: new Map<string | null, number>(),
    chain: new Map<string | null, number>(),
    producer: new Map<string | null, number>(),
  } satisfies Record<ExactDimension, Map<string | null, number>>;
  const count = (map: Map<string | null, number>, key: string | null) =>
    map.set(key, (map.get(key) ?? 0) + 1);
  const sampling = new Map<number, [number, number]>();
  const producers = new Map<string, number[]>();
  for (const f of facts) {
    agg.events++;
    const covered = f.tier !== "lightweight";
    if (covered) agg.covered++;
    if (covered && f.retainedBody && !f.hasBody) agg.unavailable++;
    count(exact.tier, f.tier);
    count(exact.decision_type, f.decisionType);
    count(exact.logic_type, f.logicType);
    count(exact.output, f.output);
    count(exact.chain, f.chain);
    count(exact.producer, f.producer);
    if (f.tier === "sampled" && f.sampleRate !== null) {
      let s = sampling.get(f.sampleRate);
      if (!s) sampling.set(f.sampleRate, (s = [0, 0]));
      s[0]++;
      if (f.inSample) s[1]++;
    }
    let p = producers.get(f.producer);
    if (!p) producers.set(f.producer, (p = PRODUCER_COUNTERS.map(() => 0)));
    countProducer(p, f, 1);
  }
  // Maps keep first-seen order, so the records get their members in addFacts' order.
  for (const dim of EXACT_DIMENSIONS) {
    for (const [key, n] of exact[dim]) agg.exact[dim][JSON.stringify(key)] = n;
  }
  for (const [rate, s] of sampling) agg.sampling[String(rate)] = s;
  for (const [producer, counts] of producers) agg.producers[JSON.stringify(producer)] = counts;
  return agg;
}

/** Adds `b` into `a` (sign -1: subtracts). */
export function mergeAggregate(a: Aggregate, b: Aggregate, sign: 1 | -1 = 1): void {
  a.events += sign * b.events;
  a.covered += sign * b.covered;
  a.unavailable += sign * b.unavailable;
  for (const dim of EXACT_DIMENSIONS) {
    for (const [k, v] of Object.entries(b.exact[dim])) {
      const n = (a.exact[dim][k] ?? 0) + sign * v;
      if (n === 0) delete a.exact[dim][k];
      else a.exact[dim][k] = n;
    }
  }
  for (const [rate, [e, s]] of Object.entries(b.sampling)) {
    const have = (a.sampling[rate] ??= [0, 0]);
    have[0] += sign * e;
    have[1] += sign * s;
    if (have[0] === 0 && have[1] === 0) delete a.sampling[rate];
  }
  for (const [producer, counts] of Object.entries(b.producers)) {
    const have = (a.producers[producer] ??= PRODUCER_COUNTERS.map(() => 0));
    counts.forEach((v, i) => (have[i]! += sign * v));
    if (have.every((v) => v === 0)) delete a.producers[producer];
  }
}

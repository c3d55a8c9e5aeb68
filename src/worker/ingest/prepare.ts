import { canonicalJson } from "../../core/canonical";
import { toHex } from "../../core/bytes";
import { utf8Transient } from "../../core/utf8-scratch";
import { currentHashCut, desHashInput, isSha256Algorithm, normalizeHashText } from "../../core/des-chain";
import { maskHash } from "../../core/masking";
import { commitEvent } from "../../core/commitment";
import { countedExposure } from "../../core/experiment-exposure";
import { evaluatePolicy } from "../../core/policy";
import type { CompiledPolicy } from "../../core/policy/types";
import { projectRequired } from "../../core/projection";
import { randomness56FromDigest, rejectionThreshold, samplingFor, type Sampling } from "../../core/sampling";
import { sha256 } from "@noble/hashes/sha2.js";
import { maxTier } from "../../core/protocol/tier";
import { validateEvent } from "../../validate";
import type { ItemError } from "../api-error";
import type { ParsedItem } from "../body/parse-events";
import type { PreparedEvent, Tier } from "../../shard/types";
import { retainedKeys } from "../../shard/facts";

/**
 * A prepared item. `routeKey` (the decision id as received) chooses the shard; it stays in
 * the Worker, since a policy may mask it out of everything the shard stores.
 */
export type Prepared =
  { ok: true; event: PreparedEvent; routeKey: string } | { ok: false; index: number; errors: ItemError[] };

interface DesShape {
  schema_version: string;
  decision_context: { decision_id: string; decision_type: string };
  decision_logic: { logic_type: string; output: unknown };
  temporal_metadata: {
    event_timestamp: string;
    sequence_number: number;
    evidence_tier: Tier;
    hash_chain: { current_hash: string; algorithm: string; previous_hash?: string | null };
  };
}

/** What preparing a request's events needs besides the events. */
export interface PrepareContext {
  maxEventBytes: number;
  policy: CompiledPolicy;
  /** Salt of the masking HMAC, per tenant. */
  maskSalt: Uint8Array;
  /** The producer whose hash chain and sequence the events continue. */
  producer: string;
  /** Events timestamped further than this into the future (ms) are flagged. */
  maxFutureSkewMs: number;
  now: number;
}

/**
 * Validates one parsed item and decides everything about it that needs no state: its id (the
 * SHA-256 of its RFC 8785 canonical form — for a tenant whose policy masks anything, of its
 * keyed committed form — so a retry or another edge gets the same id), its
 * effective tier (the higher of the declared one and the policy's), whether it is in the
 * consistent sample, what is retained (the masked body or the masked projection), and whether
 * its DES `current_hash` is right. Linking to the producer's previous event is the shard's job.
 */
export async function prepareItem(item: ParsedItem, ctx: PrepareContext): Promise<Prepared> {
  if ("errors" in item) return { ok: false, index: item.index, errors: item.errors };
  const verdict = validateEvent(item.value);
  if (!verdict.ok) return { ok: false, index: item.index, errors: verdict.errors };
  let canonical: string;
  try {
    canonical = canonicalJson(item.value);
  } catch (err) {
    return {
      ok: false,
      index: item.index,
      errors: [{ path: "", message: `event cannot be canonicalized (RFC 8785): ${(err as Error).message}` }],
    };
  }
  // A view of a reused buffer: nothing else may encode before its digest call below.
  const bytes = utf8Transient(canonical);
  if (bytes.length > ctx.maxEventBytes) {
    return {
      ok: false,
      index: item.index,
      errors: [
        {
          path: "",
          message: `event is ${bytes.length} bytes (canonical JSON); the limit is ${ctx.maxEventBytes}`,
        },
      ],
    };
  }
  const event = item.value as DesShape;
  const temporal = event.temporal_metadata;
  // Each digest call copies its input when it is made (WebCrypto §14.3.5), so the reused
  // encoding buffer is free again as soon as the call returns.
  const masking = ctx.policy.masks.length > 0;
  const plainId = masking ? null : crypto.subtle.digest("SHA-256", bytes);
  const hashCheck = currentHashDigest(canonical, bytes, event);
  const decision = evaluatePolicy(ctx.policy, event);
  const tier = maxTier(temporal.evidence_tier, decision.tier);
  // A tenant that masks anything commits to the keyed form of each event (src/core/commitment.ts):
  // the id, the digest and the retained content then hold no unkeyed hash of a masked value.
  const commitment = masking ? commitEvent(event, ctx.policy.masks, ctx.maskSalt) : null;
  const committedText = commitment === null ? canonical : canonicalJson(commitment.committed);
  const sample =
    tier === "sampled"
      ? sampleOf(event.decision_context.decision_id, decision.tier === "sampled" ? decision.rate : 1)
      : null;
  const [idDigest, hashDigest] = await Promise.all([
    plainId ?? crypto.subtle.digest("SHA-256", utf8Transient(committedText)),
    hashCheck,
  ]);
  const id = toHex(new Uint8Array(idDigest));
  const hashVerdict =
    hashDigest === null
      ? "unverified"
      : normalizeHashText(temporal.hash_chain.current_hash) === toHex(new Uint8Array(hashDigest))
        ? "ok"
        : "mismatch";
  const keepBody = tier === "full" || (sample !== null && sample.in_sample);
  const whole = (commitment?.stored ?? event) as DesShape;
  const body = keepBody ? whole : projectRequired(whole);
  const masked = commitment?.masked ?? [];
  const removed = commitment?.removed ?? {};
  // Reuse a canonical text already made for the retained content when there is one.
  const bodyText =
    body === event
      ? canonical
      : body === commitment?.committed
        ? committedText
        : body === commitment?.stored && commitment.storedText !== undefined
          ? commitment.storedText
          : canonicalJson(body);
  const timestamp = Date.parse(temporal.event_timestamp);
  // Every derived key comes from what is retained after masking, never from the event as
  // received: a masked value must not reach a column, an index or a stat.
  const kept = body as { decision_context?: Record<string, unknown> };
  const keys = retainedKeys(body);
  return {
    ok: true,
    routeKey: event.decision_context.decision_id,
    event: {
      index: item.index,
      id,
      decisionId: indexedDecisionId(kept, event.decision_context.decision_id, ctx.maskSalt),
      decisionType: keys.decisionType,
      logicType: keys.logicType,
      outputKey: keys.output,
      sequenceNumber: temporal.sequence_number,
      schemaVersion: verdict.schemaVersion,
      tier,
      declaredTier: temporal.evidence_tier,
      rule: decision.rule,
      sample,
      retained: keepBody ? "body" : "projection",
      body: bodyText,
      masked,
      ...(Object.keys(removed).length > 0 ? { removed } : {}),
      producer: ctx.producer,
      chain:
        hashVerdict === "unverified"
          ? { verdict: "unverified" }
          : {
              verdict: hashVerdict,
              currentHash: normalizeHashText(temporal.hash_chain.current_hash),
              previousHash:
                typeof temporal.hash_chain.previous_hash === "string"
                  ? normalizeHashText(temporal.hash_chain.previous_hash)
                  : null,
            },
      futureTimestamp: timestamp > ctx.now + ctx.maxFutureSkewMs,
      exposure: countedExposure(event, ctx.maskSalt),
    },
  };
}

/** A rate's sampling record and rejection threshold, kept for the rates recently used. */
const samplingByRate = new Map<number, { record: Sampling; threshold: bigint }>();

/**
 * Whether the decision is in the consistent sample at `rate`, with the sampling record.
 * The decision id is short, so a synchronous JavaScript SHA-256 of it costs less than an
 * asynchronous `crypto.subtle.digest` call (measured in workerd: ~4 µs against ~9 µs).
 */
function sampleOf(decisionId: string, rate: number): Sampling & { in_sample: boolean } {
  let known = samplingByRate.get(rate);
  if (known === undefined) {
    known = { record: samplingFor(rate), threshold: rejectionThreshold(rate) };
    // Rates come from tenants' policies: a few per isolate. Bounded all the same.
    if (samplingByRate.size >= 64) samplingByRate.clear();
    samplingByRate.set(rate, known);
  }
  const inSample = randomness56FromDigest(sha256(utf8Transient(decisionId))) >= known.threshold;
  return { ...known.record, in_sample: inSample };
}

/**
 * DES's current_hash check, started: SHA-256 over the canonical event without `current_hash`,
 * cut out of the event's canonical text (`currentHashCut`) rather than canonicalized again;
 * null when the algorithm is not SHA-256 (the verdict is "unverified").
 *
 * Precondition: `bytes` is the UTF-8 of `canonical` in the reused buffer, already copied by
 * every digest that needed it: for an ASCII text (one byte per unit, so text and byte offsets
 * agree) the member is cut out of those bytes in place, sparing a second encoding.
 */
function currentHashDigest(
  canonical: string,
  bytes: Uint8Array,
  event: DesShape,
): Promise<ArrayBuffer> | null {
  const chain = event.temporal_metadata.hash_chain;
  if (!isSha256Algorithm(chain.algorithm)) return null;
  const cut = currentHashCut(canonical, chain.current_hash);
  if (cut === null) return crypto.subtle.digest("SHA-256", utf8Transient(desHashInput(event)));
  if (bytes.length === canonical.length) {
    bytes.copyWithin(cut.start, cut.end);
    return crypto.subtle.digest("SHA-256", bytes.subarray(0, bytes.length - (cut.end - cut.start)));
  }
  const input = canonical.slice(0, cut.start) + canonical.slice(cut.end);
  return crypto.subtle.digest("SHA-256", utf8Transient(input));
}

/**
 * The decision id as the shard indexes it (conflict detection, decision_id queries): the value
 * as retained, or — when a policy masks it — its keyed hash, the same text a "hash" mask writes,
 * so conflicts are still found and the value itself is never stored.
 */
function indexedDecisionId(
  kept: { decision_context?: Record<string, unknown> },
  raw: string,
  salt: Uint8Array,
): string {
  const retained = kept.decision_context?.["decision_id"];
  return retained === raw ? raw : maskHash(raw, salt);
}

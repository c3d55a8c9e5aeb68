import { canonicalJson } from "../../core/canonical";
import { sha256Hex } from "../../core/digest";
import { utf8 } from "../../core/bytes";
import { validateEvent } from "../../validate";
import type { ItemError } from "../api-error";
import type { ParsedItem } from "../body/parse-events";
import type { PreparedEvent, Tier } from "../../shard/types";

export type Prepared = { ok: true; event: PreparedEvent } | { ok: false; index: number; errors: ItemError[] };

interface DesShape {
  schema_version: string;
  decision_context: { decision_id: string; decision_type: string };
  temporal_metadata: { sequence_number: number; evidence_tier: Tier };
}

/**
 * Validates one parsed item and derives its identity: the id is the SHA-256 of the RFC 8785
 * canonical form, so the same event sent twice (a retry, another edge) gets the same id.
 */
export async function prepareItem(item: ParsedItem, maxEventBytes: number): Promise<Prepared> {
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
  const bytes = utf8(canonical);
  if (bytes.length > maxEventBytes) {
    return {
      ok: false,
      index: item.index,
      errors: [{ path: "", message: `event is ${bytes.length} bytes (canonical JSON); the limit is ${maxEventBytes}` }],
    };
  }
  const event = item.value as DesShape;
  return {
    ok: true,
    event: {
      index: item.index,
      id: await sha256Hex(bytes),
      decisionId: event.decision_context.decision_id,
      decisionType: event.decision_context.decision_type,
      sequenceNumber: event.temporal_metadata.sequence_number,
      schemaVersion: verdict.schemaVersion,
      tier: event.temporal_metadata.evidence_tier,
      body: canonical,
    },
  };
}

import type { Envelope } from "../core/protocol";

/**
 * RFC 8785 canonical JSON of an envelope, built directly: the members are added in sorted
 * order (the envelope's own names are ASCII; the pointers of `removed` are sorted by UTF-16 code units, as RFC 8785 §3.2.3 sorts) and JSON.stringify then writes
 * exactly what JCS would — JCS defines strings and numbers by ECMAScript's own serialization.
 * This runs once per event on the append path, where a general canonicalizer costs several
 * times more. Tests compare it with `canonicalJson` on every shape an envelope can take.
 */
export function envelopeJson(e: Envelope): string {
  const out: Record<string, unknown> = {};
  out.chain = e.chain;
  if (e.conflict) out.conflict = true;
  if (e.declared_tier !== undefined) out.declared_tier = e.declared_tier;
  out.digest = e.digest;
  if (e.future_timestamp) out.future_timestamp = true;
  out.id = e.id;
  out.log = e.log;
  if (e.masked !== undefined) out.masked = e.masked;
  if (e.missing !== undefined) out.missing = e.missing;
  out.producer = e.producer;
  out.received_at = e.received_at;
  if (e.removed !== undefined) out.removed = sortedMembers(e.removed);
  out.retained = e.retained;
  if (e.rule !== undefined) out.rule = e.rule;
  if (e.sample !== undefined) {
    out.sample = {
      adjusted_count: e.sample.adjusted_count,
      in_sample: e.sample.in_sample,
      rate: e.sample.rate,
      threshold: e.sample.threshold,
    };
  }
  out.schema = e.schema;
  out.seq = e.seq;
  if (e.sequence !== undefined) out.sequence = e.sequence;
  out.tier = e.tier;
  return JSON.stringify(out);
}

/** A copy of `map` with its members in RFC 8785 order (UTF-16 code units: JS's default sort). */
function sortedMembers(map: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of Object.keys(map).sort()) out[name] = map[name]!;
  return out;
}

/**
 * The R2 archive of sealed batches. Each batch becomes one immutable-by-default object,
 *
 *     <tenant>/<shard>/batches/<n, 12 digits>.ndjson
 *
 * holding the batch header line, then `{"envelope": …, "event": …}` per event in order — the
 * same bytes as `GET /v1/logs/{log}/batches/{n}`. Once a batch is archived and older than the
 * newest `keepBatches` archived batches, its bodies leave SQLite (envelopes, ids and the tree
 * stay, so lookups, dedup and proofs never touch R2); reads fetch bodies from the object.
 * An erasure or retention sweep rewrites the affected objects without the removed bodies.
 */

export function batchKey(tenant: string, shard: number, n: number): string {
  return `${tenant}/${shard}/batches/${String(n).padStart(12, "0")}.ndjson`;
}

export type BatchRow = {
  first_seq: number;
  count: number;
  header: string;
};

/** The export lines of batch `n` from SQLite (bodies as stored there). */
export function linesFromSqlite(sql: SqlStorage, batch: BatchRow): string[] {
  const lines = [batch.header];
  const rows = sql.exec<{ envelope: string; body: string | null }>(
    "SELECT envelope, body FROM events WHERE seq >= ? AND seq < ? ORDER BY seq",
    batch.first_seq,
    batch.first_seq + batch.count,
  );
  for (const r of rows) lines.push(`{"envelope":${r.envelope},"event":${r.body ?? "null"}}`);
  return lines;
}

export async function readArchived(bucket: R2Bucket, key: string): Promise<string[] | null> {
  const object = await bucket.get(key);
  if (!object) return null;
  const text = await object.text();
  return text.endsWith("\n") ? text.slice(0, -1).split("\n") : text.split("\n");
}

export async function writeArchived(bucket: R2Bucket, key: string, lines: readonly string[]): Promise<void> {
  await bucket.put(key, lines.join("\n") + "\n", { httpMetadata: { contentType: "application/x-ndjson" } });
}

/** Replaces the event of line `seq - first_seq + 1` by null (after an erasure). */
export function withoutBody(lines: readonly string[], index: number): string[] {
  const out = [...lines];
  const line = out[index + 1];
  if (line === undefined) return out;
  const parsed = JSON.parse(line) as { envelope: unknown };
  out[index + 1] = `{"envelope":${JSON.stringify(parsed.envelope)},"event":null}`;
  return out;
}

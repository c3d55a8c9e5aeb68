/**
 * The R2 archive of sealed batches. Each batch's bundle (the gzip of its export, bundle.ts) is
 * uploaded as stored, to
 *
 *     <tenant>/<shard>/batches/<n, 12 digits>.ndjson.gz
 *
 * Once a batch is archived and older than the newest `keepBatches` archived batches, its
 * bodies leave SQLite (its bundle there keeps the envelopes, so lookups, dedup and proofs never
 * touch R2); reads fetch bodies from the object. An erasure or retention sweep rewrites the
 * affected objects without the removed bodies.
 */

export function batchKey(tenant: string, shard: number, n: number): string {
  return `${tenant}/${shard}/batches/${String(n).padStart(12, "0")}.ndjson.gz`;
}

export async function readArchived(bucket: R2Bucket, key: string): Promise<Uint8Array | null> {
  const object = await bucket.get(key);
  if (!object) return null;
  return new Uint8Array(await object.arrayBuffer());
}

export async function writeArchived(bucket: R2Bucket, key: string, bundle: Uint8Array): Promise<void> {
  await bucket.put(key, bundle, {
    httpMetadata: { contentType: "application/x-ndjson", contentEncoding: "gzip" },
  });
}

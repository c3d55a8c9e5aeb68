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
 *
 * The bucket is the log's jurisdiction's (`archiveBucketFor`): a tenant bound to a
 * jurisdiction is archived only to a bucket of that jurisdiction.
 */
import type { Jurisdiction } from "../core/protocol";

/** The R2 binding a jurisdiction's archive goes to (wrangler.toml binds it with that `jurisdiction`). */
export const ARCHIVE_BINDINGS: Readonly<Record<Jurisdiction, "ARCHIVE_EU" | "ARCHIVE_FEDRAMP">> = {
  eu: "ARCHIVE_EU",
  fedramp: "ARCHIVE_FEDRAMP",
};

/** Where a log's batches are archived: its bucket, none (no archive configured), or a refusal. */
export type ArchiveChoice =
  | { kind: "bucket"; bucket: R2Bucket; binding: string }
  | { kind: "none" }
  | { kind: "missing"; binding: string; message: string };

function isBucket(value: unknown): value is R2Bucket {
  return typeof value === "object" && value !== null && typeof (value as R2Bucket).put === "function";
}

/**
 * The bucket for a log of `jurisdiction`: `ARCHIVE` for unrestricted logs (none when it is not
 * bound: archiving is then off), the jurisdiction's own binding otherwise. A jurisdiction whose
 * binding is missing never falls back to `ARCHIVE`: that would put its evidence outside the
 * jurisdiction. The caller then keeps the batches in SQLite and says why.
 */
export function archiveBucketFor(
  env: Partial<Record<string, unknown>>,
  jurisdiction: Jurisdiction | null,
): ArchiveChoice {
  if (jurisdiction === null) {
    const bucket = env.ARCHIVE;
    return isBucket(bucket) ? { kind: "bucket", bucket, binding: "ARCHIVE" } : { kind: "none" };
  }
  const binding = ARCHIVE_BINDINGS[jurisdiction];
  const bucket = env[binding];
  if (isBucket(bucket)) return { kind: "bucket", bucket, binding };
  return {
    kind: "missing",
    binding,
    message:
      `no R2 binding ${binding} (a bucket with jurisdiction = "${jurisdiction}") in this deployment: ` +
      `archives of '${jurisdiction}' tenants are never written to the default bucket`,
  };
}

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

/**
 * Bodies that left SQLite (archive.ts: offloading), read back from their R2 objects. Every read
 * that returns or filters on retained content goes through here for an offloaded batch: the
 * query route and its NDJSON export, event lookups, stats, the batch export, erasure.
 *
 * Decoded objects are kept in a small per-object cache, so paging through a range (each page
 * a separate call) fetches each object once rather than once per page. When R2 cannot give a
 * batch's bodies, the read fails with an ArchiveUnavailableError naming the batch: a body is
 * never answered as missing because R2 did not answer.
 */
import { decodeBundle, type DecodedBundle } from "./bundle";

/** Decoded archived bundles kept per object, and the characters they may hold together. */
export const CACHED_ARCHIVED_BUNDLES = 8;
export const CACHED_ARCHIVED_CHARS = 16 * 1024 * 1024;

/** Appended to the message so the Worker can recognise the error after RPC (which keeps only the message). */
const TAG = /\s\[archive_unavailable batch=(\d+)\]$/;

/**
 * The bodies of a sealed batch are kept only in R2, and R2 could not give them: the object is
 * missing, the bucket is not bound, the read failed, or the object is not the batch it should be.
 */
export class ArchiveUnavailableError extends Error {
  constructor(
    readonly batch: number,
    readonly origin: string,
    readonly reason: string,
  ) {
    super(
      `the bodies of batch ${batch} of log ${origin} are kept only in the R2 archive, which could not ` +
        `give them (${reason}); retry later [archive_unavailable batch=${batch}]`,
    );
    this.name = "ArchiveUnavailableError";
  }
}

/**
 * The batch and the message of an ArchiveUnavailableError that crossed RPC (Workers RPC keeps an
 * error's message, not its class or own properties), or null for any other error.
 */
export function archiveUnavailableOf(err: unknown): { batch: number; message: string } | null {
  const message = (err as { message?: unknown } | null)?.message;
  if (typeof message !== "string") return null;
  const m = TAG.exec(message);
  return m ? { batch: Number(m[1]), message: message.slice(0, m.index) } : null;
}

/** Where batch `n`'s object is, or why it cannot be read (no bucket bound). */
export type ArchiveLocation =
  { bucket: R2Bucket; key: string; origin: string } | { missing: string; origin: string };

/** What SQLite knows of the batch: the archived object must be this batch. */
export interface ExpectedBatch {
  n: number;
  header: string;
  count: number;
}

interface Entry {
  bundle: DecodedBundle;
  chars: number;
}

function charsOf(b: DecodedBundle): number {
  let chars = b.header.length;
  for (const l of b.lines) chars += l.length;
  return chars;
}

/**
 * Archived batches' full bundles, decoded, least recently used dropped first. Writers that
 * rewrite an object (erasure, retention) call `forget` after writing it; a read that began
 * before a `forget` is answered but not cached, so a rewritten object is never served stale.
 */
export class ArchivedBundles {
  private readonly cache = new Map<number, Entry>();
  private readonly loading = new Map<number, Promise<DecodedBundle>>();
  private chars = 0;
  private generation = 0;
  /** R2 reads made (one per object not in the cache): lets tests see that pages reuse objects. */
  fetches = 0;

  constructor(private readonly locate: (n: number) => ArchiveLocation) {}

  /**
   * Batch `expected.n` as archived, bodies included.
   * @throws ArchiveUnavailableError when R2 cannot give it, or gives another batch.
   */
  get(expected: ExpectedBatch): Promise<DecodedBundle> {
    const n = expected.n;
    const hit = this.cache.get(n);
    if (hit) {
      this.cache.delete(n);
      this.cache.set(n, hit);
      return Promise.resolve(hit.bundle);
    }
    const pending = this.loading.get(n);
    if (pending) return pending;
    const generation = this.generation;
    const load = this.load(expected).finally(() => {
      if (this.loading.get(n) === load) this.loading.delete(n);
    });
    this.loading.set(n, load);
    return load.then((bundle) => {
      if (generation === this.generation) this.remember(n, bundle);
      return bundle;
    });
  }

  /** Drops batch `n` (its object was rewritten) and makes reads in flight not cache what they get. */
  forget(n: number): void {
    this.generation++;
    this.loading.delete(n);
    const e = this.cache.get(n);
    if (e) {
      this.chars -= e.chars;
      this.cache.delete(n);
    }
  }

  private remember(n: number, bundle: DecodedBundle): void {
    if (this.cache.has(n)) return;
    const chars = charsOf(bundle);
    this.cache.set(n, { bundle, chars });
    this.chars += chars;
    // The newest entry stays even when it alone passes the budget: the caller is using it.
    while (
      this.cache.size > 1 &&
      (this.cache.size > CACHED_ARCHIVED_BUNDLES || this.chars > CACHED_ARCHIVED_CHARS)
    ) {
      const [oldest, e] = this.cache.entries().next().value!;
      this.cache.delete(oldest);
      this.chars -= e.chars;
    }
  }

  private async load(expected: ExpectedBatch): Promise<DecodedBundle> {
    const where = this.locate(expected.n);
    const fail = (reason: string) => new ArchiveUnavailableError(expected.n, where.origin, reason);
    if ("missing" in where) throw fail(where.missing);
    this.fetches++;
    let bytes: ArrayBuffer;
    try {
      const object = await where.bucket.get(where.key);
      if (object === null) throw fail(`no object ${where.key}`);
      bytes = await object.arrayBuffer();
    } catch (err) {
      if (err instanceof ArchiveUnavailableError) throw err;
      throw fail(`reading ${where.key} failed: ${(err as Error)?.message ?? String(err)}`);
    }
    let bundle: DecodedBundle;
    try {
      bundle = await decodeBundle(bytes);
    } catch (err) {
      throw fail(`${where.key} is not a readable batch bundle: ${(err as Error).message}`);
    }
    if (bundle.header !== expected.header)
      throw fail(`${where.key} holds another batch header than the log's batch ${expected.n}`);
    if (bundle.lines.length !== expected.count)
      throw fail(`${where.key} holds ${bundle.lines.length} event lines, expected ${expected.count}`);
    return bundle;
  }
}

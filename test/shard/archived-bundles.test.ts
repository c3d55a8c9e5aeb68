import { describe, expect, it } from "vitest";
import {
  ArchivedBundles,
  ArchiveUnavailableError,
  archiveUnavailableOf,
  CACHED_ARCHIVED_BUNDLES,
  type ArchiveLocation,
} from "../../src/shard/archived-bundles";
import { encodeBundle } from "../../src/shard/bundle";

const ORIGIN = "edgelog.localhost/t/0";
const header = (n: number) => `{"batch":${n}}`;
const lines = (n: number, body: string) => [`{"envelope":{"n":${n}},"event":${body}}`];

/** An in-memory stand-in for an R2 bucket: objects by key, reads counted, reads held until released. */
class FakeBucket {
  readonly objects = new Map<string, Uint8Array>();
  reads = 0;
  private held: Array<() => void> | null = null;

  hold(): void {
    this.held = [];
  }

  release(): void {
    const waiting = this.held ?? [];
    this.held = null;
    for (const go of waiting) go();
  }

  async get(key: string): Promise<{ arrayBuffer(): Promise<ArrayBuffer> } | null> {
    this.reads++;
    // The object as it was when the read began, like a read already under way.
    const bytes = this.objects.get(key);
    if (this.held) await new Promise<void>((go) => this.held!.push(go));
    if (!bytes) return null;
    return { arrayBuffer: async () => bytes.slice().buffer };
  }
}

async function setup(batches: number): Promise<{ bucket: FakeBucket; archived: ArchivedBundles }> {
  const bucket = new FakeBucket();
  for (let n = 0; n < batches; n++)
    bucket.objects.set(`b/${n}`, await encodeBundle(header(n), lines(n, '{"v":1}')));
  const locate = (n: number): ArchiveLocation => ({
    bucket: bucket as unknown as R2Bucket,
    key: `b/${n}`,
    origin: ORIGIN,
  });
  return { bucket, archived: new ArchivedBundles(locate) };
}

const expected = (n: number) => ({ n, header: header(n), count: 1 });

describe("ArchivedBundles", () => {
  it("reads each object once while cached, and at most the cache's worth stays", async () => {
    const { bucket, archived } = await setup(CACHED_ARCHIVED_BUNDLES + 2);
    await Promise.all([archived.get(expected(0)), archived.get(expected(0))]);
    await archived.get(expected(0));
    expect(bucket.reads).toBe(1);
    for (let n = 1; n < CACHED_ARCHIVED_BUNDLES + 2; n++) await archived.get(expected(n));
    expect(bucket.reads).toBe(CACHED_ARCHIVED_BUNDLES + 2);
    // Batch 0 was the least recently used: it was dropped and is read again; the newest is not.
    await archived.get(expected(CACHED_ARCHIVED_BUNDLES + 1));
    expect(bucket.reads).toBe(CACHED_ARCHIVED_BUNDLES + 2);
    await archived.get(expected(0));
    expect(bucket.reads).toBe(CACHED_ARCHIVED_BUNDLES + 3);
  });

  it("never caches what a read in flight got once the object was rewritten", async () => {
    const { bucket, archived } = await setup(1);
    bucket.hold();
    const stale = archived.get(expected(0));
    // An erasure rewrites the object while the read is in flight, then forgets the batch.
    bucket.objects.set("b/0", await encodeBundle(header(0), lines(0, "null")));
    archived.forget(0);
    bucket.release();
    expect((await stale).lines).toEqual(lines(0, '{"v":1}'));
    expect((await archived.get(expected(0))).lines).toEqual(lines(0, "null"));
  });

  it("names the batch and the reason when R2 cannot give the bodies, and does not remember the failure", async () => {
    const { bucket, archived } = await setup(2);
    const kept = bucket.objects.get("b/1")!;
    bucket.objects.delete("b/1");
    const err = await archived.get(expected(1)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ArchiveUnavailableError);
    expect((err as ArchiveUnavailableError).batch).toBe(1);
    expect((err as Error).message).toContain(`batch 1 of log ${ORIGIN}`);
    expect(archiveUnavailableOf(err)).toEqual({
      batch: 1,
      message: (err as Error).message.replace(" [archive_unavailable batch=1]", ""),
    });
    // Another batch's object where batch 1's should be: refused, not served as batch 1.
    bucket.objects.set("b/1", bucket.objects.get("b/0")!);
    await expect(archived.get(expected(1))).rejects.toThrow("another batch header");
    bucket.objects.set("b/1", kept);
    expect((await archived.get(expected(1))).header).toBe(header(1));
    expect(archiveUnavailableOf(new Error("something else"))).toBeNull();
  });
});

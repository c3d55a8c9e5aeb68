// CheckPool (src/cli/audit/worker-pool.ts) with one worker thread: the main thread checks
// ranges too, results come back in batch order, and a failure is reported where it is in the
// log whichever thread found it.
import { beforeAll, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { pathToFileURL } from "node:url";
import { AuditFailure, type CheckedBatch } from "../../src/core/audit";
import { toHex, utf8 } from "../../src/core/bytes";
import { canonicalJson } from "../../src/core/canonical";
import { hashLeaf, merkleRoot } from "../../src/core/merkle";
import { CheckPool } from "../../src/cli/audit/worker-pool";
import type { ExportRange } from "../../src/cli/audit/fetch-batches";
import { join } from "node:path";
import { REPO_ROOT } from "./support/wrangler-dev";

const ORIGIN = "pool.test/t/0";
const PER_BATCH = 20;

/** Batch `n` in the export form: every event keeps its canonical body. */
function batchText(n: number): string {
  const lines: string[] = [];
  const leaves: Uint8Array[] = [];
  for (let i = 0; i < PER_BATCH; i++) {
    const seq = n * PER_BATCH + i;
    const body = canonicalJson({ decision_id: `d-${seq}`, note: "é" });
    const id = createHash("sha256").update(body).digest("hex");
    const envelope = canonicalJson({ log: ORIGIN, seq, id, digest: `sha256:${id}`, retained: "body" });
    leaves.push(hashLeaf(utf8(envelope)));
    lines.push(`{"envelope":${envelope},"event":${body}}`);
  }
  const header = canonicalJson({
    log: ORIGIN,
    batch: n,
    first_seq: n * PER_BATCH,
    count: PER_BATCH,
    root: toHex(merkleRoot(leaves)),
    sealed_at: "2026-11-30T00:00:01Z",
  });
  return [header, ...lines].join("\n") + "\n";
}

/** Ranges of two batches each, as gzip members; `edit` may change a batch's text first. */
async function* ranges(
  batches: number,
  edit = (_n: number, text: string) => text,
): AsyncGenerator<ExportRange> {
  for (let from = 0; from < batches; from += 2) {
    const gz = [from, from + 1].map((n) => gzipSync(edit(n, batchText(n))));
    yield { from, count: 2, bytes: new Uint8Array(Buffer.concat(gz)), gzip: true };
    // Let the worker take its range before the next one arrives, as downloads do.
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe("CheckPool with one worker", () => {
  let script = "";
  beforeAll(() => {
    script = CheckPool.script(pathToFileURL(join(REPO_ROOT, "dist", "cli.mjs")).href) ?? "";
    expect(existsSync(script), "dist/audit-worker.mjs is built by npm run pretest").toBe(true);
  });

  const run = async (pool: CheckPool, source: AsyncIterable<ExportRange>) => {
    const checked: CheckedBatch[] = [];
    let failure: unknown = null;
    try {
      for await (const c of pool.checkAll(source, ORIGIN, 4)) checked.push(c);
    } catch (err) {
      failure = err;
    } finally {
      await pool.close();
    }
    return { checked, failure };
  };

  it("checks on the main thread too and hands the batches out in order", async () => {
    const pool = new CheckPool(script, 1);
    const { checked, failure } = await run(pool, ranges(12));
    expect(failure).toBeNull();
    expect(checked.map((c) => c.header.batch)).toEqual(Array.from({ length: 12 }, (_, n) => n));
    expect(checked.every((c) => c.events === PER_BATCH && c.bodiesChecked === PER_BATCH)).toBe(true);
    // Both threads took ranges.
    expect(pool.rangesHere).toBeGreaterThan(0);
    expect(pool.rangesHere).toBeLessThan(6);
  });

  it("reports a tampered body in whichever thread checked it, after the batches before it", async () => {
    for (const bad of [1, 2, 3, 4, 9]) {
      const pool = new CheckPool(script, 1);
      const { checked, failure } = await run(
        pool,
        ranges(12, (n, text) => (n === bad ? text.replace('"note":"é"}}', '"note":"e"}}') : text)),
      );
      expect(failure, `batch ${bad}`).toBeInstanceOf(AuditFailure);
      expect((failure as AuditFailure).step).toBe("event body");
      expect((failure as AuditFailure).where.batch).toBe(bad);
      expect(checked.map((c) => c.header.batch)).toEqual(Array.from({ length: bad }, (_, n) => n));
    }
  });
});

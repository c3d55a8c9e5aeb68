/**
 * What the stored batch bundles are made of, and what compressing them costs where: read back
 * from the LogShard databases the storage figure measured (the bundles as sealed), then
 * recompressed in this Node process with zlib — the same deflate (level 6, zlib's default) the
 * runtime's CompressionStream applies at seal.
 */
import { createHash } from "node:crypto";
import { gunzipSync, gzipSync } from "node:zlib";
import { DatabaseSync } from "node:sqlite";

export interface BundleStudy {
  events: number;
  batches: number;
  /** Bytes per event. */
  stored: number;
  level6: number;
  level9: number;
  /** Each request slice (SLICE_LINES lines) its own gzip member, as a Worker would send it. */
  perSliceMembers: number;
  /** The envelope's `digest` member dropped (it repeats the id). */
  withoutDigest: number;
  envelopesOnly: number;
  bodiesOnly: number;
  /** CPU µs per event (this process, best of REPEATS). */
  cpu: { gzipBatch: number; gzipSlices: number; leafHashes: number };
}

/** The storage figure's request size: the slices a Worker would compress. */
export const SLICE_LINES = 100;
const REPEATS = 5;

function cpuMicros(work: () => void): number {
  let best = Infinity;
  for (let r = 0; r < REPEATS; r++) {
    const t0 = process.cpuUsage();
    work();
    const d = process.cpuUsage(t0);
    best = Math.min(best, d.user + d.system);
  }
  return best;
}

const ENVELOPE_PREFIX = '{"envelope":';
const SEPARATOR = ',"event":';

export function studyBundles(files: readonly string[]): BundleStudy {
  const exports: Array<{ header: string; lines: string[] }> = [];
  let stored = 0;
  for (const file of files) {
    const db = new DatabaseSync(file, { readOnly: true });
    try {
      for (const row of db.prepare("SELECT bundle FROM batches ORDER BY n").all() as Array<{
        bundle: Uint8Array;
      }>) {
        stored += row.bundle.length;
        const text = gunzipSync(row.bundle).toString("utf8");
        const all = text.slice(0, -1).split("\n");
        exports.push({ header: all[0]!, lines: all.slice(1) });
      }
    } finally {
      db.close();
    }
  }
  const events = exports.reduce((s, e) => s + e.lines.length, 0);
  const whole = exports.map((e) => Buffer.from(e.header + "\n" + e.lines.map((l) => l + "\n").join("")));
  const sliced = exports.map((e) => {
    const parts = [Buffer.from(e.header + "\n")];
    for (let i = 0; i < e.lines.length; i += SLICE_LINES)
      parts.push(
        Buffer.from(
          e.lines
            .slice(i, i + SLICE_LINES)
            .map((l) => l + "\n")
            .join(""),
        ),
      );
    return parts;
  });
  const sum = (bufs: Buffer[]) => bufs.reduce((s, b) => s + b.length, 0);
  const gz = (b: Buffer, level = 6) => gzipSync(b, { level });
  const envelopeOf = (l: string) => l.slice(ENVELOPE_PREFIX.length, l.indexOf(SEPARATOR));
  const bodyOf = (l: string) => l.slice(l.indexOf(SEPARATOR) + SEPARATOR.length, -1);
  const withoutDigest = exports.map((e) =>
    Buffer.from(e.lines.map((l) => l.replace(/"digest":"sha256:[0-9a-f]{64}",/, "") + "\n").join("")),
  );
  const envelopes = exports.map((e) => Buffer.from(e.lines.map((l) => envelopeOf(l) + "\n").join("")));
  const bodies = exports.map((e) => Buffer.from(e.lines.map((l) => bodyOf(l) + "\n").join("")));
  const leafInputs = exports.flatMap((e) => e.lines.map((l) => Buffer.from(envelopeOf(l))));
  const per = (n: number) => n / events;
  return {
    events,
    batches: exports.length,
    stored: per(stored),
    level6: per(sum(whole.map((b) => gz(b)))),
    level9: per(sum(whole.map((b) => gz(b, 9)))),
    perSliceMembers: per(sliced.reduce((s, parts) => s + sum(parts.map((p) => gz(p))), 0)),
    withoutDigest: per(sum(withoutDigest.map((b) => gz(b)))),
    envelopesOnly: per(sum(envelopes.map((b) => gz(b)))),
    bodiesOnly: per(sum(bodies.map((b) => gz(b)))),
    cpu: {
      gzipBatch: per(cpuMicros(() => whole.forEach((b) => gz(b)))),
      gzipSlices: per(cpuMicros(() => sliced.forEach((parts) => parts.forEach((p) => gz(p))))),
      // RFC 9162 §2.1.1 leaf hashes: the seal's other per-event work, for scale.
      leafHashes: per(
        cpuMicros(() =>
          leafInputs.forEach((b) =>
            createHash("sha256")
              .update(Buffer.from([0]))
              .update(b)
              .digest(),
          ),
        ),
      ),
    },
  };
}

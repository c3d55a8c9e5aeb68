/**
 * Bounded gunzip of a request body, multi-member included (RFC 1952).
 *
 * Two properties matter here, and the runtime's `DecompressionStream("gzip")` alone has neither:
 *
 * - Memory. Handed a whole body at once, the inflater may materialize far more output than the
 *   caller ever reads (a 1 MB bomb took workerd from 138 to 1,106 MiB). The body is therefore fed
 *   in slices of {@link SLICE_BYTES} and the output is counted as it is read; the first byte past
 *   the limit stops everything, so a bomb costs about the limit, not its expanded size.
 * - Members. RFC 1952 §2.2: "A gzip file consists of a series of members"; `pigz`, `cat a.gz b.gz`
 *   and several client libraries produce more than one. workerd's stream inflates one member and
 *   errors on any byte after it ("Trailing bytes after end of compressed data"), and a
 *   `DecompressionStream` does not say how much input it consumed. So member boundaries are found
 *   here: a member can only end where the next one starts with its magic and method bytes
 *   `1f 8b 08` (§2.3.1), or at the end of the body. The body is fed up to such a candidate and the
 *   stream closed; the stream itself checks the member's CRC32 and ISIZE, so a close that succeeds
 *   proves the member ended exactly there. A false candidate (those three bytes inside compressed
 *   data) fails the close; the member is then inflated again from its start, past that candidate.
 *   Valid JSON text cannot hold a raw 0x1f byte, so false candidates only arise by chance inside
 *   Huffman-coded data (about once per 16 MiB); at most {@link MAX_FALSE_BOUNDARIES} are tolerated
 *   per body so a crafted body cannot make the re-inflation quadratic.
 *
 * Bytes after the last member that do not form a member ("trailing garbage") are refused: the
 * body as sent is not what a gzip reader of the whole file would see.
 */
import { joinChunks } from "../../core/bytes";

/** Compressed bytes handed to the inflater per write: at most ~1 MiB of output each (deflate's 1032:1). */
export const SLICE_BYTES = 1024;

/** False member boundaries tolerated per body before it is refused (see the module comment). */
export const MAX_FALSE_BOUNDARIES = 16;

/** Why a gzip body was refused; `kind` picks the status (413 for the limit, 400 otherwise). */
export class GunzipError extends Error {
  readonly kind: "too_large" | "invalid";
  constructor(kind: "too_large" | "invalid", message: string) {
    super(message);
    this.name = "GunzipError";
    this.kind = kind;
  }
}

const TRAILING = /trailing/i;

/**
 * Inflates every member of `raw` in order and returns the concatenated output.
 *
 * Preconditions: `raw` is the complete, non-empty body. `maxOutput` bounds the total output.
 * @throws GunzipError "too_large" as soon as the output passes `maxOutput`; "invalid" for a body
 * that is not a series of valid gzip members (bad header, CRC32/ISIZE mismatch, truncation,
 * trailing bytes).
 */
export async function gunzipBounded(raw: Uint8Array, maxOutput: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  let start = 0;
  let members = 0;
  let falseBoundaries = 0;
  while (start < raw.length) {
    if (raw.length - start < 18 || raw[start] !== 0x1f || raw[start + 1] !== 0x8b) {
      throw new GunzipError(
        "invalid",
        members === 0
          ? "body is not gzip (it does not start with the gzip magic bytes 1f 8b)"
          : `${raw.length - start} bytes after gzip member ${members} are not another gzip member (RFC 1952 §2.2); remove the trailing bytes`,
      );
    }
    // Candidates at or before `skipUpTo` were already shown false for this member.
    let skipUpTo = start;
    for (;;) {
      const end = nextCandidate(raw, Math.max(start + 18, skipUpTo + 1));
      const memberChunks: Uint8Array[] = [];
      const outcome = await inflateMember(raw.subarray(start, end), maxOutput - total, memberChunks);
      if (outcome.ok) {
        for (const c of memberChunks) chunks.push(c);
        total += outcome.bytes;
        members++;
        start = end;
        break;
      }
      if (outcome.overLimit) {
        throw new GunzipError("too_large", `decompressed body exceeds the limit of ${maxOutput} bytes`);
      }
      if (outcome.incomplete && end < raw.length) {
        if (++falseBoundaries > MAX_FALSE_BOUNDARIES) {
          throw new GunzipError(
            "invalid",
            `body has more than ${MAX_FALSE_BOUNDARIES} byte sequences that look like gzip member starts but are not`,
          );
        }
        skipUpTo = end;
        continue;
      }
      const where = members === 0 ? "" : ` (member ${members + 1}, at byte ${start})`;
      if (outcome.trailing) {
        throw new GunzipError(
          "invalid",
          `body has bytes after the end of a gzip member${where} that are not another gzip member (RFC 1952 §2.2); remove the trailing bytes`,
        );
      }
      throw new GunzipError("invalid", `body is not valid gzip${where}: ${outcome.message}`);
    }
  }
  return joinChunks(chunks);
}

/** First position ≥ from where `1f 8b 08` starts, or the end of the body. */
function nextCandidate(raw: Uint8Array, from: number): number {
  for (let i = raw.indexOf(0x1f, from); i >= 0 && i + 2 < raw.length; i = raw.indexOf(0x1f, i + 1)) {
    if (raw[i + 1] === 0x8b && raw[i + 2] === 0x08) return i;
  }
  return raw.length;
}

type MemberOutcome =
  | { ok: true; bytes: number }
  | { ok: false; overLimit: boolean; incomplete: boolean; trailing: boolean; message: string };

/** Inflates `member` (one gzip member if the boundary is right), appending output to `out`. */
async function inflateMember(member: Uint8Array, budget: number, out: Uint8Array[]): Promise<MemberOutcome> {
  const stream = new DecompressionStream("gzip");
  const writer = stream.writable.getWriter();
  const reader = stream.readable.getReader();
  let bytes = 0;
  let overLimit = false;
  const reading = (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      bytes += value.byteLength;
      if (bytes > budget) {
        overLimit = true;
        throw new Error("over limit");
      }
      out.push(value);
    }
  })();
  const writing = (async () => {
    for (let off = 0; off < member.length && !overLimit; off += SLICE_BYTES) {
      await writer.write(member.subarray(off, Math.min(member.length, off + SLICE_BYTES)));
      // The stream inflates a write's input at once into its queue and takes the next write
      // right away; a turn of the event loop lets the reader drain that output (and stop at the
      // limit) before more input goes in.
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    if (!overLimit) await writer.close();
  })();
  // Whichever side fails first decides; the other is torn down so nothing keeps inflating.
  const [r, w] = await Promise.allSettled([
    reading.catch(async (err) => {
      await writer.abort(err).catch(() => {});
      throw err;
    }),
    writing.catch(async (err) => {
      await reader.cancel(err).catch(() => {});
      throw err;
    }),
  ]);
  if (overLimit)
    return { ok: false, overLimit: true, incomplete: false, trailing: false, message: "over limit" };
  if (r.status === "fulfilled" && w.status === "fulfilled") return { ok: true, bytes };
  const err = w.status === "rejected" ? w.reason : (r as PromiseRejectedResult).reason;
  const message = err instanceof Error ? err.message : String(err);
  return {
    ok: false,
    overLimit: false,
    incomplete: /incomplete/i.test(message),
    trailing: TRAILING.test(message),
    message,
  };
}

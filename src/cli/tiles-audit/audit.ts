/**
 * Audits a log from its tlog-tiles alone, trusting only the log's verifier key:
 *
 *   1. the checkpoint's signature (C2SP signed note) and origin;
 *   2. against the saved state: no rollback, and an RFC 9162 consistency proof computed from
 *      hash tiles from the saved size to the new one (a fork or split view fails here);
 *   3. the root computed from hash tiles equals the checkpoint's;
 *   4. every new batch: its header (entry bundle) is canonical JSON with the right log, index
 *      and first seq, hashes to the level-0 tile hash, and its root is recomputed from the
 *      batch's envelope bundle (canonical envelopes of this log, seqs in order);
 *   5. the saved right edge extended by the new headers gives the checkpoint's root.
 */
import { bytesEqual, fromHex, toHex } from "../../core/bytes";
import { canonicalJson } from "../../core/canonical";
import { hashLeaf, merkleRoot, verifyConsistency } from "../../core/merkle";
import { openNote, parseCheckpoint, type Checkpoint, type NoteVerifier } from "../../core/note";
import { decodeBundle, Frontier, splitHashTile, TiledTree, tileWidth, TILE_WIDTH } from "../../core/tiles";
import { CheckFailedError } from "../errors";
import { asStep } from "../verification";
import type { TileSource } from "./source";
import { frontierJson, frontierOf, type TilesAuditState } from "./state";

export interface TilesAuditReport {
  origin: string;
  size: number;
  root: string;
  /** Batches and events checked in this run (the ones after the saved state). */
  newBatches: number;
  newEvents: number;
  state: TilesAuditState;
  steps: Array<{ step: string; detail: string }>;
}

export interface TilesAuditOptions {
  source: TileSource;
  verifier: NoteVerifier;
  previous: TilesAuditState | null;
  concurrency: number;
  onStep?: (step: string, detail: string) => void;
  now: () => Date;
}

const decoder = new TextDecoder("utf-8", { fatal: true });

export async function auditTiles(opts: TilesAuditOptions): Promise<TilesAuditReport> {
  const { source, verifier, previous } = opts;
  const steps: Array<{ step: string; detail: string }> = [];
  const pass = (step: string, detail: string) => {
    steps.push({ step, detail });
    opts.onStep?.(step, detail);
  };

  const note = await source.checkpoint();
  if (note === null) {
    throw new CheckFailedError(
      "checkpoint",
      `${source.prefix}/checkpoint is absent`,
      "a signed checkpoint",
      "404",
    );
  }
  const cp: Checkpoint = await asStep("checkpoint", async () =>
    parseCheckpoint((await openNote(note, [verifier])).text),
  );
  if (cp.origin !== verifier.name) {
    throw new CheckFailedError(
      "checkpoint",
      "checkpoint origin is not the key's name",
      verifier.name,
      cp.origin,
    );
  }
  pass("checkpoint", `signed by ${verifier.name}, size ${cp.size}`);

  const tree = new TiledTree(cp.size, (tile) => source.tile(tile));
  if (previous) {
    if (previous.origin !== cp.origin) {
      throw new CheckFailedError("consistency", "state file is for another log", previous.origin, cp.origin);
    }
    if (cp.size < previous.size) {
      throw new CheckFailedError(
        "consistency",
        "the log shrank since the last audit (rollback)",
        `size >= ${previous.size}`,
        String(cp.size),
      );
    }
    if (previous.size > 0) {
      await asStep(
        "consistency",
        async () => {
          const proof = cp.size === previous.size ? [] : await tree.consistency(previous.size);
          verifyConsistency(previous.size, cp.size, fromHex(previous.root), cp.rootHash, proof);
        },
        { from: previous.size, to: cp.size },
      );
    }
    pass("consistency", `size ${previous.size} → ${cp.size}: the log only grew since the last audit`);
  }

  if (cp.size > 0) {
    await asStep("tile root", async () => {
      const root = await tree.root();
      if (!bytesEqual(root, cp.rootHash)) {
        throw new CheckFailedError(
          "tile root",
          "root computed from hash tiles differs from the checkpoint",
          toHex(cp.rootHash),
          toHex(root),
        );
      }
    });
    pass("tile root", `root from hash tiles = checkpoint root ${toHex(cp.rootHash).slice(0, 16)}…`);
  }

  const frontier: Frontier = previous ? frontierOf(previous) : new Frontier();
  let nextSeq = previous?.next_seq ?? 0;
  let newEvents = 0;
  const from = previous?.size ?? 0;
  for (let bundle = Math.floor(from / TILE_WIDTH); bundle * TILE_WIDTH < cp.size; bundle++) {
    const width = tileWidth(cp.size, 0, bundle);
    const [entriesBytes, tileBytes] = await Promise.all([
      source.tile({ level: "entries", index: bundle, width }),
      source.tile({ level: 0, index: bundle, width }),
    ]);
    const where = { bundle };
    const entries = await asStep("entry bundle", () => decodeBundle(entriesBytes), where);
    if (entries.length !== width) {
      throw new CheckFailedError(
        "entry bundle",
        "bundle has the wrong number of entries",
        String(width),
        String(entries.length),
        where,
      );
    }
    const leafTile = await asStep(
      "tile",
      () => splitHashTile(tileBytes.subarray(0, width * 32), width),
      where,
    );
    const start = bundle * TILE_WIDTH;
    const first = Math.max(from, start);
    const batches = [];
    for (let n = first; n < start + width; n++) batches.push(n);
    // Envelope bundles are fetched `concurrency` at a time; checks run in batch order.
    for (let i = 0; i < batches.length; i += opts.concurrency) {
      const group = batches.slice(i, i + opts.concurrency);
      const bundles = await Promise.all(group.map((n) => source.envelopes(n)));
      for (const [j, n] of group.entries()) {
        const raw = entries[n - start]!;
        const leaf = hashLeaf(raw);
        if (!bytesEqual(leaf, leafTile[n - start]!)) {
          throw new CheckFailedError(
            "tile",
            "batch header does not hash to its level-0 tile hash",
            toHex(leafTile[n - start]!),
            toHex(leaf),
            { batch: n },
          );
        }
        const count = checkBatch(cp.origin, n, nextSeq, raw, bundles[j]!);
        frontier.append(leaf);
        nextSeq += count;
        newEvents += count;
      }
    }
  }
  const root = frontier.root();
  if (!bytesEqual(root, cp.rootHash)) {
    throw new CheckFailedError(
      "log root",
      "root over the audited batch headers differs from the checkpoint",
      toHex(cp.rootHash),
      toHex(root),
    );
  }
  pass(
    "batches",
    `${cp.size - from} new batches, ${newEvents} events: every batch root recomputed from its envelopes`,
  );
  pass("log root", `headers 0…${cp.size} → checkpoint root`);
  return {
    origin: cp.origin,
    size: cp.size,
    root: toHex(cp.rootHash),
    newBatches: cp.size - from,
    newEvents,
    steps,
    state: {
      format: "edgelog-tiles-audit/1",
      origin: cp.origin,
      size: cp.size,
      root: toHex(cp.rootHash),
      checkpoint: note,
      frontier: frontierJson(frontier),
      next_seq: nextSeq,
      audited_at: opts.now().toISOString(),
    },
  };
}

interface Header {
  log: string;
  batch: number;
  first_seq: number;
  count: number;
  root: string;
  sealed_at: string;
}

/** Checks batch `n`'s header bytes and envelope bundle; returns its event count. */
function checkBatch(
  origin: string,
  n: number,
  firstSeq: number,
  headerBytes: Uint8Array,
  envelopeBundle: Uint8Array,
): number {
  const fail = (
    message: string,
    expected: string,
    found: string,
    extra: Record<string, string | number> = {},
  ) => new CheckFailedError("batch", message, expected, found, { batch: n, ...extra });
  const header = parseCanonical(headerBytes, () =>
    fail("batch header is not canonical JSON", "RFC 8785 canonical JSON", "other bytes"),
  ) as Header;
  if (header.log !== origin) throw fail("batch header names another log", origin, String(header.log));
  if (header.batch !== n) throw fail("batch header has the wrong index", String(n), String(header.batch));
  if (header.first_seq !== firstSeq)
    throw fail(
      "batch does not start where the previous one ended",
      String(firstSeq),
      String(header.first_seq),
    );
  let envelopes: Uint8Array[];
  try {
    envelopes = decodeBundle(envelopeBundle);
  } catch (err) {
    throw fail("envelope bundle is malformed", "uint16-length-prefixed envelopes", (err as Error).message);
  }
  if (envelopes.length !== header.count)
    throw fail("envelope count differs from the header", String(header.count), String(envelopes.length));
  for (const [i, raw] of envelopes.entries()) {
    const env = parseCanonical(raw, () =>
      fail("envelope is not canonical JSON", "RFC 8785 canonical JSON", "other bytes", { seq: firstSeq + i }),
    ) as {
      log?: unknown;
      seq?: unknown;
    };
    if (env.log !== origin)
      throw fail("envelope names another log", origin, String(env.log), { seq: firstSeq + i });
    if (env.seq !== firstSeq + i)
      throw fail("envelope out of sequence", String(firstSeq + i), String(env.seq), { seq: firstSeq + i });
  }
  const root = toHex(merkleRoot(envelopes.map((e) => hashLeaf(e))));
  if (root !== header.root)
    throw fail("batch root recomputed from the envelopes differs from the header", header.root, root);
  return header.count;
}

function parseCanonical(bytes: Uint8Array, fail: () => Error): unknown {
  let value: unknown;
  let text: string;
  try {
    text = decoder.decode(bytes);
    value = JSON.parse(text);
  } catch {
    throw fail();
  }
  if (value === null || typeof value !== "object" || canonicalJson(value) !== text) throw fail();
  return value;
}

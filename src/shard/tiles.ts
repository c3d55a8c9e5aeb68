/**
 * The log as C2SP tlog-tiles, read from what the shard already stores (no extra writes on the
 * ingest or seal path): entry i of hash tile (l, n) is perfect node (8·l, 256·n + i) of the log
 * tree, which `tree_nodes` holds; entry bundles frame the batches' canonical headers (the
 * tree's leaves); envelope bundles frame one batch's canonical envelopes (that batch's leaves).
 * Also the witness side's storage: cosignatures per checkpoint and per-witness progress.
 */
import { concatBytes, utf8 } from "../core/bytes";
import { splitLine } from "./bundle";
import { encodeBundle, levelWidth, TILE_HEIGHT, TILE_WIDTH, type TileRef } from "../core/tiles";

export const TILES_SCHEMA = `
CREATE TABLE IF NOT EXISTS cosignatures (
  size INTEGER NOT NULL,
  witness TEXT NOT NULL,
  line TEXT NOT NULL,
  PRIMARY KEY (size, witness)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS witness_progress (
  witness TEXT PRIMARY KEY,
  size INTEGER NOT NULL,
  status TEXT NOT NULL,
  at INTEGER NOT NULL
) WITHOUT ROWID;
`;

export type TileAnswer = { ok: true; bytes: Uint8Array } | { ok: false; status: 404; message: string };

/**
 * A hash tile or an entry bundle of the tree of `treeSize` leaves. A partial tile of width W
 * is served whenever the tree has at least W hashes in that tile: its content never changes
 * (it is a prefix of the future full tile), so any checkpoint size that needs it finds it.
 */
export function readTile(sql: SqlStorage, tile: TileRef, treeSize: number): TileAnswer {
  const level = tile.level === "entries" ? 0 : tile.level;
  const available = levelWidth(treeSize, level) - tile.index * TILE_WIDTH;
  if (available < tile.width) {
    const what = tile.level === "entries" ? "entry bundle" : `level ${tile.level} tile`;
    return {
      ok: false,
      status: 404,
      message: `${what} ${tile.index} of width ${tile.width} is beyond the tree of size ${treeSize}`,
    };
  }
  const first = tile.index * TILE_WIDTH;
  if (tile.level === "entries") {
    const rows = sql
      .exec<{ header: string }>(
        "SELECT header FROM batches WHERE n >= ? AND n < ? ORDER BY n",
        first,
        first + tile.width,
      )
      .toArray();
    return { ok: true, bytes: encodeBundle(rows.map((r) => utf8(r.header))) };
  }
  const rows = sql
    .exec<{ hash: ArrayBuffer }>(
      "SELECT hash FROM tree_nodes WHERE level = ? AND idx >= ? AND idx < ? ORDER BY idx",
      level * TILE_HEIGHT,
      first,
      first + tile.width,
    )
    .toArray();
  if (rows.length !== tile.width)
    throw new Error(`tree_nodes lacks nodes of tile ${level}/${tile.index}: ${rows.length} of ${tile.width}`);
  return { ok: true, bytes: concatBytes(...rows.map((r) => new Uint8Array(r.hash))) };
}

/** A sealed batch's envelopes (the E of each stored line, canonical JSON in seq order) as one bundle. */
export function envelopeBundleOf(lines: readonly string[]): Uint8Array {
  return encodeBundle(lines.map((line) => utf8(splitLine(line).envelope)));
}

/** The checkpoint of `size` with the stored cosignature lines appended (signed-note lines). */
export function withCosignatures(sql: SqlStorage, size: number, note: string): string {
  const lines = sql
    .exec<{ line: string }>("SELECT line FROM cosignatures WHERE size = ? ORDER BY witness", size)
    .toArray();
  return note + lines.map((r) => `${r.line}\n`).join("");
}

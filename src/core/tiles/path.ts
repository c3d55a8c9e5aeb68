/**
 * C2SP tlog-tiles resource paths (c2sp.org/tlog-tiles, "Merkle Tree" and "Log entries"):
 *
 *     tile/<L>/<N>[.p/<W>]        hash tiles, level L in 0..63
 *     tile/entries/<N>[.p/<W>]    entry bundles
 *
 * N is written as zero-padded 3-digit path elements, every one but the last prefixed with `x`
 * (index 1234067 is `x001/x234/067`); `.p/<W>` marks a partial tile of width W in 1..255.
 */
import { TilePathError } from "./errors";

/** Tiles are subtrees of height 8: 256 hashes wide when full. */
export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 256;
/** "<L> … MUST be a decimal ASCII integer between 0 and 63". */
export const MAX_TILE_LEVEL = 63;

/** A hash tile (`level` ≥ 0) or an entry bundle (`level` = "entries"). */
export interface TileRef {
  readonly level: number | "entries";
  readonly index: number;
  /** 1..256; 256 is a full tile (no `.p/` suffix). */
  readonly width: number;
}

/**
 * N in the spec's form: 3-digit groups, all but the last starting with `x`.
 * Precondition: `index` is a non-negative safe integer.
 */
export function formatTileIndex(index: number): string {
  if (!Number.isSafeInteger(index) || index < 0) {
    throw new TilePathError("bad tile index", "a non-negative safe integer", String(index));
  }
  const groups: string[] = [];
  let n = index;
  do {
    groups.unshift(String(n % 1000).padStart(3, "0"));
    n = Math.floor(n / 1000);
  } while (n > 0);
  return groups.map((g, i) => (i < groups.length - 1 ? `x${g}` : g)).join("/");
}

/** The path of `tile` relative to the log's prefix, e.g. `tile/0/x001/234.p/7`. */
export function formatTilePath(tile: TileRef): string {
  checkWidth(tile.width);
  if (
    tile.level !== "entries" &&
    (!Number.isInteger(tile.level) || tile.level < 0 || tile.level > MAX_TILE_LEVEL)
  ) {
    throw new TilePathError("bad tile level", `an integer from 0 to ${MAX_TILE_LEVEL}`, String(tile.level));
  }
  const suffix = tile.width === TILE_WIDTH ? "" : `.p/${tile.width}`;
  return `tile/${tile.level}/${formatTileIndex(tile.index)}${suffix}`;
}

/**
 * Parses the part of a tile path after `tile/`: `<L>/<N>[.p/<W>]` or `entries/<N>[.p/<W>]`.
 * Strict: no leading zeroes in L or W, 3-digit groups, `x` on all groups but the last, and no
 * leading `x000` group (which would give one index two paths).
 *
 * @throws TilePathError naming the part that is wrong.
 */
export function parseTilePath(path: string): TileRef {
  const parts = path.split("/");
  const levelPart = parts.shift() ?? "";
  let level: number | "entries";
  if (levelPart === "entries") level = "entries";
  else if (/^(0|[1-9][0-9]?)$/.test(levelPart) && Number(levelPart) <= MAX_TILE_LEVEL)
    level = Number(levelPart);
  else
    throw new TilePathError(
      "bad tile level",
      `"entries" or 0..${MAX_TILE_LEVEL} without leading zeroes`,
      JSON.stringify(levelPart),
    );

  let width = TILE_WIDTH;
  const dotP = parts.length >= 2 ? parts[parts.length - 2]! : "";
  if (dotP.endsWith(".p")) {
    const w = parts.pop()!;
    if (!/^[1-9][0-9]{0,2}$/.test(w) || Number(w) >= TILE_WIDTH) {
      throw new TilePathError("bad partial tile width", "1..255 without leading zeroes", JSON.stringify(w));
    }
    width = Number(w);
    parts[parts.length - 1] = dotP.slice(0, -2);
  }
  if (parts.length === 0) throw new TilePathError("missing tile index", "<N> as 3-digit groups", "nothing");
  let index = 0;
  for (const [i, group] of parts.entries()) {
    const last = i === parts.length - 1;
    const m = (last ? /^([0-9]{3})$/ : /^x([0-9]{3})$/).exec(group);
    if (!m) {
      throw new TilePathError(
        `bad tile index element ${i + 1}`,
        last ? "3 digits" : "x followed by 3 digits",
        JSON.stringify(group),
      );
    }
    if (i === 0 && !last && m[1] === "000") {
      throw new TilePathError(
        "tile index has a leading zero group",
        "no leading x000",
        JSON.stringify(group),
      );
    }
    index = index * 1000 + Number(m[1]);
  }
  if (!Number.isSafeInteger(index))
    throw new TilePathError("tile index too large", "a safe integer", parts.join("/"));
  return { level, index, width };
}

function checkWidth(width: number): void {
  if (!Number.isInteger(width) || width < 1 || width > TILE_WIDTH) {
    throw new TilePathError("bad tile width", `an integer from 1 to ${TILE_WIDTH}`, String(width));
  }
}

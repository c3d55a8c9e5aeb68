import { describe, expect, it } from "vitest";
import {
  bundlesOfTree,
  decodeBundle,
  encodeBundle,
  formatTileIndex,
  formatTilePath,
  parseTilePath,
  splitHashTile,
  tileWidth,
  tilesOfTree,
  TileFormatError,
  TilePathError,
} from "../../../src/core/tiles";

describe("tile paths (c2sp.org/tlog-tiles)", () => {
  it("encodes the index as the spec's example does: 1234067 is x001/x234/067", () => {
    expect(formatTileIndex(1234067)).toBe("x001/x234/067");
    expect(parseTilePath("0/x001/x234/067")).toEqual({ level: 0, index: 1234067, width: 256 });
  });

  it("pads small indexes to 3 digits and prefixes all but the last group with x", () => {
    expect(formatTileIndex(0)).toBe("000");
    expect(formatTileIndex(7)).toBe("007");
    expect(formatTileIndex(999)).toBe("999");
    expect(formatTileIndex(1000)).toBe("x001/000");
    expect(formatTileIndex(1_000_000)).toBe("x001/x000/000");
  });

  it("writes full tiles without a suffix and partial tiles with .p/<W>", () => {
    expect(formatTilePath({ level: 0, index: 273, width: 256 })).toBe("tile/0/273");
    expect(formatTilePath({ level: 0, index: 273, width: 112 })).toBe("tile/0/273.p/112");
    expect(formatTilePath({ level: 2, index: 1234067, width: 1 })).toBe("tile/2/x001/x234/067.p/1");
    expect(formatTilePath({ level: "entries", index: 1000, width: 5 })).toBe("tile/entries/x001/000.p/5");
  });

  it("parses what it writes, and partial suffixes", () => {
    expect(parseTilePath("entries/x001/000.p/5")).toEqual({ level: "entries", index: 1000, width: 5 });
    expect(parseTilePath("1/000.p/17")).toEqual({ level: 1, index: 0, width: 17 });
    expect(parseTilePath("63/001")).toEqual({ level: 63, index: 1, width: 256 });
  });

  it.each([
    ["00/000", "leading zero in the level"],
    ["64/000", "level above 63"],
    ["0/1", "index group not 3 digits"],
    ["0/001/234", "x missing on a leading group"],
    ["0/x001", "x on the last group"],
    ["0/x000/001", "leading zero group"],
    ["0/000.p/0", "width 0"],
    ["0/000.p/256", "width 256 in a partial tile"],
    ["0/000.p/07", "leading zero in the width"],
    ["tiles/000", "not a level"],
    ["0", "no index"],
  ])("refuses %s (%s)", (path) => {
    expect(() => parseTilePath(path)).toThrow(TilePathError);
  });
});

describe("tiles of a tree (c2sp.org/tlog-tiles, Partial Tiles)", () => {
  it("a tree of 70,000: 273 full level-0 tiles, a level-0 partial of 112, one full level-1 tile, a level-1 partial of 17, a level-2 partial of 1", () => {
    const tiles = tilesOfTree(70_000);
    const at = (level: number) => tiles.filter((t) => t.level === level);
    expect(at(0).filter((t) => t.width === 256)).toHaveLength(273);
    expect(at(0).filter((t) => t.width !== 256)).toEqual([{ level: 0, index: 273, width: 112 }]);
    expect(at(1)).toEqual([
      { level: 1, index: 0, width: 256 },
      { level: 1, index: 1, width: 17 },
    ]);
    expect(at(2)).toEqual([{ level: 2, index: 0, width: 1 }]);
    expect(at(3)).toEqual([]);
    expect(tileWidth(70_000, 1, 1)).toBe(17);
    expect(tileWidth(70_000, 1, 2)).toBe(0);
  });

  it("a tree of 256: one full level-0 tile and a level-1 partial of width 1", () => {
    expect(tilesOfTree(256)).toEqual([
      { level: 0, index: 0, width: 256 },
      { level: 1, index: 0, width: 1 },
    ]);
    expect(bundlesOfTree(256)).toEqual([{ level: "entries", index: 0, width: 256 }]);
  });

  it("an empty tree has no tiles (empty tiles are never served)", () => {
    expect(tilesOfTree(0)).toEqual([]);
  });
});

describe("entry bundles: big-endian uint16 length-prefixed entries", () => {
  it("frames each entry with its length", () => {
    const bundle = encodeBundle([
      new TextEncoder().encode("ab"),
      new Uint8Array(0),
      new Uint8Array(300).fill(7),
    ]);
    expect([...bundle.subarray(0, 6)]).toEqual([0x00, 0x02, 0x61, 0x62, 0x00, 0x00]);
    expect([...bundle.subarray(6, 8)]).toEqual([0x01, 0x2c]);
    expect(bundle.length).toBe(6 + 2 + 300);
    const back = decodeBundle(bundle);
    expect(back.map((e) => e.length)).toEqual([2, 0, 300]);
  });

  it("refuses an entry over 65,535 bytes and truncated bundles", () => {
    expect(() => encodeBundle([new Uint8Array(65_536)])).toThrow(TileFormatError);
    expect(() => decodeBundle(Uint8Array.of(0x00))).toThrow(/truncated length prefix/);
    expect(() => decodeBundle(Uint8Array.of(0x00, 0x03, 0x61))).toThrow(/truncated/);
  });

  it("splits hash tiles and checks their width", () => {
    expect(splitHashTile(new Uint8Array(64), 2)).toHaveLength(2);
    expect(() => splitHashTile(new Uint8Array(63), 2)).toThrow(TileFormatError);
  });
});

import { describe, expect, it } from "vitest";
import { fromHex, toBase64, toHex } from "../../../src/core/bytes";
import { MalformedCheckpointError, formatCheckpoint, parseCheckpoint } from "../../../src/core/note";

const ROOT_8 = "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328";
const ROOT_8_B64 = "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=";
const origin = "edgelog.example/test-log";

describe("formatCheckpoint", () => {
  it("writes origin, size and base64 root, one per line, ending in a newline", () => {
    expect(formatCheckpoint({ origin, size: 8, rootHash: fromHex(ROOT_8) })).toBe(
      `${origin}\n8\n${ROOT_8_B64}\n`,
    );
  });

  it("appends extension lines", () => {
    const text = formatCheckpoint({
      origin,
      size: 0,
      rootHash: new Uint8Array(32),
      extensions: ["ext one", "two"],
    });
    expect(text).toBe(`${origin}\n0\n${toBase64(new Uint8Array(32))}\next one\ntwo\n`);
  });

  it("refuses what parseCheckpoint would refuse", () => {
    const rootHash = fromHex(ROOT_8);
    expect(() => formatCheckpoint({ origin: "", size: 1, rootHash })).toThrow(MalformedCheckpointError);
    expect(() => formatCheckpoint({ origin: "a\nb", size: 1, rootHash })).toThrow(MalformedCheckpointError);
    expect(() => formatCheckpoint({ origin, size: -1, rootHash })).toThrow(/non-negative safe integer/);
    expect(() => formatCheckpoint({ origin, size: 1.5, rootHash })).toThrow(MalformedCheckpointError);
    expect(() => formatCheckpoint({ origin, size: 2 ** 53, rootHash })).toThrow(MalformedCheckpointError);
    expect(() => formatCheckpoint({ origin, size: 1, rootHash: rootHash.subarray(1) })).toThrow(/32 bytes/);
    expect(() => formatCheckpoint({ origin, size: 1, rootHash, extensions: [""] })).toThrow(
      /extension line 1/,
    );
  });
});

describe("parseCheckpoint", () => {
  it("round-trips a size above 2^31 (and above 2^32)", () => {
    for (const size of [2 ** 31 + 5, 2 ** 32 + 1, Number.MAX_SAFE_INTEGER]) {
      const text = formatCheckpoint({ origin, size, rootHash: fromHex(ROOT_8) });
      expect(text.split("\n")[1]).toBe(String(size));
      const parsed = parseCheckpoint(text);
      expect(parsed.size).toBe(size);
      expect(toHex(parsed.rootHash)).toBe(ROOT_8);
      expect(parsed.origin).toBe(origin);
    }
  });

  it("round-trips extension lines and the empty tree", () => {
    const parsed = parseCheckpoint(`${origin}\n0\n${ROOT_8_B64}\nx\n`);
    expect(parsed.size).toBe(0);
    expect(parsed.extensions).toEqual(["x"]);
    expect(parseCheckpoint(`${origin}\n0\n${ROOT_8_B64}\n`).extensions).toBeUndefined();
  });

  const refuses: Array<[string, string, RegExp]> = [
    ["checkpoint with leading zero in size", `${origin}\n08\n${ROOT_8_B64}\n`, /leading zeroes/],
    [
      "checkpoint with short root",
      `${origin}\n8\n${toBase64(fromHex(ROOT_8).subarray(0, 31))}\n`,
      /32 bytes/,
    ],
    ["checkpoint with a sign in size", `${origin}\n+8\n${ROOT_8_B64}\n`, /size/],
    ["checkpoint with an empty size", `${origin}\n\n${ROOT_8_B64}\n`, /size/],
    ["checkpoint with a size above 2^53", `${origin}\n9007199254740993\n${ROOT_8_B64}\n`, /too large/],
    ["checkpoint with an empty origin", `\n8\n${ROOT_8_B64}\n`, /origin/],
    [
      "checkpoint with a root that is not base64",
      `${origin}\n8\n${ROOT_8_B64.replace("=", "*")}\n`,
      /base64/,
    ],
    ["checkpoint with only two lines", `${origin}\n8\n`, /at least 3 lines/],
    ["checkpoint without a final newline", `${origin}\n8\n${ROOT_8_B64}`, /newline/],
    ["checkpoint with an empty extension line", `${origin}\n8\n${ROOT_8_B64}\n\n`, /extension line 1/],
  ];
  it.each(refuses)("refuses %s", (_name, text, message) => {
    expect(() => parseCheckpoint(text)).toThrow(MalformedCheckpointError);
    expect(() => parseCheckpoint(text)).toThrow(message);
  });
});

/**
 * The one-pass body scan (`scanJsonText`) against the two passes it replaces on the ingest path:
 * the shape pass before `JSON.parse` (`jsonTextShape`, `nestsDeeperThan`) and the I-JSON scan
 * after it (`findIJsonViolations`). Over generated JSON texts and mutations of them (most of
 * which are not JSON), whenever the scan answers, its answer must be the old passes' answer.
 */
import { describe, expect, it } from "vitest";
import { findIJsonViolations, scanJsonText } from "../../src/core/ijson";
import { jsonTextShape } from "../../src/worker/body/text-shape";
import { nestsDeeperThan } from "../../src/worker/body/parse-events";
import { prng } from "../support/prng";

const NAMES = ['"a"', '"b"', '"\\u0061"', '"a/b~"', '"\\ud800"', '"x\\"y"', '"é"', '"\\\\"'];
const SCALARS = [
  "1",
  "-0",
  "1.5e3",
  "9007199254740993",
  "1e400",
  "1e-400",
  "0.1",
  '"s"',
  '"\\ud83d\\ude00"',
  '"\\udc00"',
  '"a,b]}"',
  "true",
  "null",
  '""',
];
const WS = ["", "", "", " ", "\n", "\t "];

function pick<T>(rand: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rand() * xs.length)]!;
}

/** JSON text (names may repeat, numbers may be inexact, escapes may leave lone surrogates). */
function value(rand: () => number, depth: number): string {
  const r = rand();
  const ws = () => pick(rand, WS);
  if (depth <= 0 || r < 0.35) return pick(rand, SCALARS);
  const n = Math.floor(rand() * 4);
  const parts: string[] = [];
  if (r < 0.65) {
    for (let i = 0; i < n; i++)
      parts.push(`${ws()}${pick(rand, NAMES)}${ws()}:${ws()}${value(rand, depth - 1)}${ws()}`);
    return `{${parts.join(",")}}`;
  }
  for (let i = 0; i < n; i++) parts.push(`${ws()}${value(rand, depth - 1)}${ws()}`);
  return `[${parts.join(",")}]`;
}

/** Text that is often not JSON any more: a character dropped, inserted or doubled, or a cut. */
function mutate(rand: () => number, text: string): string {
  const at = Math.floor(rand() * (text.length + 1));
  switch (Math.floor(rand() * 5)) {
    case 0:
      return text.slice(0, at) + text.slice(at + 1);
    case 1:
      return (
        text.slice(0, at) +
        pick(rand, ["[", "]", "{", "}", ",", '"', "\\", ":", "1", "x", " "]) +
        text.slice(at)
      );
    case 2:
      return text.slice(0, at) + text.slice(Math.max(0, at - 5), at) + text.slice(at);
    case 3:
      return text.slice(0, at);
    default:
      return text;
  }
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

describe("scanJsonText agrees with the shape pass and the I-JSON scan", () => {
  it("on generated bodies and mutations of them", () => {
    let answered = 0;
    let answeredInvalid = 0;
    let gaveUp = 0;
    for (let seed = 1; seed <= 6000; seed++) {
      const rand = prng(seed);
      const root =
        rand() < 0.7
          ? `[${Array.from({ length: Math.floor(rand() * 5) }, () => value(rand, 4)).join(",")}]`
          : value(rand, 4);
      const text = rand() < 0.5 ? root : mutate(rand, mutate(rand, root));
      const maxDepth = 1 + Math.floor(rand() * 6);
      const maxItems = rand() < 0.3 ? Infinity : Math.floor(rand() * 6);
      const arrayOfItems = rand() < 0.7;
      const scan = scanJsonText(text, { arrayOfItems, maxDepth, maxItems });
      const valid = parses(text);
      const shape = jsonTextShape(text, maxDepth);
      const where = `seed ${seed}: ${JSON.stringify(text)} depth ${maxDepth} items ${maxItems}`;
      if (scan === null) {
        gaveUp++;
        // Valid JSON with an array or object at the top, within the limits, is always answered.
        if (valid && /^\s*[[{]/.test(text) && !shape.tooDeep && shape.items <= maxItems) {
          expect.fail(`gave up on valid JSON within the limits: ${where}`);
        }
        continue;
      }
      answered++;
      if (!valid) answeredInvalid++;
      expect(scan.tooDeep, where).toBe(shape.tooDeep);
      expect(scan.tooDeep, where).toBe(nestsDeeperThan(text, maxDepth));
      if (scan.tooDeep) continue;
      expect(scan.items, where).toBe(shape.items);
      if (valid) expect(scan.violations, where).toEqual(findIJsonViolations(text, { arrayOfItems }));
    }
    // Every branch is exercised by the sample.
    expect(answered).toBeGreaterThan(3000);
    expect(answeredInvalid).toBeGreaterThan(300);
    expect(gaveUp).toBeGreaterThan(300);
  });

  it("finds the violations of a body of events, with each item's pointer", () => {
    const text = '[{"a":1,"a":2},{"n":9007199254740993},{"s":"\\ud800"},{"ok":[1,2]}]';
    const scan = scanJsonText(text, { arrayOfItems: true, maxDepth: 65, maxItems: 100 });
    expect(scan).not.toBeNull();
    expect(scan!.items).toBe(4);
    expect(scan!.violations.map((v) => [v.item, v.rule, v.pointer])).toEqual([
      [0, "duplicate-name", "/a"],
      [1, "inexact-number", "/n"],
      [2, "invalid-unicode", "/s"],
    ]);
  });

  it("gives up past the item limit, on a closing bracket with nothing open and on a malformed escape", () => {
    const opts = { arrayOfItems: true, maxDepth: 65, maxItems: 2 };
    expect(scanJsonText("[1,2,3]", opts)).toBeNull();
    expect(scanJsonText("[1,2]", opts)?.items).toBe(2);
    expect(scanJsonText("]", opts)).toBeNull();
    expect(scanJsonText("[1] [2]", opts)).toBeNull();
    expect(scanJsonText('{"\\x":1,"\\x":2}', opts)).toBeNull();
    expect(scanJsonText('["abc', opts)).toBeNull();
    expect(scanJsonText("[[[1]]]", { ...opts, maxDepth: 2 })?.tooDeep).toBe(true);
  });
});

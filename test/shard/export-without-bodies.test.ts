import { describe, expect, it } from "vitest";
import { eventLine, exportWithoutBodies, joinLines, lineWithoutBody } from "../../src/shard/bundle";
import { prng } from "../support/prng";

const HEADER = '{"batch":3,"count":4,"first_seq":12,"log":"edgelog.localhost/acme/0"}';

/** The export text built line by line, as offloading built it before working on the text. */
function lineByLine(header: string, lines: readonly string[]): string {
  return header + "\n" + joinLines(lines.map(lineWithoutBody));
}

describe("exportWithoutBodies", () => {
  it("gives the text of lineWithoutBody on every line, for bodies that look like the format", () => {
    const random = prng(7);
    // Bodies and envelopes that hold the separator's and the prefix's text inside strings, a
    // brace before the newline, non-ASCII text and lines already without a body.
    const pieces = [
      '"a"',
      '"\\",\\"event\\":"',
      '{"envelope":1}',
      '"é ü \u2028"',
      '"}"',
      '{"x":[1,2,{"y":null}]}',
    ];
    for (let round = 0; round < 50; round++) {
      const lines: string[] = [];
      const n = 1 + Math.floor(random() * 8);
      for (let i = 0; i < n; i++) {
        const envelope = `{"id":"${i}","producer":${pieces[Math.floor(random() * pieces.length)]}}`;
        const body =
          random() < 0.25
            ? null
            : `{"b":[${pieces.filter(() => random() < 0.5).join(",")}],"n":${Math.floor(random() * 1e6)}}`;
        lines.push(eventLine(envelope, body));
      }
      const text = HEADER + "\n" + joinLines(lines);
      expect(exportWithoutBodies(text)).toBe(lineByLine(HEADER, lines));
    }
  });

  it("refuses text whose lines are not event lines, naming the line", () => {
    const good = eventLine('{"id":"1"}', '{"b":1}');
    expect(() => exportWithoutBodies("")).toThrow("empty batch bundle");
    expect(() => exportWithoutBodies(`${HEADER}\n{"other":1}\n`)).toThrow(
      'not an event line of the batch format: {"other":1}',
    );
    // The separator of the next line does not count for a line without one.
    expect(() => exportWithoutBodies(`${HEADER}\n{"envelope":{"id":"2"}}\n${good}\n`)).toThrow(
      "not an event line",
    );
    // A last line without its newline is not a stored line.
    expect(() => exportWithoutBodies(`${HEADER}\n${good}`)).toThrow("not an event line");
    expect(() => exportWithoutBodies(`${HEADER}\n${good} \n`)).toThrow("not an event line");
  });
});

// The client SDK refuses, at log(), events that JSON cannot carry exactly (I-JSON, RFC 7493),
// with the server's messages, and sends nothing for them.
import { describe, expect, it } from "vitest";
import { createClient, UnsendableEventError } from "../../src/client";
import { findIJsonViolations } from "../../src/core/ijson";

function recordingClient() {
  const bodies: string[] = [];
  const client = createClient({
    url: "http://edgelog.invalid",
    key: "k",
    fetch: async (_input, init) => {
      bodies.push(new TextDecoder().decode(init?.body as Uint8Array));
      const lines = bodies.at(-1)!.trim().split("\n");
      const results = lines.map((_, index) => ({
        index,
        status: "accepted",
        id: "0".repeat(64),
        log: "l",
        seq: index,
        tier: "full",
        errors: [],
      }));
      return new Response(JSON.stringify({ accepted: lines.length, duplicates: 0, rejected: 0, results }), {
        status: 200,
      });
    },
  });
  return { client, bodies };
}

describe("edgelog/client I-JSON guard", () => {
  it.each([
    [
      { p: { score: NaN } },
      "/p/score",
      "number NaN has no JSON form and would be sent as null (I-JSON, RFC 7493 §2.2); send null or a string explicitly",
    ],
    [
      { p: [1, -Infinity] },
      "/p/1",
      "number -Infinity has no JSON form and would be sent as null (I-JSON, RFC 7493 §2.2); send null or a string explicitly",
    ],
    [
      { id: 9007199254740993n },
      "/id",
      'BigInt 9007199254740993n has no JSON form (I-JSON, RFC 7493 §2.2); send it as a string ("9007199254740993") to keep every digit',
    ],
    [
      { "a/b": "x\ud800" },
      "/a~1b",
      "string holds the lone surrogate \\uD800, which is not a Unicode character (I-JSON, RFC 7493 §2.1); send well-formed UTF-16 (a surrogate pair) or drop it",
    ],
    [
      { list: [undefined] },
      "/list/0",
      "array element is undefined, which JSON cannot carry and would be sent as null; send null explicitly or remove it",
    ],
  ])("refuses %o at log() with the pointer and message, sending nothing", async (event, path, message) => {
    const { client, bodies } = recordingClient();
    const err = await client.log(event).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(UnsendableEventError);
    expect((err as UnsendableEventError).path).toBe(path);
    expect((err as UnsendableEventError).problems[0]).toEqual({ path, message });
    await client.close();
    expect(bodies).toEqual([]);
  });

  it("words a lone surrogate exactly as the server's text scanner does", async () => {
    const { client } = recordingClient();
    const err = (await client.log({ s: "\udc00" }).catch((e: unknown) => e)) as UnsendableEventError;
    const server = findIJsonViolations('{"s":"\\udc00"}', { arrayOfItems: false });
    expect(err.problems).toEqual(server.map((v) => ({ path: v.pointer, message: v.message })));
    await client.close();
  });

  it("sends events that JSON carries exactly, dropping undefined members as JSON.stringify does", async () => {
    const { client, bodies } = recordingClient();
    await client.log({
      n: 0.1,
      big: 9007199254740992,
      z: -0,
      when: new Date(0),
      skip: undefined,
      s: "\ud83d\ude00",
    });
    const report = await client.close();
    expect(report.accepted).toBe(1);
    expect(bodies).toEqual([
      `{"n":0.1,"big":9007199254740992,"z":0,"when":"1970-01-01T00:00:00.000Z","s":"\ud83d\ude00"}\n`,
    ]);
  });
});

import { describe, expect, it } from "vitest";
import { encodeBundle } from "../../src/shard/bundle";
import { EventLines } from "../../src/shard/lines";

/** The one statement EventLines.batch runs (`SELECT bundle FROM batches WHERE n = ?`), over a settable bundle. */
class FakeSql {
  bundle: Uint8Array | null = null;
  exec(): { toArray(): Array<{ bundle: ArrayBuffer }> } {
    const b = this.bundle;
    return { toArray: () => (b ? [{ bundle: b.slice().buffer }] : []) };
  }
}

const line = (body: string) => `{"envelope":{"seq":0},"event":${body}}`;

describe("EventLines' cache of decoded bundles", () => {
  it("never keeps a bundle decoded from bytes that were rewritten (forgotten) meanwhile", async () => {
    const sql = new FakeSql();
    const lines = new EventLines(sql as unknown as SqlStorage);
    sql.bundle = await encodeBundle('{"batch":0}', [line('{"ssn":"123-45-6789"}')]);
    const erased = await encodeBundle('{"batch":0}', [line("null")]);
    const before = lines.batch(0);
    // An erasure rewrites the bundle and forgets the batch while that decode is under way.
    sql.bundle = erased;
    lines.forget(0);
    expect((await before)!.lines).toEqual([line('{"ssn":"123-45-6789"}')]);
    expect((await lines.batch(0))!.lines).toEqual([line("null")]);
  });

  it("reuses a decoded bundle until it is forgotten", async () => {
    const sql = new FakeSql();
    const lines = new EventLines(sql as unknown as SqlStorage);
    sql.bundle = await encodeBundle('{"batch":0}', [line("1")]);
    const first = await lines.batch(0);
    sql.bundle = await encodeBundle('{"batch":0}', [line("2")]);
    expect(await lines.batch(0)).toBe(first);
    lines.forget(0);
    expect((await lines.batch(0))!.lines).toEqual([line("2")]);
  });
});

import { describe, expect, it } from "vitest";
import { toHex, utf8 } from "../../src/core/bytes";
import { canonicalJson } from "../../src/core/canonical";
import {
  applyMasks,
  compileMask,
  MASK_HASH_PREFIX,
  maskHash,
  MaskError,
  type CompiledMask,
} from "../../src/core/masking";
import { JsonPointerError } from "../../src/core/policy/json-pointer";

const SALT = utf8("tenant-salt-0123456789abcdef");

/** HMAC-SHA256 through WebCrypto: an implementation independent of the one under test. */
async function webCryptoHmacHex(key: Uint8Array, message: string): Promise<string> {
  const k = await crypto.subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return toHex(new Uint8Array(await crypto.subtle.sign("HMAC", k, utf8(message))));
}

function event() {
  return {
    decision_context: {
      decision_id: "loan-1",
      applicant: { name: "Ada Lovelace", national_id: "AB123456C", age: 36 },
      inputs: [
        { input_id: "bureau", value: 712 },
        { input_id: "income", value: 54000 },
      ],
      "a/b": "slash",
      "m~n": "tilde",
    },
    decision_logic: {
      logic_type: "rule_based",
      output: { action: "approve", customer_email: "ada@example.org" },
    },
  };
}

const masks = (...specs: Array<[string, "remove" | "hash"]>): CompiledMask[] =>
  specs.map(([p, a]) => compileMask(p, a));

describe("maskHash", () => {
  it("is the HMAC-SHA256 of the canonical JSON, keyed with the salt", async () => {
    for (const value of ["AB123456C", 712, { b: [1, "x"], a: null }, true, null]) {
      const expected = await webCryptoHmacHex(SALT, canonicalJson(value));
      expect(maskHash(value, SALT)).toBe(MASK_HASH_PREFIX + expected);
    }
    expect(maskHash("x", SALT)).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
  });

  it("depends on the JSON data, not its spelling, and on the salt", () => {
    expect(maskHash({ a: 1, b: [2.0, "é"] }, SALT)).toBe(
      maskHash(JSON.parse('{"b":[2,"\\u00e9"],"a":1.0}'), SALT),
    );
    expect(maskHash("x", SALT)).not.toBe(maskHash("x", utf8("another salt")));
    // A string and the number it spells are different values.
    expect(maskHash("712", SALT)).not.toBe(maskHash(712, SALT));
  });
});

describe("applyMasks", () => {
  it("removes object members and hashes values, listing what matched", () => {
    const input = event();
    const { body, masked } = applyMasks(
      input,
      masks(
        ["/decision_context/applicant/national_id", "remove"],
        ["/decision_context/applicant/name", "hash"],
      ),
      SALT,
    );
    const applicant = (body as ReturnType<typeof event>).decision_context.applicant;
    expect(applicant).toEqual({ name: maskHash("Ada Lovelace", SALT), age: 36 });
    expect("national_id" in applicant).toBe(false);
    expect(masked).toEqual(["/decision_context/applicant/national_id", "/decision_context/applicant/name"]);
  });

  it("writes null for a removed array element, so later indexes stay put", () => {
    const { body, masked } = applyMasks(event(), masks(["/decision_context/inputs/0", "remove"]), SALT);
    expect((body as ReturnType<typeof event>).decision_context.inputs).toEqual([
      null,
      { input_id: "income", value: 54000 },
    ]);
    expect(masked).toEqual(["/decision_context/inputs/0"]);
  });

  it("hashes whole objects and array elements", () => {
    const input = event();
    const { body } = applyMasks(
      input,
      masks(["/decision_logic/output", "hash"], ["/decision_context/inputs/1/value", "hash"]),
      SALT,
    );
    const out = body as Record<string, Record<string, unknown>>;
    expect(out["decision_logic"]!["output"]).toBe(maskHash(input.decision_logic.output, SALT));
    expect((out["decision_context"]!["inputs"] as Array<Record<string, unknown>>)[1]).toEqual({
      input_id: "income",
      value: maskHash(54000, SALT),
    });
  });

  it("unescapes ~1 and ~0 in pointers (RFC 6901 §4)", () => {
    const { body, masked } = applyMasks(
      event(),
      masks(["/decision_context/a~1b", "remove"], ["/decision_context/m~0n", "hash"]),
      SALT,
    );
    const context = (body as Record<string, Record<string, unknown>>)["decision_context"]!;
    expect("a/b" in context).toBe(false);
    expect(context["m~n"]).toBe(maskHash("tilde", SALT));
    expect(masked).toEqual(["/decision_context/a~1b", "/decision_context/m~0n"]);
  });

  it("leaves the input untouched and copies only the path to each masked member", () => {
    const input = event();
    const before = JSON.stringify(input);
    const { body } = applyMasks(input, masks(["/decision_context/applicant/national_id", "remove"]), SALT);
    expect(JSON.stringify(input)).toBe(before);
    const out = body as ReturnType<typeof event>;
    expect(out).not.toBe(input);
    expect(out.decision_context).not.toBe(input.decision_context);
    expect(out.decision_context.applicant).not.toBe(input.decision_context.applicant);
    // Untouched subtrees are shared, not cloned.
    expect(out.decision_logic).toBe(input.decision_logic);
    expect(out.decision_context.inputs).toBe(input.decision_context.inputs);
  });

  it("skips pointers that do not resolve and lists only those that do", () => {
    const input = event();
    const { body, masked } = applyMasks(
      input,
      masks(
        ["/decision_context/missing", "remove"],
        ["/decision_context/inputs/2", "remove"],
        ["/decision_context/inputs/-", "hash"],
        ["/decision_context/inputs/01", "hash"],
        ["/decision_context/decision_id/0", "hash"],
        ["/decision_context/applicant/age", "hash"],
      ),
      SALT,
    );
    expect(masked).toEqual(["/decision_context/applicant/age"]);
    expect((body as ReturnType<typeof event>).decision_context.inputs).toEqual(input.decision_context.inputs);
  });

  it("returns the event itself when no mask matches", () => {
    const input = event();
    const result = applyMasks(input, masks(["/nope", "remove"]), SALT);
    expect(result.body).toBe(input);
    expect(result.masked).toEqual([]);
  });

  it("applies masks in order: a member inside a removed one no longer resolves", () => {
    const { body, masked } = applyMasks(
      event(),
      masks(["/decision_context/applicant", "remove"], ["/decision_context/applicant/name", "hash"]),
      SALT,
    );
    expect("applicant" in (body as ReturnType<typeof event>).decision_context).toBe(false);
    expect(masked).toEqual(["/decision_context/applicant"]);
  });

  it("masks several members under one parent, copying the parent once", () => {
    const { body } = applyMasks(
      event(),
      masks(
        ["/decision_context/applicant/name", "hash"],
        ["/decision_context/applicant/national_id", "hash"],
      ),
      SALT,
    );
    expect((body as ReturnType<typeof event>).decision_context.applicant).toEqual({
      name: maskHash("Ada Lovelace", SALT),
      national_id: maskHash("AB123456C", SALT),
      age: 36,
    });
  });

  it("treats __proto__ as an ordinary member and never touches Object.prototype", () => {
    const input: unknown = JSON.parse(
      '{"__proto__": {"polluted": "yes"}, "keep": 1, "inner": {"__proto__": 5}}',
    );
    const { body, masked } = applyMasks(
      input,
      masks(["/__proto__/polluted", "hash"], ["/inner/__proto__", "remove"]),
      SALT,
    );
    expect(masked).toEqual(["/__proto__/polluted", "/inner/__proto__"]);
    const out = body as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(out, "__proto__")?.value).toEqual({
      polluted: maskHash("yes", SALT),
    });
    expect(Object.prototype.hasOwnProperty.call(out["inner"], "__proto__")).toBe(false);
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
    expect(JSON.stringify(input)).toBe('{"__proto__":{"polluted":"yes"},"keep":1,"inner":{"__proto__":5}}');
  });

  it("does not reach inherited members such as /constructor", () => {
    const { masked } = applyMasks({ a: 1 }, masks(["/constructor", "remove"], ["/toString", "hash"]), SALT);
    expect(masked).toEqual([]);
  });
});

describe("compileMask", () => {
  it("parses the pointer once", () => {
    expect(compileMask("/a~1b/0/~0", "hash")).toEqual({
      pointer: "/a~1b/0/~0",
      tokens: ["a/b", "0", "~"],
      indexes: [-1, 0, -1],
      action: "hash",
    });
  });

  it("refuses the whole event, bad pointers and unknown actions", () => {
    expect(() => compileMask("", "remove")).toThrow(MaskError);
    expect(() => compileMask("a/b", "remove")).toThrow(JsonPointerError);
    expect(() => compileMask("/a~2", "hash")).toThrow(JsonPointerError);
    expect(() => compileMask("/a", "erase" as "remove")).toThrow(MaskError);
  });
});

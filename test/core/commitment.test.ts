import { describe, expect, it } from "vitest";
import { toHex, utf8 } from "../../src/core/bytes";
import { canonicalJson } from "../../src/core/canonical";
import {
  CHAIN_POINTERS,
  commitEvent,
  CommitmentError,
  idOf,
  rebuildCommitted,
  recommit,
} from "../../src/core/commitment";
import { compileMask, maskHash, type MaskAction } from "../../src/core/masking";

const KEY = utf8("tenant-mask-key-0123456789abcdef");

const masks = (...list: Array<[string, MaskAction]>) => list.map(([p, a]) => compileMask(p, a));

/** SHA-256 through WebCrypto, independent of the code under test. */
async function sha256Hex(text: string): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", utf8(text))));
}

function event() {
  return {
    decision_context: { decision_id: "loan-1", __proto__x: 1 },
    decision_logic: {
      output: {
        ssn_last4: "4821",
        applicant_dob: "1987-03-14",
        flags: ["a", "secret", "c"],
        action: "approve",
      },
    },
    temporal_metadata: {
      hash_chain: { algorithm: "SHA-256", current_hash: "ab".repeat(32), previous_hash: null },
    },
  };
}

const POLICY = masks(
  ["/decision_logic/output/ssn_last4", "hash"],
  ["/decision_logic/output/applicant_dob", "remove"],
  ["/decision_logic/output/flags/1", "remove"],
  ["/decision_logic/output/absent", "hash"],
);

describe("commitEvent", () => {
  it("keys hashed values and the chain, commits removed ones per event, and lists what it replaced", async () => {
    const input = event();
    const before = JSON.stringify(input);
    const c = commitEvent(input, POLICY, KEY);
    expect(JSON.stringify(input)).toBe(before);
    expect(c.masked).toEqual([
      "/decision_logic/output/ssn_last4",
      "/decision_logic/output/applicant_dob",
      "/decision_logic/output/flags/1",
      CHAIN_POINTERS[0],
    ]);
    const stored = c.stored as ReturnType<typeof event>;
    expect(stored.decision_logic.output).toEqual({
      ssn_last4: maskHash("4821", KEY),
      flags: ["a", null, "c"],
      action: "approve",
    });
    // A null previous_hash stays null; current_hash is keyed as a string.
    expect(stored.temporal_metadata.hash_chain).toEqual({
      algorithm: "SHA-256",
      current_hash: maskHash("ab".repeat(32), KEY),
      previous_hash: null,
    });
    // Removed commitments: HMAC over [SHA-256 of the stored body, value].
    const h = await sha256Hex(canonicalJson(c.stored));
    expect(c.removed).toEqual({
      "/decision_logic/output/applicant_dob": maskHash([h, "1987-03-14"], KEY),
      "/decision_logic/output/flags/1": maskHash([h, "secret"], KEY),
    });
    // The committed form is the stored body with each removed member back as its commitment.
    expect(c.committed).toEqual(rebuildCommitted(c.stored, c.removed));
    expect(JSON.stringify(c.committed)).not.toMatch(/4821|1987|secret|abab/);
  });

  it("gives equal removed values in two events different commitments, and one event always the same", () => {
    const a = commitEvent(event(), POLICY, KEY);
    const other = event();
    other.decision_context.decision_id = "loan-2";
    const b = commitEvent(other, POLICY, KEY);
    const dob = "/decision_logic/output/applicant_dob";
    expect(a.removed[dob]).not.toBe(b.removed[dob]);
    expect(commitEvent(event(), POLICY, KEY).removed[dob]).toBe(a.removed[dob]);
    expect(commitEvent(event(), POLICY, utf8("another key")).removed[dob]).not.toBe(a.removed[dob]);
  });
});

describe("rebuildCommitted", () => {
  const c = commitEvent(event(), POLICY, KEY);
  it("refuses a body that holds anything where a member was removed", () => {
    const withDob = structuredClone(c.stored) as ReturnType<typeof event>;
    (withDob.decision_logic.output as Record<string, unknown>).applicant_dob = "1987-03-14";
    expect(() => rebuildCommitted(withDob, c.removed)).toThrow(CommitmentError);
    const withFlag = structuredClone(c.stored) as ReturnType<typeof event>;
    withFlag.decision_logic.output.flags[1] = "secret";
    expect(() => rebuildCommitted(withFlag, c.removed)).toThrow(
      /holds a value where \/decision_logic\/output\/flags\/1/,
    );
  });
  it("refuses a missing parent, an index past the end and a value that is not a commitment", () => {
    expect(() => rebuildCommitted({}, c.removed)).toThrow(/no parent/);
    expect(() => rebuildCommitted({ a: [] }, { "/a/3": maskHash(1, KEY) })).toThrow(
      /no such element|holds a value/,
    );
    expect(() => rebuildCommitted({}, { "/a": "plain" })).toThrow(/has no commitment/);
    expect(() => rebuildCommitted({}, { "": maskHash(1, KEY) })).toThrow(/whole event/);
  });
  it("puts back a member named __proto__ as an own member", () => {
    const rebuilt = rebuildCommitted({ o: {} }, { "/o/__proto__": maskHash(1, KEY) }) as { o: object };
    expect(Object.keys(rebuilt.o)).toEqual(["__proto__"]);
    expect(canonicalJson(rebuilt)).toBe(`{"o":{"__proto__":"${maskHash(1, KEY)}"}}`);
  });
});

describe("recommit", () => {
  it("rebuilds the committed form from the original with the key, and nothing else does", async () => {
    const c = commitEvent(event(), POLICY, KEY);
    const again = recommit(event(), c.masked, Object.keys(c.removed), KEY);
    expect(await idOf(again)).toBe(await idOf(c.committed));
    expect(await idOf(recommit(event(), c.masked, Object.keys(c.removed), utf8("wrong")))).not.toBe(
      await idOf(c.committed),
    );
    const changed = event();
    changed.decision_logic.output.applicant_dob = "1987-03-15";
    expect(await idOf(recommit(changed, c.masked, Object.keys(c.removed), KEY))).not.toBe(
      await idOf(c.committed),
    );
    const missing = event() as { decision_logic: { output: Record<string, unknown> } };
    delete missing.decision_logic.output.ssn_last4;
    expect(() => recommit(missing, c.masked, Object.keys(c.removed), KEY)).toThrow(CommitmentError);
  });
});

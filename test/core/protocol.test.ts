import { describe, expect, it } from "vitest";
import {
  API_KEY_PATTERN,
  EVENT_ID_PATTERN,
  ingestStatus,
  isEventId,
  isScope,
  LOG_NUMBER_PATTERN,
  MAX_PRODUCER_CHARS,
  PRODUCER_PATTERN,
  tally,
  TENANT_ID_PATTERN,
} from "../../src/core/protocol";

describe("ingest totals and status", () => {
  it("counts every status and the conflicts among stored events", () => {
    const totals = tally([
      { status: "accepted" },
      { status: "accepted", conflict: true },
      { status: "duplicate" },
      { status: "rejected" },
      { status: "rejected" },
    ]);
    expect(totals).toEqual({ accepted: 2, duplicates: 1, rejected: 2, conflicts: 1 });
  });

  it("answers 200 with nothing rejected, 422 with nothing stored, 207 otherwise", () => {
    expect(ingestStatus({ accepted: 0, duplicates: 3, rejected: 0, conflicts: 0 })).toBe(200);
    expect(ingestStatus({ accepted: 0, duplicates: 0, rejected: 0, conflicts: 0 })).toBe(200);
    expect(ingestStatus({ accepted: 0, duplicates: 0, rejected: 2, conflicts: 0 })).toBe(422);
    expect(ingestStatus({ accepted: 1, duplicates: 0, rejected: 2, conflicts: 0 })).toBe(207);
    expect(ingestStatus({ accepted: 0, duplicates: 1, rejected: 1, conflicts: 0 })).toBe(207);
  });
});

describe("id and name patterns", () => {
  it("event ids are 64 lowercase hex digits", () => {
    expect(isEventId("ab".repeat(32))).toBe(true);
    expect(isEventId("AB".repeat(32))).toBe(false);
    expect(isEventId("ab".repeat(31))).toBe(false);
    expect(isEventId(`${"ab".repeat(32)}\n`)).toBe(false);
    expect(isEventId(42)).toBe(false);
    expect(EVENT_ID_PATTERN.source).toBe("^[0-9a-f]{64}$");
  });

  it("producers are 1 to MAX_PRODUCER_CHARS visible ASCII characters", () => {
    expect(PRODUCER_PATTERN.test("a".repeat(MAX_PRODUCER_CHARS))).toBe(true);
    expect(PRODUCER_PATTERN.test("a".repeat(MAX_PRODUCER_CHARS + 1))).toBe(false);
    expect(PRODUCER_PATTERN.test("")).toBe(false);
    expect(PRODUCER_PATTERN.test("with space")).toBe(false);
    expect(PRODUCER_PATTERN.test("é")).toBe(false);
  });

  it("tenant ids, log numbers, API keys and scopes", () => {
    expect(["acme", "a", "a-b_c", "0", "a".repeat(63)].every((t) => TENANT_ID_PATTERN.test(t))).toBe(true);
    expect(["", "-a", "_a", "A", "a b", "a".repeat(64)].some((t) => TENANT_ID_PATTERN.test(t))).toBe(false);
    expect(["0", "7", "63", "999999"].every((n) => LOG_NUMBER_PATTERN.test(n))).toBe(true);
    expect(["", "01", "-1", "1000000", "1.0"].some((n) => LOG_NUMBER_PATTERN.test(n))).toBe(false);
    // Keys name their tenant: elk_<tenant>_<key id>_<secret>, parsed from the end.
    expect(API_KEY_PATTERN.exec(`elk_acme_0123456789ab_${"x".repeat(43)}`)?.slice(1, 3)).toEqual([
      "acme",
      "0123456789ab",
    ]);
    expect(API_KEY_PATTERN.exec(`elk_a_b_0123456789ab_${"x".repeat(43)}`)?.slice(1, 3)).toEqual([
      "a_b",
      "0123456789ab",
    ]);
    expect(API_KEY_PATTERN.test(`elk_acme_0123456789ab_${"x".repeat(42)}`)).toBe(false);
    expect(API_KEY_PATTERN.test(`elk_0123456789ab_${"x".repeat(43)}`)).toBe(false);
    expect(["ingest", "read", "admin"].every(isScope)).toBe(true);
    expect(isScope("root")).toBe(false);
  });
});

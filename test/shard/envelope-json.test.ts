import { describe, expect, it } from "vitest";
import { canonicalJson } from "../../src/core/canonical";
import { envelopeJson } from "../../src/shard/envelope-json";
import type { Envelope } from "../../src/core/protocol";

const base: Envelope = {
  log: "edgelog.localhost/acme/0",
  seq: 12,
  id: "ab".repeat(32),
  received_at: "2026-11-28T12:00:00.123Z",
  tier: "sampled",
  schema: "des/0.3.0",
  digest: `sha256:${"ab".repeat(32)}`,
  retained: "projection",
  producer: 'key:0123456789ab "quoted" \u2028 ü',
  chain: "ok",
};

describe("envelopeJson", () => {
  const variants: Array<[string, Envelope]> = [
    ["minimal", base],
    [
      "every optional member",
      {
        ...base,
        declared_tier: "lightweight",
        rule: "high-risk",
        sample: { rate: 0.1, threshold: "e6666666666666", adjusted_count: 10, in_sample: false },
        masked: ["/decision_context/email", "/a~1b", "/z", "/é", "/\ud83d\ude00", "/\uff61"],
        // Pointer order is UTF-16 code-unit order (RFC 8785 §3.2.3), not insertion order, and
        // not code-point order: U+1F600 (surrogates D83D DE00) sorts before U+FF61.
        removed: {
          "/z": `hmac-sha256:${"01".repeat(32)}`,
          "/\uff61": `hmac-sha256:${"02".repeat(32)}`,
          "/\ud83d\ude00": `hmac-sha256:${"03".repeat(32)}`,
          "/é": `hmac-sha256:${"04".repeat(32)}`,
          "/a~1b": `hmac-sha256:${"05".repeat(32)}`,
        },
        sequence: "gap",
        missing: 3,
        future_timestamp: true,
        conflict: true,
      },
    ],
    [
      "odd rates",
      {
        ...base,
        sample: {
          rate: 1 / 3,
          threshold: "aaaaaaaaaaaaab",
          adjusted_count: 3.0000000000000004,
          in_sample: true,
        },
      },
    ],
    [
      "tiny rate",
      { ...base, sample: { rate: 2 ** -40, threshold: "ffffff", adjusted_count: 2 ** 40, in_sample: true } },
    ],
    ["large seq", { ...base, seq: 2 ** 40 + 7 }],
  ];
  for (const [name, e] of variants) {
    it(`equals RFC 8785 canonical JSON: ${name}`, () => {
      expect(envelopeJson(e)).toBe(canonicalJson(e));
    });
  }
  it("covers every member an envelope can have (a new member must be added here)", () => {
    const all = variants[1]![1];
    expect(Object.keys(JSON.parse(envelopeJson(all)) as object).sort()).toEqual(Object.keys(all).sort());
  });
});

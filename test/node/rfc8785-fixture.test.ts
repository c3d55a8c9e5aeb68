// The committed copy of the RFC 8785 vectors (test/fixtures/rfc8785.json) must match the shared
// reference when it sits next to the repository (../shared/vectors); without it, the copy is used
// alone and this check is skipped.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const shared = join(repoRoot, "..", "shared", "vectors", "rfc8785.json");
const copy = JSON.parse(readFileSync(join(repoRoot, "test", "fixtures", "rfc8785.json"), "utf8")) as Record<
  string,
  unknown
>;

describe.skipIf(!existsSync(shared))("RFC 8785 vectors: committed copy vs ../shared", () => {
  it("holds the same number and I-JSON cases", () => {
    const reference = JSON.parse(readFileSync(shared, "utf8")) as Record<string, unknown>;
    for (const key of ["numbers", "i_json_refused", "i_json_kept"])
      expect(copy[key], key).toEqual(reference[key]);
  });
});

describe("conformance fixture", () => {
  it("covers every Appendix B number of the vectors as a kept case", () => {
    const fixture = JSON.parse(
      readFileSync(join(repoRoot, "test", "fixtures", "ijson-conformance.json"), "utf8"),
    ) as {
      kept: Array<{ sent: string; canonical: string }>;
    };
    for (const n of copy.numbers as Array<{ canonical: string }>) {
      expect(
        fixture.kept.some(
          (k) =>
            k.sent === `{"n":${n.canonical}}` && k.canonical.includes(`"parameters":{"n":${n.canonical}}`),
        ),
        n.canonical,
      ).toBe(true);
    }
  });
});

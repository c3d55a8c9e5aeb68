// Checks that edgelog's own DES 0.3.0 schema, as compiled into the generated standalone
// validator, reaches the same verdict as the published DES schema on the published examples
// and on a corpus of variants of them. The published schema and examples live outside the
// repository (../shared/des from the repo root); without them this comparison is skipped.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { validators } from "../../src/generated/validators/index";
import { validateEvent } from "../../src/validate/index";
import type { JsonObject } from "../fixtures/des-valid-event";
import { buildDesCorpus } from "./des-corpus";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const desDir = join(repoRoot, "..", "shared", "des");
const OFFICIAL_SCHEMA_FILE = "decision-event.schema.json";
const MIN_CORPUS_SIZE = 500;

const haveOfficial = existsSync(desDir);
if (!haveOfficial)
  console.warn(`conformance: ${desDir} is absent, skipping the comparison with the published DES schema`);

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(join(desDir, file), "utf8"));
}

function compileOfficial(): (event: unknown) => boolean {
  // The published schema uses union types and annotation keywords that strict mode rejects.
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(readJson(OFFICIAL_SCHEMA_FILE) as object);
  return (event) => validate(event);
}

describe.skipIf(!haveOfficial)(
  "DES 0.3.0: generated validator vs the published schema (../shared/des)",
  () => {
    // vitest runs a skipped describe's body too, to collect its tests: read nothing when absent.
    const official = haveOfficial ? compileOfficial() : () => false;
    const ours = validators["des-0.3.0"];
    const examples = haveOfficial
      ? readdirSync(desDir)
          .filter((file) => file.endsWith(".json") && file !== OFFICIAL_SCHEMA_FILE)
          .sort()
          .map((file) => [file, readJson(file) as JsonObject] as const)
      : [];

    it("finds the five published examples, valid under both schemas", () => {
      expect(examples.map(([file]) => file)).toHaveLength(5);
      for (const [file, event] of examples) {
        expect({ file, official: official(event), ours: ours(event) }).toEqual({
          file,
          official: true,
          ours: true,
        });
        expect(validateEvent(event)).toEqual({ ok: true, schemaVersion: "0.3.0" });
      }
    });

    it(`agrees on every variant of a corpus of at least ${MIN_CORPUS_SIZE}`, () => {
      const corpus = buildDesCorpus(examples);
      expect(corpus.length).toBeGreaterThanOrEqual(MIN_CORPUS_SIZE);

      const disagreements: string[] = [];
      let valid = 0;
      for (const { name, event } of corpus) {
        const expected = official(event);
        const found = ours(event);
        if (expected) valid++;
        if (found !== expected)
          disagreements.push(
            `${name}: published schema says ${expected ? "valid" : "invalid"}, ours ${found ? "valid" : "invalid"}`,
          );
      }
      console.info(
        `conformance corpus: ${corpus.length} events, ${valid} valid, ${corpus.length - valid} invalid`,
      );
      expect(disagreements).toEqual([]);
      // A corpus that is nearly all valid or all invalid would prove little.
      expect(valid).toBeGreaterThanOrEqual(100);
      expect(corpus.length - valid).toBeGreaterThanOrEqual(300);
    });

    it("validateEvent agrees too: same verdict for version 0.3.0, rejection with issues otherwise", () => {
      const disagreements: string[] = [];
      for (const { name, event } of buildDesCorpus(examples)) {
        const result = validateEvent(event);
        const declares030 =
          typeof event === "object" && event !== null && (event as JsonObject)["schema_version"] === "0.3.0";
        const expected = declares030 && official(event);
        if (result.ok !== expected)
          disagreements.push(`${name}: expected ${expected ? "accepted" : "rejected"}`);
        if (!result.ok && result.errors.length === 0) disagreements.push(`${name}: rejected without issues`);
      }
      expect(disagreements).toEqual([]);
    });
  },
);

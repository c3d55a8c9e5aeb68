import { describe, expect, it } from "vitest";
import type { ValidatorError } from "../../src/generated/validators/index";
import {
  MAX_ISSUES_PER_EVENT,
  summarizeErrors,
  type ConditionNotes,
} from "../../src/validate/summarize-errors";

const NO_NOTES: ConditionNotes = new Map();

function error(
  keyword: string,
  instancePath: string,
  schemaPath: string,
  params: Record<string, unknown> = {},
): ValidatorError {
  return { keyword, instancePath, schemaPath, params, message: `ajv says ${keyword}` };
}

describe("summarizeErrors", () => {
  it("drops `if` errors and keeps what the `then` found", () => {
    const errors = [
      error("required", "/a", "#/then/required", { missingProperty: "b" }),
      error("if", "", "#/if", { failingKeyword: "then" }),
    ];
    expect(summarizeErrors(errors, NO_NOTES)).toEqual([
      { path: "/a/b", message: 'required property "b" is missing' },
    ]);
  });

  it("folds an anyOf's branches into one message at the value", () => {
    const errors = [
      error("enum", "/t", "#/properties/t/anyOf/0/enum", { allowedValues: ["x", "y"] }),
      error("type", "/t", "#/properties/t/anyOf/1/type", { type: "integer" }),
      error("anyOf", "/t", "#/properties/t/anyOf"),
    ];
    expect(summarizeErrors(errors, NO_NOTES)).toEqual([
      { path: "/t", message: "must be one of: x, y, or an integer" },
    ]);
  });

  it("folds nested combinators into the outer one", () => {
    const errors = [
      error("type", "/v", "#/anyOf/0/anyOf/0/type", { type: "string" }),
      error("type", "/v", "#/anyOf/0/anyOf/1/type", { type: "null" }),
      error("anyOf", "/v", "#/anyOf/0/anyOf"),
      error("minimum", "/v", "#/anyOf/1/minimum", { comparison: ">=", limit: 5 }),
      error("anyOf", "/v", "#/anyOf"),
    ];
    expect(summarizeErrors(errors, NO_NOTES)).toEqual([
      { path: "/v", message: "must be a string, or null, or >= 5" },
    ]);
  });

  it("joins branch messages that are not 'must be …' with '; or'", () => {
    const errors = [
      error("minLength", "/s", "#/oneOf/0/minLength", { limit: 3 }),
      error("pattern", "/s", "#/oneOf/1/pattern", { pattern: "^z+$" }),
      error("oneOf", "/s", "#/oneOf", { passingSchemas: null }),
    ];
    expect(summarizeErrors(errors, NO_NOTES)).toEqual([
      { path: "/s", message: "must be at least 3 characters long; or must match the pattern ^z+$" },
    ]);
  });

  it("says when a oneOf matched several branches", () => {
    const errors = [error("oneOf", "/s", "#/oneOf", { passingSchemas: [0, 1] })];
    expect(summarizeErrors(errors, NO_NOTES)).toEqual([
      { path: "/s", message: "must match exactly one of the allowed forms, but matches several" },
    ]);
  });

  it("falls back to a general message when branches fail deeper inside the value", () => {
    const errors = [
      error("required", "/o", "#/anyOf/0/required", { missingProperty: "a" }),
      error("required", "/o", "#/anyOf/1/required", { missingProperty: "b" }),
      error("anyOf", "/o", "#/anyOf"),
    ];
    expect(summarizeErrors(errors, NO_NOTES)).toEqual([
      { path: "/o", message: "must match one of the allowed forms" },
    ]);
  });

  it("folds each array item's anyOf separately", () => {
    const errors = [0, 1].flatMap((i) => [
      error("type", `/list/${i}`, "#/$defs/item/anyOf/0/type", { type: "string" }),
      error("type", `/list/${i}`, "#/$defs/item/anyOf/1/type", { type: "number" }),
      error("anyOf", `/list/${i}`, "#/$defs/item/anyOf"),
    ]);
    expect(summarizeErrors(errors, NO_NOTES)).toEqual([
      { path: "/list/0", message: "must be a string, or a number" },
      { path: "/list/1", message: "must be a string, or a number" },
    ]);
  });

  it("does not take errors of a sibling whose path merely starts the same way as branches", () => {
    const errors = [
      error("type", "/ab", "#/$defs/text/anyOf/0/type", { type: "string" }),
      error("type", "/a", "#/$defs/text/anyOf/0/type", { type: "string" }),
      error("anyOf", "/a", "#/$defs/text/anyOf"),
    ];
    expect(summarizeErrors(errors, NO_NOTES)).toEqual([
      { path: "/ab", message: "must be a string" },
      { path: "/a", message: "must be a string" },
    ]);
  });

  it("names the condition of a conditional requirement, and drops it when also required outright", () => {
    const notes: ConditionNotes = new Map([["#/allOf/0/then", "kind is special"]]);
    const conditional = error("required", "", "#/allOf/0/then/required", { missingProperty: "x" });
    const outright = error("required", "", "#/required", { missingProperty: "x" });
    expect(summarizeErrors([conditional], notes)).toEqual([
      { path: "/x", message: 'required property "x" is missing (required when kind is special)' },
    ]);
    expect(summarizeErrors([conditional, outright], notes)).toEqual([
      { path: "/x", message: 'required property "x" is missing' },
    ]);
  });

  it("escapes property names in paths (RFC 6901)", () => {
    const errors = [
      error("required", "/a~1b", "#/required", { missingProperty: "c/d~e" }),
      error("additionalProperties", "", "#/additionalProperties", { additionalProperty: "x/y" }),
    ];
    expect(summarizeErrors(errors, NO_NOTES)).toEqual([
      { path: "/a~1b/c~1d~0e", message: 'required property "c/d~e" is missing' },
      { path: "/x~1y", message: 'property "x/y" is not allowed' },
    ]);
  });

  it("keeps ajv's own message for keywords it has no wording for", () => {
    expect(summarizeErrors([error("contains", "/l", "#/contains")], NO_NOTES)).toEqual([
      { path: "/l", message: "ajv says contains" },
    ]);
  });

  it(`caps the list at ${MAX_ISSUES_PER_EVENT}`, () => {
    const errors = Array.from({ length: MAX_ISSUES_PER_EVENT + 1 }, (_, i) =>
      error("type", `/${i}`, "#/items/type", { type: "string" }),
    );
    const issues = summarizeErrors(errors, NO_NOTES);
    expect(issues).toHaveLength(MAX_ISSUES_PER_EVENT);
    expect(issues.at(-1)).toEqual({
      path: "",
      message: `2 more issues not shown (at most ${MAX_ISSUES_PER_EVENT} are reported per event)`,
    });
  });
});

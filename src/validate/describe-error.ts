import type { ValidatorError } from "../generated/validators/index";
import { appendPointer } from "./json-pointer";

/**
 * Human wording for the patterns our schemas use, by pattern source. A pattern missing here
 * is still reported, just less kindly ("must match the pattern ...").
 */
const PATTERN_DESCRIPTIONS: ReadonlyMap<string, string> = new Map([
  ["^[0-9]+\\.[0-9]+\\.[0-9]+$", 'must be a version "MAJOR.MINOR.PATCH" of digits, e.g. 0.3.0'],
  [
    "^[a-z][a-z0-9_]*:[a-z][a-z0-9_]*$",
    'must be a namespaced value "namespace:name" in lower-case letters, digits and _, e.g. fintech:credit_scoring',
  ],
]);

const FORMAT_DESCRIPTIONS: ReadonlyMap<string, string> = new Map([
  ["date-time", "must be a date-time (RFC 3339), e.g. 2026-01-31T12:00:00Z"],
  ["date", "must be a date (RFC 3339 full-date), e.g. 2026-01-31"],
  ["time", "must be a time with offset (RFC 3339), e.g. 12:00:00Z"],
  ["duration", "must be a duration (RFC 3339 appendix A), e.g. P6M"],
  ["uri", "must be an absolute URI (RFC 3986)"],
  ["uuid", "must be a UUID (RFC 9562)"],
  ["email", "must be an email address"],
]);

const TYPE_NAMES: ReadonlyMap<string, string> = new Map([
  ["object", "an object"],
  ["array", "an array"],
  ["string", "a string"],
  ["number", "a number"],
  ["integer", "an integer"],
  ["boolean", "a boolean"],
  ["null", "null"],
]);

/** Where an error points and what it says, before combinators and duplicates are folded. */
export interface DescribedError {
  readonly path: string;
  readonly message: string;
}

function text(params: ValidatorError["params"], name: string): string {
  const value = params[name];
  return typeof value === "string" ? value : String(value);
}

/** A JSON value as it should read in a message: bare when unambiguous, JSON otherwise. */
export function renderValue(value: unknown): string {
  if (typeof value === "string" && /^[A-Za-z0-9_.:-]+$/.test(value)) return value;
  return JSON.stringify(value) ?? String(value);
}

function describeType(params: ValidatorError["params"]): string {
  const names = text(params, "type")
    .split(",")
    .map((type) => TYPE_NAMES.get(type) ?? type);
  return `must be ${names.join(" or ")}`;
}

function describeEnum(params: ValidatorError["params"]): string {
  const allowed = params["allowedValues"];
  if (!Array.isArray(allowed)) return "must be one of the allowed values";
  return `must be one of: ${allowed.map(renderValue).join(", ")}`;
}

function describeFormat(format: string): string {
  return FORMAT_DESCRIPTIONS.get(format) ?? `must be a valid ${format}`;
}

function plural(count: unknown, one: string, many = `${one}s`): string {
  return `${String(count)} ${count === 1 ? one : many}`;
}

/**
 * Maps one ajv error to a JSON Pointer and a message a person can act on. Errors about a
 * property that is absent or not allowed point at that property, so every issue has one
 * place to fix.
 */
export function describeError(error: ValidatorError): DescribedError {
  const { instancePath: path, params } = error;
  switch (error.keyword) {
    case "required":
      return {
        path: appendPointer(path, text(params, "missingProperty")),
        message: `required property "${text(params, "missingProperty")}" is missing`,
      };
    case "dependentRequired":
    case "dependencies":
      return {
        path: appendPointer(path, text(params, "missingProperty")),
        message: `required property "${text(params, "missingProperty")}" is missing (required when "${text(params, "property")}" is present)`,
      };
    case "additionalProperties":
      return {
        path: appendPointer(path, text(params, "additionalProperty")),
        message: `property "${text(params, "additionalProperty")}" is not allowed`,
      };
    case "unevaluatedProperties":
      return {
        path: appendPointer(path, text(params, "unevaluatedProperty")),
        message: `property "${text(params, "unevaluatedProperty")}" is not allowed`,
      };
    case "propertyNames":
      return {
        path: appendPointer(path, text(params, "propertyName")),
        message: "property name is not allowed",
      };
    case "type":
      return { path, message: describeType(params) };
    case "enum":
      return { path, message: describeEnum(params) };
    case "const":
      return { path, message: `must be ${renderValue(params["allowedValue"])}` };
    case "pattern": {
      const pattern = text(params, "pattern");
      return { path, message: PATTERN_DESCRIPTIONS.get(pattern) ?? `must match the pattern ${pattern}` };
    }
    case "format":
      return { path, message: describeFormat(text(params, "format")) };
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum":
      return { path, message: `must be ${text(params, "comparison")} ${text(params, "limit")}` };
    case "multipleOf":
      return { path, message: `must be a multiple of ${text(params, "multipleOf")}` };
    case "minLength":
      return { path, message: `must be at least ${plural(params["limit"], "character")} long` };
    case "maxLength":
      return { path, message: `must be at most ${plural(params["limit"], "character")} long` };
    case "minItems":
      return { path, message: `must have at least ${plural(params["limit"], "item")}` };
    case "maxItems":
      return { path, message: `must have at most ${plural(params["limit"], "item")}` };
    case "minProperties":
      return { path, message: `must have at least ${plural(params["limit"], "property", "properties")}` };
    case "maxProperties":
      return { path, message: `must have at most ${plural(params["limit"], "property", "properties")}` };
    case "uniqueItems":
      return {
        path,
        message: `must not repeat items (items ${text(params, "j")} and ${text(params, "i")} are equal)`,
      };
    case "false schema":
      return { path, message: "is not allowed here" };
    case "not":
      return { path, message: "must not match the excluded form" };
    default:
      return { path, message: error.message ?? `fails the "${error.keyword}" rule` };
  }
}

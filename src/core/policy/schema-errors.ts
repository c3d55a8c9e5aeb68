/**
 * Wording for the errors the generated policy validator reports. ajv describes failures in
 * terms of schema keywords; a person writing a policy needs to hear which member is wrong and
 * what would be right. The schema is ours, so its combinators are known: the details beneath
 * a condition's `oneOf` and an `if` are folded into one message derived from the data.
 */
import type { ValidatorError } from "../../generated/validators/types";
import { appendToken, JsonPointerError, parsePointer, resolvePointer } from "./json-pointer";
import { findTooDeep } from "./depth";
import { GROUP_OPERATORS, LEAF_OPERATORS, MAX_CONDITION_DEPTH, MAX_POLICY_DEPTH } from "./limits";
import type { PolicyIssue } from "./types";

const CONDITION_PATH = /^\/rules\/\d+\/when(?:\/(?:all|any)\/\d+)*$/;

/** Members allowed in each kind of object, for "unknown property" messages. */
function allowedMembers(path: string): string | undefined {
  if (path === "") return "rules, mask, default";
  if (/^\/rules\/\d+$/.test(path)) return "name, when, tier, rate";
  if (/^\/mask\/\d+$/.test(path)) return "pointer, action";
  if (path === "/default") return "tier, rate";
  return undefined;
}

function valueAt(doc: unknown, path: string): unknown {
  try {
    return resolvePointer(doc, parsePointer(path));
  } catch {
    return undefined;
  }
}

function render(value: unknown): string {
  if (value === undefined) return "nothing";
  // JSON.stringify recurses: a member nested past the limit is named, not printed.
  if (findTooDeep(value, MAX_POLICY_DEPTH) !== null)
    return `a value nested deeper than ${MAX_POLICY_DEPTH} levels`;
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  if (typeof value === "number") return `the number ${render(value)}`;
  if (typeof value === "string") return `the string ${render(value)}`;
  return render(value);
}

const TYPE_WORDS: Readonly<Record<string, string>> = {
  object: "an object",
  array: "an array",
  string: "a string",
  number: "a number",
  integer: "an integer",
  boolean: "true or false",
  null: "null",
};

/** Why `found` is not a pointer, in RFC 6901's terms. */
function pointerProblem(found: unknown, member: boolean): string {
  const rule = member
    ? 'must be a JSON Pointer (RFC 6901) to a member of the event, e.g. "/decision_context/inputs"'
    : 'must be a JSON Pointer (RFC 6901), e.g. "/decision_quality_indicators/decision_risk_level"';
  if (typeof found !== "string") return `${rule}; found ${typeName(found)}`;
  if (member && found === "") return `${rule}; found "" (the whole event, which cannot be masked)`;
  try {
    parsePointer(found);
  } catch (error) {
    if (error instanceof JsonPointerError) return `${rule}; ${error.message}`;
  }
  return `${rule}; found ${render(found)}`;
}

/**
 * What is wrong with the shape of the condition at `path`, judged from its members; undefined
 * when the only problem is unknown members (those get their own message).
 */
function conditionShapeProblem(condition: unknown): string | undefined {
  if (typeof condition !== "object" || condition === null || Array.isArray(condition)) return undefined;
  const keys = Object.keys(condition);
  const operators = keys.filter((k) => (LEAF_OPERATORS as readonly string[]).includes(k));
  const groups = keys.filter((k) => (GROUP_OPERATORS as readonly string[]).includes(k));
  const hasPointer = keys.includes("pointer");
  const hasUnknown = keys.length > operators.length + groups.length + (hasPointer ? 1 : 0);
  const leafOps = LEAF_OPERATORS.join(", ");
  if (groups.length > 1) return `a condition has "all" or "any", not both; nest one inside the other`;
  if (groups.length === 1 && (hasPointer || operators.length > 0)) {
    const others = keys.filter((k) => k !== groups[0]).join(", ");
    return `"${groups[0]}" must be the only member of its condition; found also ${others}`;
  }
  if (groups.length === 1) return undefined;
  if (!hasPointer && operators.length > 0)
    return `operator "${operators[0]}" needs a "pointer" to the value it tests`;
  if (operators.length > 1) return `a leaf condition has exactly one operator; found ${operators.join(", ")}`;
  if (hasUnknown) return undefined;
  if (hasPointer) return `a condition with "pointer" needs one operator: ${leafOps}`;
  return `a condition needs "pointer" with one operator (${leafOps}), or "all", or "any"`;
}

function describe(error: ValidatorError, doc: unknown): PolicyIssue | undefined {
  const { instancePath: path, keyword, params, schemaPath } = error;
  const found = (): unknown => valueAt(doc, path);
  const parent = path.slice(0, path.lastIndexOf("/"));
  const last = path.slice(path.lastIndexOf("/") + 1);
  switch (keyword) {
    case "if":
      return undefined; // its then/else failure is reported on its own
    case "oneOf": {
      const message = conditionShapeProblem(found());
      return message === undefined ? undefined : { path, message };
    }
    case "false schema":
      if (schemaPath.includes("nestedTooDeep")) {
        return {
          path,
          message: `conditions nest at most ${MAX_CONDITION_DEPTH} deep; this "${last}" would add depth ${MAX_CONDITION_DEPTH + 1}`,
        };
      }
      if (schemaPath.includes("rateWithoutSampling")) {
        const tier = valueAt(doc, `${parent}/tier`);
        return { path, message: `"rate" applies only to tier "sampled"; found tier ${render(tier)}` };
      }
      return { path, message: "is not allowed here" };
    case "required": {
      const missing = String(params["missingProperty"]);
      const at = appendToken(path, missing);
      if (missing === "rate")
        return { path: at, message: 'tier "sampled" needs a "rate": a number greater than 0 and at most 1' };
      return { path: at, message: `"${missing}" is required` };
    }
    case "additionalProperties": {
      const extra = String(params["additionalProperty"]);
      const at = appendToken(path, extra);
      if (CONDITION_PATH.test(path)) {
        return {
          path: at,
          message: `unknown operator "${extra}"; a condition is "pointer" with one of ${LEAF_OPERATORS.join(", ")}, or "all", or "any"`,
        };
      }
      const allowed = allowedMembers(path);
      return { path: at, message: `unknown member "${extra}"${allowed ? `; allowed: ${allowed}` : ""}` };
    }
    case "pattern":
      return { path, message: pointerProblem(found(), schemaPath.includes("memberPointer")) };
    case "exclusiveMinimum":
    case "maximum":
      if (last === "rate")
        return { path, message: `rate must be greater than 0 and at most 1; found ${render(found())}` };
      return { path, message: `${error.message ?? "out of range"}; found ${render(found())}` };
    case "type":
      return {
        path,
        message: `must be ${String(params["type"])
          .split(",")
          .map((t) => TYPE_WORDS[t] ?? t)
          .join(" or ")}; found ${typeName(found())}`,
      };
    case "enum": {
      const allowed = Array.isArray(params["allowedValues"])
        ? params["allowedValues"].map(render).join(", ")
        : "";
      return { path, message: `must be one of ${allowed}; found ${render(found())}` };
    }
    case "maxItems":
    case "minItems": {
      const limit = Number(params["limit"]);
      const count = Array.isArray(found()) ? (found() as unknown[]).length : 0;
      const noun =
        last === "rules"
          ? "rule"
          : last === "mask"
            ? "mask"
            : last === "in"
              ? "value"
              : last === "all" || last === "any"
                ? "condition"
                : "item";
      const bound = keyword === "maxItems" ? "at most" : "at least";
      return { path, message: `${bound} ${limit} ${limit === 1 ? noun : `${noun}s`}; found ${count}` };
    }
    case "minLength":
    case "maxLength": {
      const bound = keyword === "maxLength" ? "at most" : "at least";
      return { path, message: `must have ${bound} ${String(params["limit"])} characters` };
    }
    default:
      return { path, message: error.message ?? `fails ${keyword}` };
  }
}

/**
 * Describes the generated validator's `errors` for `doc`: one issue per problem, each with a
 * JSON Pointer into `doc`, in the validator's order, without duplicates.
 */
export function describeSchemaErrors(errors: readonly ValidatorError[], doc: unknown): PolicyIssue[] {
  const out: PolicyIssue[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    if (error.schemaPath.includes("/oneOf/")) continue; // a branch's detail; its oneOf speaks for it
    const issue = describe(error, doc);
    if (issue === undefined) continue;
    const key = `${issue.path}\n${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(issue);
  }
  if (out.length === 0 && errors.length > 0)
    out.push({ path: "", message: "does not match schema/policy.schema.json" });
  return out;
}

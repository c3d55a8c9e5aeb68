import type { ValidatorError } from "../generated/validators/index";
import { describeError } from "./describe-error";
import type { ValidationIssue } from "./types";

/**
 * Why a schema's `if`/`then` made a property required, by the `then` schema path
 * (e.g. "#/allOf/0/then" → "logic_type is human_decision"). Lets a message say
 * "required when logic_type is human_decision" instead of leaving the reader to guess.
 */
export type ConditionNotes = ReadonlyMap<string, string>;

/**
 * Most issues reported for one event. An event with more problems than this is better
 * fixed from its first few; the cap also bounds the response size of a batch of hostile
 * events, each of which could otherwise yield one ajv error per array item.
 */
export const MAX_ISSUES_PER_EVENT = 20;

interface Issue {
  path: string;
  message: string;
  /** Where in the schema it came from; combinators use it to find their branches' errors. */
  schemaPath: string;
  keyword: string;
  conditions: string[] | undefined;
}

function conditionOf(error: ValidatorError, notes: ConditionNotes): string | undefined {
  if (error.keyword !== "required") return undefined;
  for (const [thenPath, condition] of notes) {
    if (error.schemaPath.startsWith(`${thenPath}/`)) return condition;
  }
  return undefined;
}

/**
 * One message for a failed anyOf/oneOf, from its branches' messages: an enum-or-pattern
 * field reads "must be one of: a, b, or a namespaced value ..." rather than three errors.
 */
function combinedMessage(error: ValidatorError, branches: readonly Issue[]): string {
  if (error.keyword === "oneOf" && error.params["passingSchemas"] != null) {
    return "must match exactly one of the allowed forms, but matches several";
  }
  const messages = [...new Set(branches.map((branch) => branch.message))];
  const sameValue = branches.every((branch) => branch.path === error.instancePath);
  if (!sameValue || messages.length === 0) return "must match one of the allowed forms";
  if (messages.every((message) => message.startsWith("must be "))) {
    return `must be ${messages.map((message) => message.slice("must be ".length)).join(", or ")}`;
  }
  return messages.join("; or ");
}

function isBranchOf(issue: Issue, combinator: ValidatorError): boolean {
  const at = combinator.instancePath;
  return (
    issue.schemaPath.startsWith(`${combinator.schemaPath}/`) &&
    (issue.path === at || issue.path.startsWith(`${at}/`))
  );
}

function withConditions(issue: Issue): string {
  return issue.conditions === undefined
    ? issue.message
    : `${issue.message} (required when ${issue.conditions.join(" and when ")})`;
}

/**
 * Turns ajv's errors (allErrors mode, in the order ajv reports them) into issues a person
 * can act on: `if` errors are dropped (the `then` errors they summarise say what is wrong),
 * each failed anyOf/oneOf becomes one issue in place of its branches' errors, a type error
 * is dropped where an enum or const lists the allowed values, issues with the same path and
 * message are merged, and at most `MAX_ISSUES_PER_EVENT` are returned — the
 * last one then says how many were left out.
 *
 * Precondition: a combinator's branch errors precede it, as ajv emits them.
 */
export function summarizeErrors(errors: readonly ValidatorError[], notes: ConditionNotes): ValidationIssue[] {
  let issues: Issue[] = [];
  for (const error of errors) {
    if (error.keyword === "if") continue;
    if (error.keyword === "anyOf" || error.keyword === "oneOf") {
      const branches = issues.filter((issue) => isBranchOf(issue, error));
      issues = issues.filter((issue) => !isBranchOf(issue, error));
      issues.push({
        path: error.instancePath,
        message: combinedMessage(error, branches),
        schemaPath: error.schemaPath,
        keyword: error.keyword,
        conditions: undefined,
      });
      continue;
    }
    const { path, message } = describeError(error);
    const condition = conditionOf(error, notes);
    issues.push({
      path,
      message,
      schemaPath: error.schemaPath,
      keyword: error.keyword,
      conditions: condition === undefined ? undefined : [condition],
    });
  }

  // "must be one of: a, b" already says which type is wanted; "must be a string" beside it is noise.
  const listedValues = new Set(
    issues
      .filter((issue) => issue.keyword === "enum" || issue.keyword === "const")
      .map((issue) => issue.path),
  );
  const unique = new Map<string, Issue>();
  for (const issue of issues) {
    if (issue.keyword === "type" && listedValues.has(issue.path)) continue;
    const key = `${issue.path}\u0000${issue.message}`;
    const seen = unique.get(key);
    if (seen === undefined) {
      unique.set(key, issue);
    } else if (seen.conditions === undefined || issue.conditions === undefined) {
      // Required unconditionally somewhere: naming a condition would mislead.
      seen.conditions = undefined;
    } else {
      seen.conditions = [...new Set([...seen.conditions, ...issue.conditions])];
    }
  }

  const result = [...unique.values()].map((issue) => ({ path: issue.path, message: withConditions(issue) }));
  if (result.length <= MAX_ISSUES_PER_EVENT) return result;
  const shown = result.slice(0, MAX_ISSUES_PER_EVENT - 1);
  const hidden = result.length - shown.length;
  shown.push({
    path: "",
    message: `${hidden} more issues not shown (at most ${MAX_ISSUES_PER_EVENT} are reported per event)`,
  });
  return shown;
}

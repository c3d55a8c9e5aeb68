/**
 * Turns a policy document into a `CompiledPolicy`: pointers parsed once, conditions turned
 * into predicates, every decision prebuilt and frozen. Checks what the JSON Schema cannot
 * express, and re-checks what evaluation relies on, so that a policy is refused as a whole.
 */
import { compileMask, MaskError, type CompiledMask } from "../masking";
import { REQUIRED_FIELD_POINTERS } from "../projection";
import { MIN_SAMPLING_RATE } from "../sampling";
import { isTier } from "../protocol/tier";
import { compileCondition } from "./condition";
import { findTooDeep, tooDeepIssue } from "./depth";
import { PolicyError } from "./errors";
import { JsonPointerError, parsePointer } from "./json-pointer";
import { MAX_MASKS, MAX_POLICY_DEPTH, MAX_RULES } from "./limits";
import type {
  CompiledPolicy,
  CompiledRule,
  Outcome,
  PolicyDecision,
  PolicyDocument,
  PolicyIssue,
} from "./types";

/** Decided when a policy has no `default`: keep every event at the lightweight tier. */
const LIGHTWEIGHT: PolicyDecision = Object.freeze({ tier: "lightweight", rate: 1, rule: null });

/**
 * Compiles `doc`.
 *
 * Precondition: `doc` passed schema/policy.schema.json (use `validatePolicy` for untrusted
 * input); the structure evaluation depends on is checked again here all the same.
 *
 * Beyond the schema, refused are: two rules with one name (decisions report the name); two
 * masks on one member, or one inside another's member (the outcome would depend on their
 * order); a mask at, above or inside a DES required field other than inside
 * `decision_logic.output` (retained bodies must stay valid DES events with the same
 * required-field projection and producer hash chain).
 *
 * @throws PolicyError listing every problem, each at a JSON Pointer into `doc`.
 */
export function compilePolicy(doc: PolicyDocument): CompiledPolicy {
  // Cloning and freezing recurse: measure the depth (iteratively) before either runs.
  const tooDeep = findTooDeep(doc, MAX_POLICY_DEPTH);
  if (tooDeep !== null) {
    throw new PolicyError([tooDeepIssue(tooDeep)]);
  }
  const issues: PolicyIssue[] = [];
  const document = deepFreeze(structuredClone(doc));
  const rules = compileRules(document, issues);
  const masks = compileMasks(document, issues);
  const fallback =
    document.default === undefined ? LIGHTWEIGHT : decisionFor(document.default, null, "/default", issues);
  if (issues.length > 0) throw new PolicyError(issues);
  return Object.freeze({ rules, masks, fallback, document });
}

function compileRules(doc: PolicyDocument, issues: PolicyIssue[]): readonly CompiledRule[] {
  if (!Array.isArray(doc.rules)) {
    issues.push({ path: "/rules", message: "must be an array of rules" });
    return [];
  }
  if (doc.rules.length > MAX_RULES) {
    issues.push({ path: "/rules", message: `at most ${MAX_RULES} rules; found ${doc.rules.length}` });
  }
  const firstByName = new Map<string, number>();
  return Object.freeze(
    doc.rules.map((rule, i): CompiledRule => {
      const path = `/rules/${i}`;
      const name = rule.name ?? path;
      if (rule.name !== undefined) {
        const first = firstByName.get(rule.name);
        if (first === undefined) firstByName.set(rule.name, i);
        else
          issues.push({
            path: `${path}/name`,
            message: `duplicate rule name ${JSON.stringify(rule.name)}, first used by /rules/${first}`,
          });
      }
      const test = compileCondition(rule.when, `${path}/when`, 1, issues);
      return Object.freeze({ name, test, decision: decisionFor(rule, name, path, issues) });
    }),
  );
}

function decisionFor(
  outcome: Outcome,
  rule: string | null,
  path: string,
  issues: PolicyIssue[],
): PolicyDecision {
  const { tier, rate } = outcome;
  if (!isTier(tier)) {
    issues.push({
      path: `${path}/tier`,
      message: `must be one of lightweight, sampled, full; found ${JSON.stringify(tier)}`,
    });
    return LIGHTWEIGHT;
  }
  if (tier === "sampled") {
    if (typeof rate !== "number" || !(rate > 0 && rate <= 1)) {
      issues.push({
        path: `${path}/rate`,
        message: `tier "sampled" needs a rate greater than 0 and at most 1; found ${rate === undefined ? "none" : JSON.stringify(rate)}`,
      });
    } else if (rate < MIN_SAMPLING_RATE) {
      issues.push({
        path: `${path}/rate`,
        message: `rate ${rate} is below 2^-56, the smallest rate 56-bit consistent sampling can express`,
      });
    }
    return Object.freeze({ tier, rate: rate as number, rule });
  }
  if (rate !== undefined) {
    issues.push({
      path: `${path}/rate`,
      message: `"rate" applies only to tier "sampled"; found tier "${tier}"`,
    });
  }
  return Object.freeze({ tier, rate: 1, rule });
}

const PROTECTED = REQUIRED_FIELD_POINTERS.map((p) => parsePointer(p).tokens);
const OPEN_FIELD = parsePointer("/decision_logic/output").tokens;

function startsWith(tokens: readonly string[], prefix: readonly string[]): boolean {
  if (prefix.length > tokens.length) return false;
  for (let i = 0; i < prefix.length; i++) if (tokens[i] !== prefix[i]) return false;
  return true;
}

function compileMasks(doc: PolicyDocument, issues: PolicyIssue[]): readonly CompiledMask[] {
  const list = doc.mask ?? [];
  if (!Array.isArray(list)) {
    issues.push({ path: "/mask", message: "must be an array of masks" });
    return [];
  }
  if (list.length > MAX_MASKS) {
    issues.push({ path: "/mask", message: `at most ${MAX_MASKS} masks; found ${list.length}` });
  }
  const masks: CompiledMask[] = [];
  const pathOf = new Map<CompiledMask, string>();
  list.forEach((mask, i) => {
    const path = `/mask/${i}`;
    if (mask.action !== "remove" && mask.action !== "hash") {
      issues.push({
        path: `${path}/action`,
        message: `must be "remove" or "hash"; found ${JSON.stringify(mask.action)}`,
      });
      return;
    }
    let compiled: CompiledMask;
    try {
      compiled = compileMask(mask.pointer, mask.action);
    } catch (error) {
      if (!(error instanceof JsonPointerError || error instanceof MaskError)) throw error;
      issues.push({ path: `${path}/pointer`, message: error.message });
      return;
    }
    const { tokens } = compiled;
    const insideOutput = tokens.length > OPEN_FIELD.length && startsWith(tokens, OPEN_FIELD);
    const touched = insideOutput
      ? undefined
      : PROTECTED.find((field) => startsWith(field, tokens) || startsWith(tokens, field));
    if (touched !== undefined) {
      issues.push({
        path: `${path}/pointer`,
        message: `cannot mask ${JSON.stringify(mask.pointer)}: it overlaps the DES required field /${touched.join("/")}, which retained bodies keep (members inside /decision_logic/output may be masked)`,
      });
      return;
    }
    for (const earlier of masks) {
      const overlap =
        startsWith(compiled.tokens, earlier.tokens) || startsWith(earlier.tokens, compiled.tokens);
      if (overlap) {
        issues.push({
          path: `${path}/pointer`,
          message: `${JSON.stringify(mask.pointer)} overlaps ${JSON.stringify(earlier.pointer)} of ${pathOf.get(earlier)}; give each member one mask`,
        });
        return;
      }
    }
    masks.push(compiled);
    pathOf.set(compiled, path);
  });
  return Object.freeze(masks.map((m) => Object.freeze(m)));
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const member of Object.values(value)) deepFreeze(member);
  }
  return value;
}

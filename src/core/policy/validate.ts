import validatePolicySchema from "../../generated/validators/policy";
import { compilePolicy } from "./compile";
import { findTooDeep, tooDeepIssue } from "./depth";
import { PolicyError } from "./errors";
import { MAX_POLICY_DEPTH, MAX_REPORTED_ISSUES } from "./limits";
import { describeSchemaErrors } from "./schema-errors";
import type { CompiledPolicy, PolicyDocument, PolicyIssue } from "./types";

export type PolicyValidation =
  | { readonly ok: true; readonly policy: CompiledPolicy }
  | {
      readonly ok: false;
      /** The first MAX_REPORTED_ISSUES problems, in the order found. */
      readonly errors: readonly PolicyIssue[];
      /** How many problems were found in all (more than `errors.length` when some were left out). */
      readonly total: number;
    };

function refused(errors: readonly PolicyIssue[]): PolicyValidation {
  return { ok: false, errors: errors.slice(0, MAX_REPORTED_ISSUES), total: errors.length };
}

/**
 * Checks an untrusted policy document (e.g. a request body) and compiles it: first against
 * schema/policy.schema.json with the validator generated at build time, then `compilePolicy`
 * for what the schema cannot express. Either every check passes and the compiled policy is
 * returned, or nothing is: a bad policy is refused as a whole, never applied in part.
 *
 * The schema bounds the nesting of conditions and does not descend into `eq` values, so the
 * generated validator never recurses deeply; a document it accepts is then measured (without
 * recursion) and refused when nested deeper than MAX_POLICY_DEPTH, before compiling clones and
 * freezes it. At most MAX_REPORTED_ISSUES problems are returned; `total` counts them all.
 */
export function validatePolicy(doc: unknown): PolicyValidation {
  if (!validatePolicySchema(doc)) {
    return refused(describeSchemaErrors(validatePolicySchema.errors ?? [], doc));
  }
  const tooDeep = findTooDeep(doc, MAX_POLICY_DEPTH);
  if (tooDeep !== null) return refused([tooDeepIssue(tooDeep)]);
  try {
    return { ok: true, policy: compilePolicy(doc as PolicyDocument) };
  } catch (error) {
    if (error instanceof PolicyError) return refused(error.errors);
    throw error;
  }
}

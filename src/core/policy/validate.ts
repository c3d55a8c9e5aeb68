import validatePolicySchema from "../../generated/validators/policy";
import { compilePolicy } from "./compile";
import { PolicyError } from "./errors";
import { describeSchemaErrors } from "./schema-errors";
import type { CompiledPolicy, PolicyDocument, PolicyIssue } from "./types";

export type PolicyValidation =
  | { readonly ok: true; readonly policy: CompiledPolicy }
  | { readonly ok: false; readonly errors: readonly PolicyIssue[] };

/**
 * Checks an untrusted policy document (e.g. a request body) and compiles it: first against
 * schema/policy.schema.json with the validator generated at build time, then `compilePolicy`
 * for what the schema cannot express. Either every check passes and the compiled policy is
 * returned, or nothing is: a bad policy is refused as a whole, never applied in part.
 */
export function validatePolicy(doc: unknown): PolicyValidation {
  if (!validatePolicySchema(doc)) {
    return { ok: false, errors: describeSchemaErrors(validatePolicySchema.errors ?? [], doc) };
  }
  try {
    return { ok: true, policy: compilePolicy(doc as PolicyDocument) };
  } catch (error) {
    if (error instanceof PolicyError) return { ok: false, errors: error.errors };
    throw error;
  }
}

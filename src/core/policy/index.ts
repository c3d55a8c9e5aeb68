export { compilePolicy } from "./compile";
export { DEFAULT_COMPILED_POLICY, DEFAULT_POLICY } from "./default-policy";
export { PolicyError } from "./errors";
export { evaluatePolicy } from "./evaluate";
export { jsonEqual } from "./json-equal";
export { JsonPointerError, parsePointer, resolvePointer, type ParsedPointer } from "./json-pointer";
export {
  MAX_CONDITION_DEPTH,
  MAX_GROUP_SIZE,
  MAX_IN_VALUES,
  MAX_MASKS,
  MAX_POLICY_DEPTH,
  MAX_REPORTED_ISSUES,
  MAX_RULES,
} from "./limits";
export { validatePolicy, type PolicyValidation } from "./validate";
export type {
  CompiledPolicy,
  CompiledRule,
  Condition,
  JsonValue,
  LeafCondition,
  Mask,
  Outcome,
  PolicyDecision,
  PolicyDocument,
  PolicyIssue,
  Predicate,
  Rule,
} from "./types";

/**
 * Policy size limits. schema/policy.schema.json states the same numbers (a test keeps them
 * equal); they bound the work per event, which runs for every ingested event.
 */
export const MAX_RULES = 100;
export const MAX_MASKS = 100;
/** A rule's `when` is depth 1; each `all`/`any` adds one. */
export const MAX_CONDITION_DEPTH = 8;
/** Conditions in one `all` or `any`. */
export const MAX_GROUP_SIZE = 100;
/** Values in one `in`. */
export const MAX_IN_VALUES = 1000;

export const LEAF_OPERATORS = ["eq", "in", "gte", "lte", "exists"] as const;
export type LeafOperator = (typeof LEAF_OPERATORS)[number];
export const GROUP_OPERATORS = ["all", "any"] as const;

/**
 * Arrays and objects nest at most this deep anywhere in a policy document (the same bound as
 * an event's). The deepest policy the other limits allow nests about 20 levels before the
 * values of `eq`/`in`; the bound keeps every recursive step (cloning, freezing, comparing)
 * far from the engine's stack limit.
 */
export const MAX_POLICY_DEPTH = 64;
/** Problems listed when a policy is refused; the answer says how many more there are. */
export const MAX_REPORTED_ISSUES = 50;

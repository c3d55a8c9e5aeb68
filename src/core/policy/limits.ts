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

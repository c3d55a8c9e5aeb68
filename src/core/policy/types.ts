/**
 * A tenant's sampling policy as written (the shape schema/policy.schema.json accepts) and as
 * compiled for evaluation.
 */
import type { Tier } from "../protocol/tier";
import type { CompiledMask } from "../masking";
import type { ParsedPointer } from "./json-pointer";

/** JSON data as `JSON.parse` produces it. */
export type JsonValue =
  null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** A test of the value at `pointer` (RFC 6901) in the event, with exactly one operator. */
export type LeafCondition =
  | { readonly pointer: string; readonly eq: JsonValue }
  | { readonly pointer: string; readonly in: readonly JsonValue[] }
  | { readonly pointer: string; readonly gte: number | string }
  | { readonly pointer: string; readonly lte: number | string }
  | { readonly pointer: string; readonly exists: boolean };

export type Condition =
  LeafCondition | { readonly all: readonly Condition[] } | { readonly any: readonly Condition[] };

/** The tier given to an event; `rate` (0 < rate ≤ 1) belongs to "sampled" and only to it. */
export type Outcome =
  | { readonly tier: "sampled"; readonly rate: number }
  | { readonly tier: "lightweight" | "full"; readonly rate?: undefined };

export type Rule = { readonly name?: string; readonly when: Condition } & Outcome;

export interface Mask {
  /** The member to mask; never "" (the event itself). */
  readonly pointer: string;
  readonly action: "remove" | "hash";
}

export interface PolicyDocument {
  /** Evaluated in order; the first rule whose `when` matches decides. */
  readonly rules: readonly Rule[];
  /** Applied, in order, to every body edgelog retains. */
  readonly mask?: readonly Mask[];
  /** The outcome when no rule matches; lightweight when absent. */
  readonly default?: Outcome;
}

/** One problem with a policy document, located by a JSON Pointer into the document. */
export interface PolicyIssue {
  readonly path: string;
  readonly message: string;
}

/**
 * What a policy decides for one event. `rate` is the retention probability of a sampled body
 * and 1 for the other tiers (every event of those tiers is kept at its tier). `rule` is the
 * deciding rule's name, or its pointer ("/rules/3") when unnamed; null when no rule matched.
 */
export interface PolicyDecision {
  readonly tier: Tier;
  readonly rate: number;
  readonly rule: string | null;
}

/** Whether an event satisfies a compiled condition. */
export type Predicate = (event: unknown) => boolean;

export interface CompiledRule {
  /** Its name, or its pointer in the document when unnamed. */
  readonly name: string;
  readonly test: Predicate;
  /** The frozen result returned for every event this rule decides. */
  readonly decision: PolicyDecision;
}

/** A policy ready for per-event evaluation: pointers parsed, results prebuilt. */
export interface CompiledPolicy {
  readonly rules: readonly CompiledRule[];
  readonly masks: readonly CompiledMask[];
  /** The decision when no rule matches. */
  readonly fallback: PolicyDecision;
  /** A frozen copy of the document this was compiled from. */
  readonly document: PolicyDocument;
}

export type { ParsedPointer };

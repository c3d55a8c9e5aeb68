/**
 * Compiles policy conditions into predicates. Pointers are parsed and operands prepared once,
 * so that evaluating a condition against an event allocates nothing.
 */
import { jsonEqual } from "./json-equal";
import {
  appendToken,
  JsonPointerError,
  parsePointer,
  resolvePointer,
  type ParsedPointer,
} from "./json-pointer";
import { GROUP_OPERATORS, LEAF_OPERATORS, MAX_CONDITION_DEPTH, type LeafOperator } from "./limits";
import type { Condition, JsonValue, PolicyIssue, Predicate } from "./types";

const never: Predicate = () => false;

/**
 * A predicate for `condition`, found at `path` in the policy document at nesting `depth`
 * (1 for a rule's `when`). Problems are appended to `issues` (and yield a predicate that never
 * matches), so that one pass reports all of them.
 */
export function compileCondition(
  condition: Condition,
  path: string,
  depth: number,
  issues: PolicyIssue[],
): Predicate {
  if (typeof condition !== "object" || condition === null || Array.isArray(condition)) {
    issues.push({ path, message: "a condition must be an object" });
    return never;
  }
  const keys = Object.keys(condition);
  const groups = keys.filter((k) => (GROUP_OPERATORS as readonly string[]).includes(k));
  if (groups.length > 0) {
    if (keys.length > 1) {
      issues.push({
        path,
        message: `"${groups[0]}" must be the only member of its condition; found ${keys.join(", ")}`,
      });
      return never;
    }
    if (depth >= MAX_CONDITION_DEPTH) {
      issues.push({
        path: `${path}/${groups[0]}`,
        message: `conditions nest at most ${MAX_CONDITION_DEPTH} deep; this "${groups[0]}" would add depth ${depth + 1}`,
      });
      return never;
    }
    const group = groups[0] as "all" | "any";
    const members = (condition as Record<string, unknown>)[group];
    if (!Array.isArray(members) || members.length === 0) {
      issues.push({ path: `${path}/${group}`, message: `"${group}" needs a non-empty array of conditions` });
      return never;
    }
    const tests = members.map((c: Condition, i) =>
      compileCondition(c, `${path}/${group}/${i}`, depth + 1, issues),
    );
    return group === "all" ? allOf(tests) : anyOf(tests);
  }
  return compileLeaf(condition as Record<string, unknown>, keys, path, issues);
}

function compileLeaf(
  leaf: Record<string, unknown>,
  keys: string[],
  path: string,
  issues: PolicyIssue[],
): Predicate {
  const pointerText = leaf["pointer"];
  const operators = keys.filter((k) => (LEAF_OPERATORS as readonly string[]).includes(k)) as LeafOperator[];
  const unknown = keys.filter((k) => k !== "pointer" && !(LEAF_OPERATORS as readonly string[]).includes(k));
  const before = issues.length;
  for (const key of unknown) {
    issues.push({
      path: appendToken(path, key),
      message: `unknown operator "${key}"; expected one of ${LEAF_OPERATORS.join(", ")}`,
    });
  }
  if (typeof pointerText !== "string") {
    issues.push({ path: `${path}/pointer`, message: 'a leaf condition needs a "pointer" string' });
  }
  if (operators.length !== 1) {
    issues.push({
      path,
      message: `a leaf condition has exactly one operator (${LEAF_OPERATORS.join(", ")}); found ${operators.length === 0 ? "none" : operators.join(", ")}`,
    });
  }
  let pointer: ParsedPointer | undefined;
  if (typeof pointerText === "string") {
    try {
      pointer = parsePointer(pointerText);
    } catch (error) {
      if (!(error instanceof JsonPointerError)) throw error;
      issues.push({ path: `${path}/pointer`, message: error.message });
    }
  }
  if (issues.length > before || pointer === undefined) return never;
  const operator = operators[0]!;
  return compileOperator(operator, leaf[operator], pointer, `${path}/${operator}`, issues);
}

function compileOperator(
  operator: LeafOperator,
  operand: unknown,
  pointer: ParsedPointer,
  path: string,
  issues: PolicyIssue[],
): Predicate {
  switch (operator) {
    case "eq":
      return equalTo(pointer, operand as JsonValue);
    case "in":
      if (!Array.isArray(operand) || operand.length === 0) {
        issues.push({ path, message: '"in" needs a non-empty array of values' });
        return never;
      }
      return oneOf(pointer, operand as JsonValue[]);
    case "gte":
    case "lte":
      if ((typeof operand === "number" && Number.isFinite(operand)) || typeof operand === "string") {
        return operator === "gte" ? atLeast(pointer, operand) : atMost(pointer, operand);
      }
      issues.push({
        path,
        message: `"${operator}" needs a finite number or a string; found ${describeOperand(operand)}`,
      });
      return never;
    case "exists":
      if (typeof operand !== "boolean") {
        issues.push({ path, message: `"exists" needs true or false; found ${describeOperand(operand)}` });
        return never;
      }
      return operand
        ? (event) => resolvePointer(event, pointer) !== undefined
        : (event) => resolvePointer(event, pointer) === undefined;
  }
}

function describeOperand(operand: unknown): string {
  return typeof operand === "number" ? String(operand) : (JSON.stringify(operand) ?? typeof operand);
}

function isScalar(value: unknown): boolean {
  return value === null || typeof value !== "object";
}

function equalTo(pointer: ParsedPointer, expected: JsonValue): Predicate {
  if (isScalar(expected)) return (event) => resolvePointer(event, pointer) === expected;
  return (event) => jsonEqual(resolvePointer(event, pointer), expected);
}

/** Scalars go in a Set (SameValueZero matches JSON equality for scalars); composites are compared deeply. */
function oneOf(pointer: ParsedPointer, values: readonly JsonValue[]): Predicate {
  const scalars = new Set<unknown>(values.filter(isScalar));
  const composites = values.filter((v) => !isScalar(v));
  return (event) => {
    const value = resolvePointer(event, pointer);
    if (value === undefined) return false;
    if (isScalar(value)) return scalars.has(value);
    for (let i = 0; i < composites.length; i++) if (jsonEqual(value, composites[i])) return true;
    return false;
  };
}

/** Numbers compare with numbers and strings with strings (UTF-16 code unit order); mixed types never match. */
function atLeast(pointer: ParsedPointer, bound: number | string): Predicate {
  const type = typeof bound;
  return (event) => {
    const value = resolvePointer(event, pointer);
    return typeof value === type && (value as number | string) >= bound;
  };
}

function atMost(pointer: ParsedPointer, bound: number | string): Predicate {
  const type = typeof bound;
  return (event) => {
    const value = resolvePointer(event, pointer);
    return typeof value === type && (value as number | string) <= bound;
  };
}

function allOf(tests: readonly Predicate[]): Predicate {
  return (event) => {
    for (let i = 0; i < tests.length; i++) if (!tests[i]!(event)) return false;
    return true;
  };
}

function anyOf(tests: readonly Predicate[]): Predicate {
  return (event) => {
    for (let i = 0; i < tests.length; i++) if (tests[i]!(event)) return true;
    return false;
  };
}

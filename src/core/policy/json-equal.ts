/**
 * Deep equality of JSON values: same type, same scalars (numbers by value, so 0 equals -0 as
 * RFC 8785 serializes both as 0), arrays element-wise in order, objects with the same member
 * names (in any order) and equal members. Iterates without building key arrays because it
 * runs during per-event policy evaluation.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  const aIsArray = Array.isArray(a);
  if (aIsArray !== Array.isArray(b)) return false;
  if (aIsArray) {
    const x = a as readonly unknown[];
    const y = b as readonly unknown[];
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!jsonEqual(x[i], y[i])) return false;
    return true;
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let count = 0;
  for (const key in x) {
    if (!hasOwn.call(x, key)) continue;
    if (!hasOwn.call(y, key) || !jsonEqual(x[key], y[key])) return false;
    count++;
  }
  for (const key in y) if (hasOwn.call(y, key)) count--;
  return count === 0;
}

const hasOwn = Object.prototype.hasOwnProperty;

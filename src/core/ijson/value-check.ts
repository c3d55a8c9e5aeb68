/**
 * I-JSON check of a JavaScript value about to be sent with `JSON.stringify` (the client SDK).
 *
 * A value built in JavaScript cannot hold duplicate member names, and every finite number it
 * holds is a double that `JSON.stringify` writes exactly, so the text-side rules (`scan.ts`) cannot
 * fail for it. What can go wrong is a value JSON cannot carry, which `JSON.stringify` changes
 * without a word or refuses:
 *
 * - NaN and ±Infinity become `null` (RFC 8259 §6 has no form for them; RFC 7493 §2.2);
 * - a string or member name with a lone surrogate is sent as an escape that no conforming
 *   receiver accepts (RFC 7493 §2.1);
 * - a BigInt makes `JSON.stringify` throw;
 * - `undefined`, a function or a symbol inside an array becomes `null`.
 *
 * These are reported with a pointer and a fix. Deliberately accepted, as `JSON.stringify` defines
 * them: members whose value is `undefined`, a function or a symbol are left out (the usual way to
 * write an optional field), and `toJSON` is honoured (a `Date` is sent as its ISO string).
 */
import { loneSurrogateMessage, pointerToken, type IJsonViolation } from "./messages";

/**
 * Checks `value` as `JSON.stringify` would send it.
 *
 * Preconditions: none; cycles are skipped here (`JSON.stringify` refuses them itself).
 * @returns at most `max` violations (default 10), in traversal order; empty when fine.
 */
export function findValueViolations(value: unknown, max = 10): IJsonViolation[] {
  const out: IJsonViolation[] = [];
  const ancestors = new Set<object>();
  const visit = (v: unknown, pointer: string, inArray: boolean): void => {
    if (out.length >= max) return;
    if (v !== null && typeof v === "object" && typeof (v as { toJSON?: unknown }).toJSON === "function") {
      v = (v as { toJSON: (key: string) => unknown }).toJSON("");
    }
    switch (typeof v) {
      case "number":
        if (!Number.isFinite(v)) {
          out.push({
            rule: "no-json-form",
            pointer,
            message: `number ${String(v)} has no JSON form and would be sent as null (I-JSON, RFC 7493 §2.2); send null or a string explicitly`,
          });
        }
        return;
      case "bigint":
        out.push({
          rule: "no-json-form",
          pointer,
          message: `BigInt ${String(v)}n has no JSON form (I-JSON, RFC 7493 §2.2); send it as a string ("${String(v)}") to keep every digit`,
        });
        return;
      case "string": {
        const unit = loneSurrogate(v);
        if (unit >= 0)
          out.push({ rule: "invalid-unicode", pointer, message: loneSurrogateMessage("string", unit) });
        return;
      }
      case "undefined":
      case "function":
      case "symbol":
        if (inArray) {
          out.push({
            rule: "no-json-form",
            pointer,
            message: `array element is ${typeof v}, which JSON cannot carry and would be sent as null; send null explicitly or remove it`,
          });
        }
        return;
      case "object": {
        if (v === null || ancestors.has(v)) return;
        ancestors.add(v);
        if (Array.isArray(v)) {
          for (let i = 0; i < v.length; i++) visit(v[i], `${pointer}/${i}`, true);
        } else {
          for (const key of Object.keys(v)) {
            const at = `${pointer}/${pointerToken(key)}`;
            const unit = loneSurrogate(key);
            if (unit >= 0 && out.length < max)
              out.push({
                rule: "invalid-unicode",
                pointer: at,
                message: loneSurrogateMessage("member name", unit),
              });
            visit((v as Record<string, unknown>)[key], at, false);
          }
        }
        ancestors.delete(v);
        return;
      }
      default:
        return;
    }
  };
  visit(value, "", false);
  return out;
}

/** The first lone surrogate code unit of `s`, or -1 when `s` is well-formed UTF-16. */
export function loneSurrogate(s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    if (c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        i++;
        continue;
      }
    }
    return c;
  }
  return -1;
}

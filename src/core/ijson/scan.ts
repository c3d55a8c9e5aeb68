/**
 * Single-pass I-JSON (RFC 7493) scanner over JSON text: what `JSON.parse` silently changes.
 *
 * `JSON.parse` keeps the last of two equal member names and rounds every number to a double, so
 * once parsed, an event may already differ from the one sent, and nothing downstream can tell.
 * The text still shows it; this scanner reads it once, without building values, and reports:
 *
 * - a member name that occurs twice in one object (RFC 7493 §2.3), compared after unescaping,
 *   so `"a"` and `"\u0061"` are the same name;
 * - a number whose value a double does not hold exactly (RFC 7493 §2.2; the rule is in
 *   `number-exactness.ts`);
 * - a `\uXXXX` escape that leaves a lone surrogate (RFC 7493 §2.1).
 *
 * Each problem carries the item it is in (the element of a top-level array of events, or 0) and
 * an RFC 6901 pointer inside that item.
 */
import { duplicateNameMessage, inexactNumberMessage, loneSurrogateMessage, pointerToken, type IJsonViolation } from "./messages";
import { numberInexactness } from "./number-exactness";

/** A violation located in one item of the text. */
export interface ItemViolation extends IJsonViolation {
  /** Index of the top-level array element (when the text is a list of items), else 0. */
  item: number;
}

export interface ScanOptions {
  /** When the text is an array, each element is an item and pointers start inside it. */
  arrayOfItems: boolean;
  /** Problems recorded per item at most (the rest are counted out); default 10. */
  maxPerItem?: number;
}

/** Objects with more names than this switch from a list to a Set for the duplicate check. */
const LIST_NAMES = 12;

/**
 * Scans `text` for I-JSON violations.
 *
 * Preconditions: `text` is valid JSON (RFC 8259) — callers run it after `JSON.parse` of the same
 * text succeeded — and holds no raw lone surrogates (true of any string decoded from UTF-8);
 * only escaped ones are looked for. On invalid text it ends without throwing, reporting less.
 * @returns the violations in text order; empty when the text is I-JSON.
 */
export function findIJsonViolations(text: string, options: ScanOptions): ItemViolation[] {
  const maxPerItem = options.maxPerItem ?? 10;
  const out: ItemViolation[] = [];
  // Per open container, indexed by depth: kind, current member name or element index, names seen.
  const isObject: boolean[] = [];
  const names: string[] = [];
  const indexes: number[] = [];
  const seen: (string[] | Set<string>)[] = [];
  let depth = 0;
  let expectName = false;
  let lastItem = -1;
  let itemCount = 0;
  let nextBackslash = text.indexOf("\\");
  const n = text.length;

  const report = (rule: ItemViolation["rule"], message: string) => {
    const items = options.arrayOfItems && depth > 0 && !isObject[0];
    const item = items ? indexes[0]! : 0;
    if (item !== lastItem) {
      lastItem = item;
      itemCount = 0;
    }
    if (++itemCount > maxPerItem) return;
    let pointer = "";
    for (let d = items ? 1 : 0; d < depth; d++) pointer += "/" + (isObject[d] ? pointerToken(names[d]!) : String(indexes[d]));
    out.push({ item, rule, pointer, message });
  };

  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      // A string: find its closing quote, skipping escaped ones.
      let end = text.indexOf('"', i + 1);
      if (nextBackslash >= 0 && nextBackslash < i) nextBackslash = text.indexOf("\\", i);
      const escaped = nextBackslash >= 0 && nextBackslash < end;
      if (escaped) {
        while (end > 0 && isEscapedQuote(text, end)) end = text.indexOf('"', end + 1);
      }
      if (end < 0) return out;
      if (expectName) {
        const name = escaped ? (JSON.parse(text.slice(i, end + 1)) as string) : text.slice(i + 1, end);
        const d = depth - 1;
        names[d] = name;
        expectName = false;
        if (addName(seen, d, name)) report("duplicate-name", duplicateNameMessage(name));
        if (escaped) checkSurrogates(text, nextBackslash, end, "member name", report);
      } else if (escaped) {
        checkSurrogates(text, nextBackslash, end, "string", report);
      }
      i = end + 1;
      continue;
    }
    if (c === 45 || (c >= 48 && c <= 57)) {
      let j = i + 1;
      while (j < n && isNumberChar(text.charCodeAt(j))) j++;
      const literal = text.slice(i, j);
      const why = numberInexactness(literal);
      if (why) report("inexact-number", inexactNumberMessage(literal, why));
      i = j;
      continue;
    }
    switch (c) {
      case 123: // {
        isObject[depth] = true;
        seen[depth] = [];
        depth++;
        expectName = true;
        break;
      case 91: // [
        isObject[depth] = false;
        indexes[depth] = 0;
        depth++;
        break;
      case 125: // }
      case 93: // ]
        depth--;
        expectName = false;
        break;
      case 44: // ,
        if (depth > 0) {
          if (isObject[depth - 1]) expectName = true;
          else indexes[depth - 1]!++;
        }
        break;
    }
    i++;
  }
  return out;
}

/** Whether the quote at `at` is escaped: preceded by an odd run of backslashes. */
function isEscapedQuote(text: string, at: number): boolean {
  let k = at - 1;
  while (text.charCodeAt(k) === 92) k--;
  return (at - 1 - k) % 2 === 1;
}

function isNumberChar(c: number): boolean {
  return (c >= 48 && c <= 57) || c === 46 || c === 101 || c === 69 || c === 43 || c === 45;
}

/** Records `name` in the object at depth `d`; true when it was already there. */
function addName(seen: (string[] | Set<string>)[], d: number, name: string): boolean {
  const set = seen[d]!;
  if (Array.isArray(set)) {
    if (set.includes(name)) return true;
    set.push(name);
    if (set.length > LIST_NAMES) seen[d] = new Set(set);
    return false;
  }
  if (set.has(name)) return true;
  set.add(name);
  return false;
}

/**
 * Looks at every `\uXXXX` escape between `from` (a backslash inside the string) and `end` (its
 * closing quote): a high surrogate must be followed by an escaped low one, and a low one must
 * follow a high one (RFC 8259 §7, RFC 7493 §2.1).
 */
function checkSurrogates(
  text: string,
  from: number,
  end: number,
  what: "string" | "member name",
  report: (rule: "invalid-unicode", message: string) => void,
): void {
  for (let k = text.indexOf("\\", from); k >= 0 && k < end; k = text.indexOf("\\", k)) {
    if (text.charCodeAt(k + 1) !== 117) {
      k += 2; // a two-character escape such as \" or \\
      continue;
    }
    const unit = parseInt(text.slice(k + 2, k + 6), 16);
    k += 6;
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(k) === 92 && text.charCodeAt(k + 1) === 117 ? parseInt(text.slice(k + 2, k + 6), 16) : -1;
      if (next >= 0xdc00 && next <= 0xdfff) {
        k += 6;
        continue;
      }
      report("invalid-unicode", loneSurrogateMessage(what, unit));
      return;
    }
    if (unit >= 0xdc00 && unit <= 0xdfff) {
      report("invalid-unicode", loneSurrogateMessage(what, unit));
      return;
    }
  }
}

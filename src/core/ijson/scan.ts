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
import {
  duplicateNameMessage,
  inexactNumberMessage,
  loneSurrogateMessage,
  pointerToken,
  type IJsonViolation,
} from "./messages";
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
  return scanText(text, options.arrayOfItems, options.maxPerItem ?? 10, Infinity, Infinity).violations;
}

/**
 * What one pass over a request body's text finds before `JSON.parse` runs: its shape (nesting
 * depth and number of top-level items, as `jsonTextShape` in the Worker counts them) and its
 * I-JSON violations, so the text is read once instead of twice.
 */
export interface TextScan {
  /** Some array or object opens deeper than the depth limit (the scan stopped there). */
  tooDeep: boolean;
  /** Elements of a top-level array (counted by its commas, as `jsonTextShape` does); 1 for any other value. */
  items: number;
  /** As `findIJsonViolations` finds them (meaningful once `JSON.parse` accepted the text). */
  violations: ItemViolation[];
}

/**
 * Shape and I-JSON violations of `text` in one pass, for a text not yet known to be JSON.
 *
 * For valid JSON the answer is exact: `tooDeep`/`items` equal what the Worker's shape pass
 * (`jsonTextShape(text, maxDepth)`) gives and `violations` equal `findIJsonViolations(text,
 * { arrayOfItems })`. It
 * gives up — returns null — where its counts could stray from the shape pass's on text that is
 * not JSON (a closing bracket with nothing open, a second top-level value, an unterminated
 * string, a malformed escape), and as soon as there are more than `maxItems` items, so the
 * violations kept stay bounded; the caller then runs the shape pass itself. It never throws.
 * Preconditions: as `findIJsonViolations`, except that `text` need not be JSON.
 */
export function scanJsonText(
  text: string,
  options: { arrayOfItems: boolean; maxDepth: number; maxItems: number },
): TextScan | null {
  try {
    const found = scanText(text, options.arrayOfItems, 10, options.maxDepth, options.maxItems);
    return found.gaveUp ? null : found;
  } catch {
    // Only invalid text gets here (a name with a malformed escape cannot be decoded).
    return null;
  }
}

/** The scanner; `gaveUp` as scanJsonText describes, with the violations found until then. */
function scanText(
  text: string,
  arrayOfItems: boolean,
  maxPerItem: number,
  maxDepth: number,
  maxItems: number,
): TextScan & { gaveUp: boolean } {
  const out: ItemViolation[] = [];
  // Per open container, indexed by depth: kind, the current member name's text span (quotes
  // excluded) or element index, and where the object's names start on the name stack.
  const isObject: boolean[] = [];
  const nameStart: number[] = [];
  const nameEnd: number[] = [];
  const indexes: number[] = [];
  const namesFrom: number[] = [];
  // Names seen in the open objects, as text spans, innermost object last. Names are compared on
  // the text without slicing them out: a slice per member name costs more than the whole scan.
  const spans = new NameSpans(text);
  let depth = 0;
  let expectName = false;
  let lastItem = -1;
  let itemCount = 0;
  // The shape, counted exactly as jsonTextShape counts it: elements of the top-level array by
  // its commas (the first one counts when anything but a comma or whitespace shows up), and how
  // many values start at the top level (more than one is not JSON: give up).
  let items = 0;
  let topLevelValues = 0;
  let rootIsArray = false;
  const n = text.length;
  const gaveUp = () => ({ tooDeep: false, items, violations: out, gaveUp: true });

  const report = (rule: ItemViolation["rule"], message: string) => {
    const inItems = arrayOfItems && depth > 0 && !isObject[0];
    const item = inItems ? indexes[0]! : 0;
    if (item !== lastItem) {
      lastItem = item;
      itemCount = 0;
    }
    if (++itemCount > maxPerItem) return;
    let pointer = "";
    for (let d = inItems ? 1 : 0; d < depth; d++) {
      pointer +=
        "/" + (isObject[d] ? pointerToken(decodeName(text, nameStart[d]!, nameEnd[d]!)) : String(indexes[d]));
    }
    out.push({ item, rule, pointer, message });
  };

  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    // (Only a top-level array's items are limited; any other value counts as one.)
    if (depth === 1) {
      if (c === 44) {
        if (++items > maxItems && rootIsArray) return gaveUp();
      } else if (c > 32 && items === 0 && c !== 93 && c !== 125 && ++items > maxItems && rootIsArray) {
        return gaveUp();
      }
    } else if (depth === 0 && c > 32 && ++topLevelValues > 1) return gaveUp();
    if (c === 34) {
      // A string: walk to its closing quote, noting whether it holds an escape. A plain loop:
      // String#indexOf for a character the text lacks measured far slower on some bodies.
      let end = i + 1;
      let firstEscape = -1;
      for (let e = text.charCodeAt(end); e !== 34; e = text.charCodeAt(end)) {
        if (e === 92) {
          if (firstEscape < 0) firstEscape = end;
          end++;
        } else if (end >= n) return gaveUp();
        end++;
      }
      const escaped = firstEscape >= 0;
      if (expectName) {
        const d = depth - 1;
        nameStart[d] = i + 1;
        nameEnd[d] = end;
        expectName = false;
        if (spans.addAndCheck(namesFrom[d]!, i + 1, end, escaped)) {
          report("duplicate-name", duplicateNameMessage(decodeName(text, i + 1, end)));
        }
        if (escaped) checkSurrogates(text, firstEscape, end, "member name", report);
      } else if (escaped) {
        checkSurrogates(text, firstEscape, end, "string", report);
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
        if (depth === 0) rootIsArray = false;
        if (depth >= maxDepth) return { tooDeep: true, items: 0, violations: out, gaveUp: false };
        isObject[depth] = true;
        namesFrom[depth] = spans.length;
        depth++;
        expectName = true;
        break;
      case 91: // [
        if (depth === 0) rootIsArray = true;
        if (depth >= maxDepth) return { tooDeep: true, items: 0, violations: out, gaveUp: false };
        isObject[depth] = false;
        indexes[depth] = 0;
        depth++;
        break;
      case 125: // }
        if (depth === 0) return gaveUp();
        depth--;
        spans.truncate(namesFrom[depth]!);
        expectName = false;
        break;
      case 93: // ]
        if (depth === 0) return gaveUp();
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
  return { tooDeep: false, items: rootIsArray ? items : 1, violations: out, gaveUp: false };
}

function isNumberChar(c: number): boolean {
  return (c >= 48 && c <= 57) || c === 46 || c === 101 || c === 69 || c === 43 || c === 45;
}

/** The text of a member name between `start` and `end` (its quotes excluded), unescaped. */
function decodeName(text: string, start: number, end: number): string {
  const raw = text.slice(start, end);
  return raw.includes("\\") ? (JSON.parse(`"${raw}"`) as string) : raw;
}

/**
 * The member names of the open objects, as spans of the text. An object's names are compared
 * by length and then character by character (no strings are made); an object that grows past
 * LIST_NAMES names, or that has an escaped name, is compared through a Set of unescaped names.
 */
class NameSpans {
  readonly #text: string;
  #starts: number[] = [];
  #ends: number[] = [];
  /** Per object (by its first span index), a Set of decoded names once it needs one. */
  #sets = new Map<number, Set<string>>();
  length = 0;

  constructor(text: string) {
    this.#text = text;
  }

  /** Adds the name at [start, end) to the object whose names begin at `from`; true if already there. */
  addAndCheck(from: number, start: number, end: number, escaped: boolean): boolean {
    let set = this.#sets.get(from);
    if (set === undefined && (escaped || this.length - from >= LIST_NAMES)) {
      set = new Set();
      for (let k = from; k < this.length; k++)
        set.add(decodeName(this.#text, this.#starts[k]!, this.#ends[k]!));
      this.#sets.set(from, set);
    }
    let seen = false;
    if (set !== undefined) {
      const name = decodeName(this.#text, start, end);
      seen = set.has(name);
      set.add(name);
    } else {
      const len = end - start;
      for (let k = from; k < this.length && !seen; k++) {
        if (this.#ends[k]! - this.#starts[k]! === len && this.#sameText(this.#starts[k]!, start, len))
          seen = true;
      }
    }
    this.#starts[this.length] = start;
    this.#ends[this.length] = end;
    this.length++;
    return seen;
  }

  /** Drops the names of the object that began at `from` (it closed). */
  truncate(from: number): void {
    this.length = from;
    if (this.#sets.size > 0) this.#sets.delete(from);
  }

  #sameText(a: number, b: number, len: number): boolean {
    const t = this.#text;
    for (let k = 0; k < len; k++) if (t.charCodeAt(a + k) !== t.charCodeAt(b + k)) return false;
    return true;
  }
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
  for (let k = from; k < end;) {
    if (text.charCodeAt(k) !== 92) {
      k++;
      continue;
    }
    if (text.charCodeAt(k + 1) !== 117) {
      k += 2; // a two-character escape such as \" or \\
      continue;
    }
    const unit = parseInt(text.slice(k + 2, k + 6), 16);
    k += 6;
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next =
        text.charCodeAt(k) === 92 && text.charCodeAt(k + 1) === 117
          ? parseInt(text.slice(k + 2, k + 6), 16)
          : -1;
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

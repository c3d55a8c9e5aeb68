/**
 * Whether a JSON number literal survives the trip through an IEEE 754 double unchanged (I-JSON,
 * RFC 7493 §2.2), which is what RFC 8785 (§3.2.2.3) requires of every number it serializes.
 *
 * The rule: a literal is exact when the decimal value it writes equals the decimal value of the
 * ECMAScript form of the double it parses to (`Number.prototype.toString`, the shortest digits
 * that round-trip, which is RFC 8785's serialization). Both are reduced to significant digits
 * (leading and trailing zeros dropped) and the position of the decimal point, and compared:
 *
 * - `1.0`, `1e21`, `100e-2`, `0.1`, `5e-324`, `-0.0` are exact (`1`, `1e+21`, `1`, `0.1`, `5e-324`, `0`);
 * - `9007199254740993` (becomes `9007199254740992`), `1.00000000000000001` (becomes `1`) and
 *   `4e-324` (becomes `5e-324`) are not: more precision than a double holds;
 * - `1e400` (becomes Infinity) and `1e-400` (becomes 0) are not: more magnitude than a double holds.
 *
 * Zero of either sign is exact: `-0` and `0` denote the same decimal value, and RFC 8785 writes
 * both as `0`.
 */

/** Why a literal is not exact; `stored` is what a double-based parser would keep, when finite. */
export type NumberInexactness =
  { kind: "precision"; stored: string } | { kind: "overflow" } | { kind: "underflow" };

/**
 * Checks one JSON number literal.
 *
 * Precondition: `literal` matches the JSON number grammar (RFC 8259 §6); anything else is
 * reported as it parses (`Number("x")` is NaN, reported as overflow-free "precision" of NaN).
 * @returns null when exact, else why not.
 */
export function numberInexactness(literal: string): NumberInexactness | null {
  if (isShortPlainNumber(literal)) return null;
  const value = Number(literal);
  if (!Number.isFinite(value))
    return Number.isNaN(value) ? { kind: "precision", stored: "NaN" } : { kind: "overflow" };
  const sent = decimalOf(literal);
  if (sent.digits.length === 0) return null; // zero, whatever its sign or exponent
  if (value === 0) return { kind: "underflow" };
  const stored = String(value);
  const kept = decimalOf(stored);
  return kept.digits === sent.digits && kept.point === sent.point ? null : { kind: "precision", stored };
}

/**
 * Fast path: at most 15 digits and no exponent. Every decimal of at most 15 significant digits in
 * the double's normal range converts to a double and back unchanged (DBL_DIG is 15), so the
 * shortest round-trip form has the same value; without an exponent such a literal is at least
 * 1e-14 in magnitude, well inside the normal range.
 */
function isShortPlainNumber(literal: string): boolean {
  let digits = 0;
  for (let i = 0; i < literal.length; i++) {
    const c = literal.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (++digits > 15) return false;
    } else if (c !== 45 && c !== 46) return false; // an exponent, or not a number at all
  }
  return digits > 0;
}

/**
 * Significant digits (no leading or trailing zeros) and the decimal point's position relative to
 * their start: the value is 0.DIGITS × 10^point. Zero has no digits.
 */
function decimalOf(text: string): { digits: string; point: number } {
  let i = text.charCodeAt(0) === 45 ? 1 : 0;
  let digits = "";
  let intDigits = 0;
  let seenPoint = false;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) seenPoint = true;
    else if (c >= 48 && c <= 57) {
      digits += text[i];
      if (!seenPoint) intDigits++;
    } else break;
  }
  let exponent = 0;
  if (i < text.length) {
    // [eE][+-]?digits; a long run of exponent digits only matters when the value is finite and
    // non-zero, which bounds it, so Number() of it is exact enough to compare.
    exponent = Number(text.slice(i + 1));
  }
  let lead = 0;
  while (lead < digits.length && digits.charCodeAt(lead) === 48) lead++;
  let end = digits.length;
  while (end > lead && digits.charCodeAt(end - 1) === 48) end--;
  return { digits: digits.slice(lead, end), point: intDigits - lead + exponent };
}

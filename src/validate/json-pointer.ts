/**
 * Escapes one reference token of a JSON Pointer, RFC 6901 §3: "~" becomes "~0" and "/"
 * becomes "~1" ("~" first, so that an escaped "/" is not escaped twice).
 */
export function escapePointerToken(token: string): string {
  if (!token.includes("~") && !token.includes("/")) return token;
  return token.replaceAll("~", "~0").replaceAll("/", "~1");
}

/**
 * Appends `token` to `pointer`.
 * Precondition: `pointer` is a valid JSON Pointer ("" or starting with "/").
 */
export function appendPointer(pointer: string, token: string): string {
  return `${pointer}/${escapePointerToken(token)}`;
}

/**
 * I-JSON (RFC 7493) at the door: the problems of each item of a body, as per-item errors.
 * Run on the text after `JSON.parse` succeeded on it (the scanner's precondition).
 */
import { findIJsonViolations } from "../../core/ijson";
import type { ItemError } from "../api-error";

/** Errors per item index (array element, or 0 for one event); null when the text is I-JSON. */
export function ijsonErrorsByItem(text: string, arrayOfItems: boolean): Map<number, ItemError[]> | null {
  const found = findIJsonViolations(text, { arrayOfItems });
  if (found.length === 0) return null;
  const byItem = new Map<number, ItemError[]>();
  for (const v of found) {
    const list = byItem.get(v.item);
    const error = { path: v.pointer, message: v.message };
    if (list) list.push(error);
    else byItem.set(v.item, [error]);
  }
  return byItem;
}

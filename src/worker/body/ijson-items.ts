/**
 * I-JSON (RFC 7493) at the door: the problems of each item of a body, as per-item errors.
 */
import type { ItemViolation } from "../../core/ijson";
import type { ItemError } from "../api-error";

/** The violations of a scan (`scanJsonText`) as errors per item index; null when there are none. */
export function groupByItem(found: readonly ItemViolation[]): Map<number, ItemError[]> | null {
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

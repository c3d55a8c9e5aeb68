import { ApiError } from "./api-error";

/**
 * A query cursor: for each shard, the next sequence number to scan (null once an export found
 * the shard caught up and stops asking it), bound to the filter it was issued for. Opaque to
 * clients (base64url JSON).
 */
export interface Cursor {
  v: 1;
  /** Fingerprint of the filter, so a cursor cannot silently continue another query. */
  f: string;
  s: Record<string, number | null>;
}

export function encodeCursor(c: Cursor): string {
  return btoa(JSON.stringify(c)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function decodeCursor(text: string, filterKey: string): Cursor {
  let parsed: unknown;
  try {
    const b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    parsed = JSON.parse(atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4)));
  } catch {
    throw new ApiError(400, "invalid_cursor", "cursor is not one this server issued");
  }
  const c = parsed as Partial<Cursor> | null;
  if (!c || c.v !== 1 || typeof c.f !== "string" || typeof c.s !== "object" || c.s === null) {
    throw new ApiError(400, "invalid_cursor", "cursor is not one this server issued");
  }
  if (c.f !== filterKey) {
    throw new ApiError(
      400,
      "invalid_cursor",
      "cursor belongs to a query with other filters; repeat the original filters",
    );
  }
  for (const v of Object.values(c.s)) {
    if (v !== null && (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0)) {
      throw new ApiError(400, "invalid_cursor", "cursor is not one this server issued");
    }
  }
  return c as Cursor;
}

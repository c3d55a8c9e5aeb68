import type { Context } from "hono";
import type { AppEnv } from "../app-env";
import { ApiError } from "../api-error";
import { tenantFor } from "../middleware/auth";
import { fanOut } from "../fan-out";
import { EXACT_GROUPS, type ExactGroup, type ShardStats } from "../../shard/stats";
import { sumShardStats } from "../stats-sum";
import { parseFilter } from "./query";

/** Named groups over body fields (estimated); any other body field: `group_by=pointer:/a/b`. */
const ESTIMATED_ALIASES: Record<string, string> = {
  risk_level: "/decision_quality_indicators/decision_risk_level",
};

const POINTER = /^(\/([^~/]|~[01])*)+$/;

/**
 * `group_by` is client text: only the tables' own members count, so that names every object
 * inherits (`constructor`, `toString`, `__proto__`, …) are refused like any other unknown name.
 */
function parseGroup(raw: string | undefined): { exact: ExactGroup } | { pointer: string } | null {
  if (raw === undefined) return null;
  if (Object.hasOwn(EXACT_GROUPS, raw)) return { exact: raw as ExactGroup };
  if (Object.hasOwn(ESTIMATED_ALIASES, raw)) return { pointer: ESTIMATED_ALIASES[raw]! };
  if (raw.startsWith("pointer:") && POINTER.test(raw.slice(8)) && raw.length <= 264)
    return { pointer: raw.slice(8) };
  throw new ApiError(
    400,
    "invalid_parameter",
    `'group_by' must be one of: ${[...Object.keys(EXACT_GROUPS), ...Object.keys(ESTIMATED_ALIASES)].join(", ")}, or pointer:<JSON pointer into the event>`,
  );
}

/**
 * GET /v1/stats?since=&until=&group_by=: exact counts from envelopes and columns; for facts
 * only in retained bodies, Horvitz–Thompson estimates with their standard errors; the observed
 * sampling rates; chain and sequence checks per producer. Shards are summed.
 */
export async function stats(c: Context<AppEnv>): Promise<Response> {
  const tenant = tenantFor(c.var.principal, "read");
  const filter = parseFilter(c);
  const group = parseGroup(c.req.query("group_by"));
  const range: { since?: number; until?: number } = {};
  if (filter.since !== undefined) range.since = filter.since;
  if (filter.until !== undefined) range.until = filter.until;
  const parts: ShardStats[] = await fanOut(c.env, c.var.config, tenant, (stub) => stub.stats(range, group));
  return c.json({
    since: filter.since === undefined ? null : new Date(filter.since).toISOString(),
    until: filter.until === undefined ? null : new Date(filter.until).toISOString(),
    group_by: c.req.query("group_by") ?? null,
    ...sumShardStats(parts, group),
  });
}

/**
 * The read prefix of C2SP tlog-tiles, one per log: `/v1/tiles/{tenant}/{log}/`, serving
 *
 *     checkpoint                   the latest checkpoint with its cosignatures (no-cache)
 *     tile/<L>/<N>[.p/<W>]         hash tiles (immutable)
 *     tile/entries/<N>[.p/<W>]     entry bundles of the canonical batch headers (immutable)
 *     envelopes/<N>                batch N's canonical envelopes, bundled (immutable)
 *
 * Mounted before the API's authentication: a tenant whose tiles are "public" serves them to
 * anyone (integrity data only, never bodies); otherwise a key of that tenant with the `read`
 * scope is needed, as for the rest of the API.
 */
import { Hono, type Context } from "hono";
import type { AppEnv } from "../app-env";
import { ApiError } from "../api-error";
import { authenticate, tenantFor } from "../middleware/auth";
import { logRef, shardStub, shardsOf } from "../routing";
import { parseTilePath, TilePathError, type TileRef } from "../../core/tiles";
import { TENANT_ID_PATTERN, type Jurisdiction } from "../../core/protocol";
import type { OpenSettings } from "../../registry/open-settings";
import type { RoutingVersion } from "../../registry/registry";

export const tiles = new Hono<AppEnv>();

const IMMUTABLE = "max-age=31536000, immutable";

interface TenantView {
  routing: RoutingVersion[];
  jurisdiction: Jurisdiction | null;
  settings: OpenSettings;
}
const cache = new Map<string, { view: TenantView | null; expires: number }>();

async function tenantView(env: Env, tenant: string, cacheMs: number): Promise<TenantView | null> {
  const hit = cache.get(tenant);
  if (hit && hit.expires > Date.now()) return hit.view;
  const registry = env.REGISTRY.getByName("registry");
  const [t, settings] = await Promise.all([registry.getTenant(tenant), registry.getOpenSettings(tenant)]);
  const view = t && settings ? { routing: t.routing, jurisdiction: t.jurisdiction, settings } : null;
  if (cache.size > 10_000) cache.clear();
  cache.set(tenant, { view, expires: Date.now() + cacheMs });
  return view;
}

/** Resolves the log of the request and checks access; returns its stub and whether it is public. */
async function openLog(
  c: Context<AppEnv>,
): Promise<{ stub: ReturnType<typeof shardStub>; origin: string; isPublic: boolean }> {
  const tenant = c.req.param("tenant") ?? "";
  const raw = c.req.param("log") ?? "";
  const absent = () => new ApiError(404, "not_found", `log '${tenant}/${raw}' not found`);
  const view = TENANT_ID_PATTERN.test(tenant)
    ? await tenantView(c.env, tenant, c.var.config.authCacheMs)
    : null;
  if (!view) throw absent();
  const shard = /^(0|[1-9][0-9]{0,5})$/.test(raw) ? Number(raw) : NaN;
  if (!shardsOf(view.routing).includes(shard)) throw absent();
  const isPublic = view.settings.tiles === "public";
  if (!isPublic) {
    await authenticate(c, async () => {});
    const scope = tenantFor(c.var.principal, "read");
    if (scope.id !== tenant) throw absent();
  }
  const log = logRef(c.var.config, { id: tenant, jurisdiction: view.jurisdiction }, shard);
  return { stub: shardStub(c.env, log), origin: log.origin, isPublic };
}

function cacheControl(isPublic: boolean, policy: string): string {
  return `${isPublic ? "public" : "private"}, ${policy}`;
}

function octets(bytes: Uint8Array, isPublic: boolean): Response {
  return new Response(bytes, {
    headers: {
      "content-type": "application/octet-stream",
      "cache-control": cacheControl(isPublic, IMMUTABLE),
    },
  });
}

/** The part of the request path after `/v1/tiles/{tenant}/{log}/<marker>/`. */
function rest(c: Context<AppEnv>, marker: string): string {
  const path = new URL(c.req.url).pathname;
  const prefix = `/v1/tiles/${c.req.param("tenant")}/${c.req.param("log")}/${marker}/`;
  return path.startsWith(prefix) ? path.slice(prefix.length) : "";
}

tiles.get("/:tenant/:log/checkpoint", async (c) => {
  const { stub, origin, isPublic } = await openLog(c);
  const note = await stub.latestCheckpoint();
  if (note === null) throw new ApiError(404, "no_checkpoint", `log ${origin} has no sealed batch yet`);
  return c.text(note, 200, {
    "content-type": "text/plain; charset=utf-8",
    "cache-control": cacheControl(isPublic, "no-cache"),
  });
});

tiles.get("/:tenant/:log/tile/*", async (c) => {
  const { stub, isPublic } = await openLog(c);
  let tile: TileRef;
  try {
    tile = parseTilePath(rest(c, "tile"));
  } catch (err) {
    if (err instanceof TilePathError) throw new ApiError(400, "invalid_tile_path", err.message);
    throw err;
  }
  const answer = await stub.tile(tile);
  if (!answer.ok) throw new ApiError(404, "not_found", answer.message);
  return octets(answer.bytes, isPublic);
});

tiles.get("/:tenant/:log/envelopes/*", async (c) => {
  const { stub, isPublic } = await openLog(c);
  let ref: TileRef;
  try {
    // The batch number uses the tile index encoding (x-prefixed 3-digit groups), never partial.
    ref = parseTilePath(`0/${rest(c, "envelopes")}`);
    if (ref.width !== 256)
      throw new TilePathError("envelope bundles have no partial form", "<N> only", ".p/<W>");
  } catch (err) {
    if (err instanceof TilePathError) throw new ApiError(400, "invalid_batch_path", err.message);
    throw err;
  }
  const bytes = await stub.envelopeBundle(ref.index);
  if (bytes === null) throw new ApiError(404, "not_found", `batch ${ref.index} is not sealed`);
  return octets(bytes, isPublic);
});

/**
 * Every route of the README's API table × every kind of credential × own and foreign tenant,
 * checked against one set of rules (README: HTTP API):
 *
 *   no, malformed, unknown, forged or revoked key  → 401
 *   route for the operator only, called by a key     → 403
 *   tenant data route, called with the operator token → 403
 *   key without the route's scope                    → 403
 *   another tenant's resource                        → 404 (never 403: tenants cannot probe each other)
 *   otherwise                                        → the route's success status
 *
 * Routes are listed once, with the access they need; a new route is one line in ROUTES, and a
 * route added to the README without a line here fails the coverage test.
 */
/// <reference types="vite/client" />
import { beforeAll, describe, expect, it } from "vitest";
import readme from "../../README.md?raw";
import { ADMIN_TOKEN, call, ingest, newKey, newTenant, type TestTenant } from "../support/api";
import { makeEvent } from "../support/events";
import { DEFAULT_POLICY } from "../../src/core/policy";

type Scope = "ingest" | "read" | "admin";
type Whose = "own" | "foreign";

/** What a route needs: a tenant key scope (the operator token is refused), the operator, or either of the tenant's admins. */
type Access = { kind: "scope"; scope: Scope } | { kind: "operator" } | { kind: "tenant-admin" };

interface Fixture {
  own: TestTenant;
  foreign: TestTenant;
  /** A sealed event of each tenant, for read routes. */
  event: Record<Whose, string>;
}

interface Built {
  path: string;
  json?: unknown;
}

interface Route {
  /** As written in the README's table. */
  route: string;
  access: Access;
  ok: number;
  /**
   * Builds the request against the own or the foreign tenant's resource, creating a fresh one
   * when the call consumes it. Routes whose tenant is implied by the key have no foreign form.
   */
  build: (f: Fixture, whose: Whose) => Promise<Built>;
  foreign: boolean;
}

let uniq = 0;
const fresh = () => `m${++uniq}-${Math.random().toString(36).slice(2, 8)}`;

async function freshEvent(t: TestTenant): Promise<string> {
  const { status, body } = await ingest(t.key, makeEvent({ decisionId: fresh() }));
  expect(status).toBe(200);
  return body.results[0]!.id!;
}

const tenantOf = (f: Fixture, whose: Whose) => (whose === "own" ? f.own : f.foreign);

const ROUTES: Route[] = [
  {
    route: "POST /v1/events",
    access: { kind: "scope", scope: "ingest" },
    ok: 200,
    foreign: false,
    build: async () => ({ path: "/v1/events", json: makeEvent({ decisionId: fresh() }) }),
  },
  {
    route: "GET /v1/events/{id}",
    access: { kind: "scope", scope: "read" },
    ok: 200,
    foreign: true,
    build: async (f, w) => ({ path: `/v1/events/${f.event[w]}` }),
  },
  {
    route: "DELETE /v1/events/{id}/body",
    access: { kind: "scope", scope: "admin" },
    ok: 200,
    foreign: true,
    build: async (f, w) => ({
      path: `/v1/events/${await freshEvent(tenantOf(f, w))}/body`,
      json: { reason: "matrix" },
    }),
  },
  {
    route: "GET /v1/logs",
    access: { kind: "scope", scope: "read" },
    ok: 200,
    foreign: false,
    build: async () => ({ path: "/v1/logs" }),
  },
  {
    route: "GET /v1/logs/{log}/checkpoint",
    access: { kind: "scope", scope: "read" },
    ok: 200,
    foreign: false,
    build: async () => ({ path: "/v1/logs/0/checkpoint" }),
  },
  {
    route: "GET /v1/logs/{log}/key",
    access: { kind: "scope", scope: "read" },
    ok: 200,
    foreign: false,
    build: async () => ({ path: "/v1/logs/0/key" }),
  },
  {
    route: "GET /v1/logs/{log}/consistency?from=M&to=N",
    access: { kind: "scope", scope: "read" },
    ok: 200,
    foreign: false,
    build: async () => ({ path: "/v1/logs/0/consistency?from=1&to=1" }),
  },
  {
    route: "GET /v1/logs/{log}/batches?from=M&to=N",
    access: { kind: "scope", scope: "read" },
    ok: 200,
    foreign: false,
    build: async () => ({ path: "/v1/logs/0/batches?from=0&to=1" }),
  },
  {
    route: "GET /v1/logs/{log}/batches/{n}",
    access: { kind: "scope", scope: "read" },
    ok: 200,
    foreign: false,
    build: async () => ({ path: "/v1/logs/0/batches/0" }),
  },
  {
    route: "GET /v1/events?decision_id=&decision_type=&tier=&since=&until=&cursor=&limit=",
    access: { kind: "scope", scope: "read" },
    ok: 200,
    foreign: false,
    build: async () => ({ path: "/v1/events?limit=5" }),
  },
  {
    route: "GET /v1/head",
    access: { kind: "scope", scope: "read" },
    ok: 200,
    foreign: false,
    build: async () => ({ path: "/v1/head" }),
  },
  {
    route: "GET /v1/head/key",
    access: { kind: "scope", scope: "read" },
    ok: 200,
    foreign: false,
    build: async () => ({ path: "/v1/head/key" }),
  },
  {
    route: "GET /v1/experiments?experiment=&since=&until=",
    access: { kind: "scope", scope: "read" },
    ok: 200,
    foreign: false,
    build: async () => ({ path: "/v1/experiments" }),
  },
  {
    route: "GET /v1/stats?since=&until=&group_by=",
    access: { kind: "scope", scope: "read" },
    ok: 200,
    foreign: false,
    build: async () => ({ path: "/v1/stats" }),
  },
  {
    route: "POST /v1/otlp/v1/logs",
    access: { kind: "scope", scope: "ingest" },
    ok: 200,
    foreign: false,
    build: async () => ({ path: "/v1/otlp/v1/logs", json: {} }),
  },
  {
    route: "POST /v1/admin/tenants",
    access: { kind: "operator" },
    ok: 201,
    foreign: false,
    build: async () => ({ path: "/v1/admin/tenants", json: { name: fresh() } }),
  },
  {
    route: "GET /v1/admin/tenants/{t}",
    access: { kind: "tenant-admin" },
    ok: 200,
    foreign: true,
    build: async (f, w) => ({ path: `/v1/admin/tenants/${tenantOf(f, w).id}` }),
  },
  {
    route: "GET /v1/admin/tenants/{t}/keys",
    access: { kind: "tenant-admin" },
    ok: 200,
    foreign: true,
    build: async (f, w) => ({ path: `/v1/admin/tenants/${tenantOf(f, w).id}/keys` }),
  },
  {
    route: "GET /v1/admin/tenants/{t}/mask-key",
    access: { kind: "tenant-admin" },
    ok: 200,
    foreign: true,
    build: async (f, w) => ({ path: `/v1/admin/tenants/${tenantOf(f, w).id}/mask-key` }),
  },
  {
    route: "POST /v1/admin/tenants/{t}/keys",
    access: { kind: "tenant-admin" },
    ok: 201,
    foreign: true,
    build: async (f, w) => ({
      path: `/v1/admin/tenants/${tenantOf(f, w).id}/keys`,
      json: { scopes: ["read"] },
    }),
  },
  // One shard, as the tenants already have: the call succeeds without changing their routing.
  {
    route: "PUT /v1/admin/tenants/{t}/shards",
    access: { kind: "tenant-admin" },
    ok: 200,
    foreign: true,
    build: async (f, w) => ({ path: `/v1/admin/tenants/${tenantOf(f, w).id}/shards`, json: { shards: 1 } }),
  },
  {
    route: "PUT /v1/admin/tenants/{t}/policy",
    access: { kind: "tenant-admin" },
    ok: 200,
    foreign: true,
    build: async (f, w) => ({ path: `/v1/admin/tenants/${tenantOf(f, w).id}/policy`, json: DEFAULT_POLICY }),
  },
  {
    route: "GET /v1/admin/tenants/{t}/policy",
    access: { kind: "tenant-admin" },
    ok: 200,
    foreign: true,
    build: async (f, w) => ({ path: `/v1/admin/tenants/${tenantOf(f, w).id}/policy` }),
  },
  {
    route: "DELETE /v1/admin/tenants/{t}/policy",
    access: { kind: "tenant-admin" },
    ok: 200,
    foreign: true,
    build: async (f, w) => ({ path: `/v1/admin/tenants/${tenantOf(f, w).id}/policy` }),
  },
  {
    route: "GET /v1/logs/{log}/witnesses",
    access: { kind: "scope", scope: "read" },
    ok: 200,
    foreign: false,
    build: async () => ({ path: "/v1/logs/0/witnesses" }),
  },
  // Tiles default to needing a read key; the tenant is in the path, so they have a foreign form.
  {
    route: "GET /v1/tiles/{tenant}/{log}/…",
    access: { kind: "scope", scope: "read" },
    ok: 200,
    foreign: true,
    build: async (f, w) => ({ path: `/v1/tiles/${tenantOf(f, w).id}/0/checkpoint` }),
  },
  {
    route: "PUT /v1/admin/tenants/{t}/open",
    access: { kind: "tenant-admin" },
    ok: 200,
    foreign: true,
    build: async (f, w) => ({
      path: `/v1/admin/tenants/${tenantOf(f, w).id}/open`,
      json: { tiles: "key", witnesses: [] },
    }),
  },
  {
    route: "GET /v1/admin/tenants/{t}/open",
    access: { kind: "tenant-admin" },
    ok: 200,
    foreign: true,
    build: async (f, w) => ({ path: `/v1/admin/tenants/${tenantOf(f, w).id}/open` }),
  },
  {
    route: "DELETE /v1/admin/keys/{id}",
    access: { kind: "tenant-admin" },
    ok: 200,
    foreign: true,
    build: async (f, w) => ({ path: `/v1/admin/keys/${(await newKey(tenantOf(f, w).id, ["read"])).id}` }),
  },
];

type Credential =
  | "no header"
  | "malformed header"
  | "garbage"
  | "forged key"
  | "revoked key"
  | "operator token"
  | Scope
  | "all scopes";
const CREDENTIALS: Credential[] = [
  "no header",
  "malformed header",
  "garbage",
  "forged key",
  "revoked key",
  "operator token",
  "ingest",
  "read",
  "admin",
  "all scopes",
];
const UNAUTHENTICATED: ReadonlySet<Credential> = new Set([
  "no header",
  "malformed header",
  "garbage",
  "forged key",
  "revoked key",
]);

function scopesOf(c: Credential): Scope[] {
  if (c === "all scopes") return ["ingest", "read", "admin"];
  return c === "ingest" || c === "read" || c === "admin" ? [c] : [];
}

/** The rules of the file comment, as one function. */
function expectedStatus(route: Route, cred: Credential, whose: Whose): number {
  if (UNAUTHENTICATED.has(cred)) return 401;
  const operator = cred === "operator token";
  switch (route.access.kind) {
    case "operator":
      return operator ? route.ok : 403;
    case "scope":
      if (operator || !scopesOf(cred).includes(route.access.scope)) return 403;
      return whose === "foreign" ? 404 : route.ok;
    case "tenant-admin":
      if (operator) return route.ok;
      if (!scopesOf(cred).includes("admin")) return 403;
      return whose === "foreign" ? 404 : route.ok;
  }
}

/**
 * Cells where the server answers differently from the rules, with what it answers instead.
 * Each is still checked, and fails once the server follows the rule, so that the entry goes.
 */
const KNOWN_DEVIATIONS: ReadonlyMap<string, number> = new Map();

const cellName = (route: Route, cred: Credential, whose: Whose) => `${route.route} | ${cred} | ${whose}`;

function routeMethod(route: string): string {
  return route.split(" ")[0]!;
}

/**
 * `METHOD /path` of each route in the README's API table. A first cell may name several routes
 * ("`GET /v1/head`, `GET /v1/head/key`") or several methods of one path ("`PUT`, `GET`,
 * `DELETE /v1/...`": a bare method takes the path that follows it).
 */
function readmeRoutes(): string[] {
  const routes: string[] = [];
  for (const row of readme.split("\n")) {
    const cell = /^\| (`[^|]*`) \|/.exec(row)?.[1];
    if (!cell || !cell.includes("/v1/")) continue;
    const bare: string[] = [];
    for (const [, token] of cell.matchAll(/`([^`]+)`/g)) {
      const m = /^(GET|POST|PUT|PATCH|DELETE)(?: (\/\S*))?$/.exec(token!);
      if (!m) continue;
      if (!m[2]) {
        bare.push(m[1]!);
        continue;
      }
      for (const method of [...bare, m[1]!]) routes.push(`${method} ${m[2]}`);
      bare.length = 0;
    }
  }
  return routes;
}

describe("authorization matrix: README routes × credentials × tenants", () => {
  let f: Fixture;
  const header = {} as Record<Credential, string | null>;

  beforeAll(async () => {
    const own = await newTenant(["ingest", "read", "admin"]);
    const foreign = await newTenant(["ingest", "read", "admin"]);
    const sealed = async (t: TestTenant) => {
      const { status, body } = await ingest(t.key, makeEvent({ decisionId: fresh() }), "?wait=sealed");
      expect(status).toBe(200);
      return body.results[0]!.id!;
    };
    f = { own, foreign, event: { own: await sealed(own), foreign: await sealed(foreign) } };
    const revoked = await newKey(own.id, ["ingest", "read", "admin"]);
    expect((await call("DELETE", `/v1/admin/keys/${revoked.id}`, { token: ADMIN_TOKEN })).status).toBe(200);
    header["no header"] = null;
    header["malformed header"] = `Basic ${btoa(`${own.id}:${own.key}`)}`;
    header.garbage = "Bearer not-a-key";
    header["forged key"] = `Bearer ${own.key.slice(0, -2)}${own.key.endsWith("AA") ? "BB" : "AA"}`;
    header["revoked key"] = `Bearer ${revoked.key}`;
    header["operator token"] = `Bearer ${ADMIN_TOKEN}`;
    for (const scope of ["ingest", "read", "admin"] as const)
      header[scope] = `Bearer ${(await newKey(own.id, [scope])).key}`;
    header["all scopes"] = `Bearer ${own.key}`;
  });

  it("covers every route of the README's API table, and only those", () => {
    const documented = readmeRoutes().map((r) => r.replace(/\?.*$/, ""));
    expect(documented.length).toBeGreaterThan(5);
    expect(ROUTES.map((r) => r.route.replace(/\?.*$/, "")).sort()).toEqual([...documented].sort());
  });

  it("lists known deviations only for cells that exist", () => {
    const cells = new Set(
      ROUTES.flatMap((r) =>
        (r.foreign ? (["own", "foreign"] as const) : (["own"] as const)).flatMap((w) =>
          CREDENTIALS.map((c) => cellName(r, c, w)),
        ),
      ),
    );
    expect([...KNOWN_DEVIATIONS.keys()].filter((k) => !cells.has(k))).toEqual([]);
  });

  for (const route of ROUTES) {
    it(route.route, async () => {
      const mismatches: string[] = [];
      let cells = 0;
      for (const whose of route.foreign ? (["own", "foreign"] as const) : (["own"] as const)) {
        for (const cred of CREDENTIALS) {
          const built = await route.build(f, whose);
          const headers: Record<string, string> = {};
          if (header[cred] !== null) headers.authorization = header[cred]!;
          const res = await call(routeMethod(route.route), built.path, {
            headers,
            ...(built.json === undefined ? {} : { json: built.json }),
          });
          // Decoded by hand: batch exports are NDJSON, and Response.text() warns on those.
          const text = new TextDecoder().decode(await res.arrayBuffer());
          cells++;
          const rule = expectedStatus(route, cred, whose);
          const deviation = KNOWN_DEVIATIONS.get(cellName(route, cred, whose));
          if (deviation !== undefined && res.status === rule) {
            mismatches.push(
              `${cred} on ${whose} tenant now follows the rule (${rule}): remove it from KNOWN_DEVIATIONS`,
            );
          } else if (res.status !== (deviation ?? rule)) {
            mismatches.push(
              `${cred} on ${whose} tenant: expected ${deviation ?? rule}, got ${res.status} ${text.slice(0, 160)}`,
            );
          }
          if (res.status >= 400) {
            const error = (JSON.parse(text) as { error?: { code?: unknown; message?: unknown } }).error;
            if (
              typeof error?.code !== "string" ||
              typeof error.message !== "string" ||
              error.message === ""
            ) {
              mismatches.push(
                `${cred} on ${whose} tenant: ${res.status} without an error object: ${text.slice(0, 160)}`,
              );
            }
          }
        }
      }
      expect(cells).toBe(CREDENTIALS.length * (route.foreign ? 2 : 1));
      expect(mismatches).toEqual([]);
    });
  }
});

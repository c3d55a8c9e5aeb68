/** `edgelog tenant create` and `edgelog key create`: the admin API. */
import { defineCommand, onePositional, type Context } from "../command";
import { EXIT_OK, UsageError } from "../errors";

function adminToken(ctx: Context, flag: string | undefined): string | undefined {
  return flag ?? (ctx.io.env.EDGELOG_ADMIN_TOKEN || undefined);
}

export const tenantCreate = defineCommand({
  name: "tenant create",
  summary: "create a tenant (admin token)",
  usage: "edgelog tenant create <name> [--id <id>] [--jurisdiction eu|fedramp] --admin-token <token>",
  help: `POST /v1/admin/tenants. The tenant id is derived from the name (lower case,
dashes) unless --id is given.

  --admin-token <t>    the deployment's EDGELOG_ADMIN_TOKEN (or set the
                       environment variable EDGELOG_ADMIN_TOKEN)
  --id <id>            explicit tenant id
  --jurisdiction <j>   keep the tenant's logs and archive in this jurisdiction
                       (eu or fedramp), for good; the server says whether it
                       enforces it (README "Data residency")`,
  flags: { "admin-token": { type: "string" }, id: { type: "string" }, jurisdiction: { type: "string" } },
  async run(ctx, { flags, positionals }) {
    const name = onePositional(positionals, "tenant name", "tenant create");
    const token = adminToken(ctx, flags["admin-token"]);
    if (!token) throw new UsageError("tenant create: needs --admin-token <token> or EDGELOG_ADMIN_TOKEN");
    const client = ctx.client({ token });
    const request: Record<string, string> = { name };
    if (flags.id !== undefined) request.id = flags.id;
    if (flags.jurisdiction !== undefined) request.jurisdiction = flags.jurisdiction;
    const body = JSON.stringify(request);
    const res = await client.request("POST", "/v1/admin/tenants", {
      body,
      headers: { "content-type": "application/json" },
    });
    const tenant = (await res.json()) as {
      id: string;
      name: string;
      jurisdiction?: string | null;
      residency?: { enforced: boolean; warning?: string } | null;
    };
    const where = tenant.jurisdiction ? `, jurisdiction ${tenant.jurisdiction}` : "";
    ctx.out.line(`created tenant ${tenant.id} (${tenant.name}${where})`);
    if (tenant.residency?.warning) ctx.out.note(`warning: ${tenant.residency.warning}`);
    ctx.out.result(tenant);
    return EXIT_OK;
  },
});

export const keyCreate = defineCommand({
  name: "key create",
  summary: "create an API key for a tenant",
  usage: "edgelog key create <tenant> --scopes ingest,read [--admin-token <token>]",
  help: `POST /v1/admin/tenants/{tenant}/keys. The key is shown once: store it now.
Authenticates with --admin-token / EDGELOG_ADMIN_TOKEN, or else with --key /
EDGELOG_KEY when that key has the tenant's 'admin' scope.

  --scopes <list>      comma-separated: ingest, read, admin
  --admin-token <t>    the deployment's admin token`,
  flags: { scopes: { type: "string" }, "admin-token": { type: "string" } },
  async run(ctx, { flags, positionals }) {
    const tenant = onePositional(positionals, "tenant id", "key create");
    if (flags.scopes === undefined)
      throw new UsageError("key create: missing --scopes (e.g. --scopes ingest,read)");
    const scopes = flags.scopes
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
    if (scopes.length === 0) throw new UsageError("key create: --scopes lists no scope");
    const token = adminToken(ctx, flags["admin-token"]) ?? ctx.apiKey;
    if (!token)
      throw new UsageError("key create: needs --admin-token, EDGELOG_ADMIN_TOKEN, or an admin-scoped --key");
    const client = ctx.client({ token });
    const res = await client.request("POST", `/v1/admin/tenants/${encodeURIComponent(tenant)}/keys`, {
      body: JSON.stringify({ scopes }),
      headers: { "content-type": "application/json" },
    });
    const key = (await res.json()) as { id: string; key: string; scopes: string[] };
    ctx.out.line(key.key);
    ctx.out.note(
      `key ${key.id} for tenant ${tenant} with scopes ${key.scopes.join(", ")}; it is shown only once`,
    );
    ctx.out.result(key);
    return EXIT_OK;
  },
});

import { SELF } from "cloudflare:test";
import { expect } from "vitest";
import type { IngestResponse } from "../../src/core/protocol";

export const ADMIN_TOKEN = "test-admin-token-0123456789";
export const BASE = "http://edgelog.test";

export async function call(
  method: string,
  path: string,
  opts: { token?: string; body?: BodyInit; json?: unknown; headers?: Record<string, string> } = {},
): Promise<Response> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body = opts.body;
  if (opts.json !== undefined) {
    body = JSON.stringify(opts.json);
    headers["content-type"] ??= "application/json";
  }
  return SELF.fetch(`${BASE}${path}`, { method, headers, body });
}

let tenantCounter = 0;

export interface TestTenant {
  id: string;
  key: string;
  keyId: string;
}

/** A policy that keeps every body (tests that are not about sampling use it). */
export const KEEP_ALL_POLICY = { rules: [], default: { tier: "full" } };

/** A policy that adds nothing: the effective tier is the one the producer declared. */
export const DECLARED_TIERS = { rules: [], default: { tier: "lightweight" } };

/**
 * Creates a fresh tenant and a key with `scopes`. Its policy keeps every body unless
 * `policy: "default"` asks for the built-in default policy, or another document is given.
 */
export async function newTenant(
  scopes: string[] = ["ingest", "read", "admin"],
  options: { policy?: "default" | object } = {},
): Promise<TestTenant> {
  const name = `t${++tenantCounter}-${Math.random().toString(36).slice(2, 8)}`;
  const created = await call("POST", "/v1/admin/tenants", { token: ADMIN_TOKEN, json: { name } });
  expect(created.status).toBe(201);
  const tenant = (await created.json()) as { id: string };
  const policy = options.policy ?? KEEP_ALL_POLICY;
  if (policy !== "default") {
    const set = await call("PUT", `/v1/admin/tenants/${tenant.id}/policy`, {
      token: ADMIN_TOKEN,
      json: policy,
    });
    expect(set.status).toBe(200);
  }
  const key = await newKey(tenant.id, scopes);
  return { id: tenant.id, key: key.key, keyId: key.id };
}

export async function newKey(tenant: string, scopes: string[]): Promise<{ id: string; key: string }> {
  const res = await call("POST", `/v1/admin/tenants/${tenant}/keys`, {
    token: ADMIN_TOKEN,
    json: { scopes },
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; key: string };
}

export type { IngestResponse } from "../../src/core/protocol";

export async function ingest(
  token: string,
  events: unknown,
  query = "",
): Promise<{ status: number; body: IngestResponse }> {
  const res = await call("POST", `/v1/events${query}`, { token, json: events });
  return { status: res.status, body: (await res.json()) as IngestResponse };
}

export async function gzip(text: string | Uint8Array): Promise<Uint8Array> {
  const input = typeof text === "string" ? new TextEncoder().encode(text) : text;
  const stream = new Blob([input]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

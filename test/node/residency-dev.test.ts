// A tenant with a jurisdiction on the real `wrangler dev`: workerd has no Durable Object
// jurisdictions, so the Worker must fall back visibly (README "Data residency"), in its
// answers and in wrangler's output, and serve the tenant as usual.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEV_ADMIN_TOKEN, startDev, type DevServer } from "./support/wrangler-dev";
import { runCli } from "./support/cli";

const admin = { authorization: `Bearer ${DEV_ADMIN_TOKEN}`, "content-type": "application/json" };

describe("data residency under wrangler dev", () => {
  let dev: DevServer;
  beforeAll(async () => {
    dev = await startDev();
  });
  afterAll(async () => {
    await dev?.stop();
  });

  it("creates an 'eu' tenant, says residency is not enforced here, logs it, and serves the tenant", async () => {
    const created = await fetch(`${dev.url}/v1/admin/tenants`, {
      method: "POST",
      headers: admin,
      body: JSON.stringify({ name: "eu-dev", jurisdiction: "eu" }),
    });
    const tenant = (await created.json()) as {
      id: string;
      jurisdiction: string;
      residency: { enforced: boolean; archive_binding: string; warning: string };
    };
    expect(created.status, JSON.stringify(tenant)).toBe(201);
    expect(tenant.jurisdiction).toBe("eu");
    expect(tenant.residency.enforced).toBe(false);
    expect(tenant.residency.archive_binding).toBe("ARCHIVE_EU");
    expect(tenant.residency.warning).toMatch(/not implemented in workerd/);

    const k = await fetch(`${dev.url}/v1/admin/tenants/${tenant.id}/keys`, {
      method: "POST",
      headers: admin,
      body: JSON.stringify({ scopes: ["ingest", "read"] }),
    });
    const { key } = (await k.json()) as { key: string };
    const event = {
      schema_version: "0.3.0",
      decision_context: { decision_id: "eu-dev-1", decision_type: "credit_limit" },
      decision_logic: { logic_type: "rule_based", output: "approve" },
      human_override_record: { override_occurred: false },
      temporal_metadata: {
        event_timestamp: "2026-11-28T12:00:00.000Z",
        sequence_number: 0,
        hash_chain: { current_hash: "0".repeat(64), algorithm: "none", previous_hash: null },
        evidence_tier: "lightweight",
      },
    };
    const res = await fetch(`${dev.url}/v1/events?wait=sealed`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify(event),
    });
    const body = (await res.json()) as { results: Array<{ log: string; batch?: number }> };
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body.results[0]!.log).toBe(`eu.edgelog.localhost/${tenant.id}/0`);
    expect(body.results[0]!.batch).toBe(0);

    const warned = () => dev.output().match(/data residency is NOT enforced in this runtime/g) ?? [];
    for (let i = 0; i < 50 && warned().length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(warned().length, dev.output()).toBeGreaterThanOrEqual(1);
    expect(dev.output()).toContain("Jurisdiction restrictions are not implemented in workerd");
    expect(dev.output()).not.toMatch(/EvalError|Code generation from strings disallowed/);
  });

  it("edgelog tenant create --jurisdiction passes it on and repeats the server's warning", async () => {
    const run = await runCli([
      "tenant",
      "create",
      "fed-cli",
      "--jurisdiction",
      "fedramp",
      "--admin-token",
      DEV_ADMIN_TOKEN,
      "--url",
      dev.url,
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("created tenant fed-cli (fed-cli, jurisdiction fedramp)");
    expect(run.stderr).toMatch(/warning: residency is not enforced in this runtime/);
    const bad = await runCli([
      "tenant",
      "create",
      "x",
      "--jurisdiction",
      "mars",
      "--admin-token",
      DEV_ADMIN_TOKEN,
      "--url",
      dev.url,
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('"eu", "fedramp"');
  });
});

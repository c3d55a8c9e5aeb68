// Every answer the Worker gives must match the OpenAPI document: its status is documented for
// the route, its Content-Type is one the document lists, and a JSON body validates against the
// documented schema (JSON Schema 2020-12). The requests are real ones, through the whole app.
import { Validator, type OutputUnit } from "@cfworker/json-schema";
import { describe, expect, it } from "vitest";
import { OPENAPI } from "../../src/worker/openapi";
import { cosignerFromSeed, formatCosignerVkey } from "../../src/core/note";
import { ADMIN_TOKEN, call, newKey, newTenant } from "../support/api";
import { makeEvent, makeEvents, ndjson } from "../support/events";

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
interface Operation {
  responses: Record<string, { content?: Record<string, { schema: Json }> }>;
}

const COMPONENTS = OPENAPI.components.schemas as unknown as Record<string, Json>;

/** The schema with every `#/components/schemas/X` reference replaced by X (there are no cycles). */
function inline(schema: Json): Json {
  if (Array.isArray(schema)) return schema.map(inline);
  if (schema === null || typeof schema !== "object") return schema;
  const target = schema.$ref;
  if (typeof target === "string") {
    const name = target.replace("#/components/schemas/", "");
    const found = COMPONENTS[name];
    if (found === undefined) throw new Error(`the document refers to a schema it lacks: ${target}`);
    return inline(found);
  }
  return Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, inline(v)]));
}

/** Which documented (operation, status) pairs the requests below produced. */
const seen = new Set<string>();

/**
 * Checks one answer against the document and returns its body text. `template` is the
 * documented path (`/v1/events/{id}`), `method` lower case.
 */
async function conforms(method: string, template: string, res: Response): Promise<string> {
  const where = `${method.toUpperCase()} ${template} → ${res.status}`;
  const op = (OPENAPI.paths as unknown as Record<string, Record<string, Operation>>)[template]?.[method];
  expect(op, `${method} ${template} is documented`).toBeDefined();
  const documented = op!.responses[String(res.status)];
  expect(documented, `${where}: this status is documented`).toBeDefined();
  seen.add(`${method} ${template} ${res.status}`);
  const text = await res.text();
  const type = (res.headers.get("content-type") ?? "").split(";")[0]!.trim();
  const content = documented!.content ?? {};
  expect(Object.keys(content), `${where}: the Content-Type is documented`).toContain(type);
  if (type === "application/json") {
    const validator = new Validator(inline(content[type]!.schema) as object, "2020-12", false);
    const result = validator.validate(JSON.parse(text));
    const problems = result.errors.map(
      (e: OutputUnit) => `${e.instanceLocation} ${e.keywordLocation}: ${e.error}`,
    );
    expect(problems, `${where}: the body matches the documented schema\n${text.slice(0, 400)}`).toEqual([]);
  } else if (type === "application/x-ndjson") {
    for (const line of text.split("\n").filter((l) => l !== ""))
      expect(() => JSON.parse(line), `${where}: NDJSON line`).not.toThrow();
  }
  return text;
}

async function req(
  method: string,
  template: string,
  path: string,
  opts: Parameters<typeof call>[2] = {},
): Promise<{ status: number; body: string }> {
  const res = await call(method.toUpperCase(), path, opts);
  return { status: res.status, body: await conforms(method, template, res) };
}

describe("every route answers as the OpenAPI document says", () => {
  it("the schemas themselves catch a body that breaks them", async () => {
    // A self-check of the checker: an answer missing a required member must fail validation.
    const schema = inline({ $ref: "#/components/schemas/LogInfo" }) as object;
    const bad = new Validator(schema, "2020-12", false).validate({
      log: "0",
      origin: "x",
      size: 1,
      events: 1,
    });
    expect(bad.valid).toBe(false);
    const extra = new Validator(schema, "2020-12", false).validate({
      log: "0",
      origin: "x",
      size: 1,
      events: 1,
      pending: 0,
      more: 1,
    });
    expect(extra.valid).toBe(false);
  });

  it("ingest, events, logs, head, stats and admin answers match their schemas", async () => {
    await req("get", "/healthz", "/healthz");
    await req("get", "/openapi.json", "/openapi.json");

    // Admin: tenants and keys.
    const name = `oa-${Math.random().toString(36).slice(2, 8)}`;
    const created = await req("post", "/v1/admin/tenants", "/v1/admin/tenants", {
      token: ADMIN_TOKEN,
      json: { name, shards: 2 },
    });
    expect(created.status).toBe(201);
    const tenant = (JSON.parse(created.body) as { id: string }).id;
    expect(
      (await req("post", "/v1/admin/tenants", "/v1/admin/tenants", { token: ADMIN_TOKEN, json: { name } }))
        .status,
    ).toBe(409);
    expect(
      (
        await req("post", "/v1/admin/tenants", "/v1/admin/tenants", {
          token: ADMIN_TOKEN,
          json: { name: "x", id: "Bad Id" },
        })
      ).status,
    ).toBe(422);
    expect(
      (await req("post", "/v1/admin/tenants", "/v1/admin/tenants", { token: ADMIN_TOKEN, body: "{" })).status,
    ).toBe(400);
    expect((await req("post", "/v1/admin/tenants", "/v1/admin/tenants", { json: { name } })).status).toBe(
      401,
    );
    const keyAnswer = await req(
      "post",
      "/v1/admin/tenants/{tenant}/keys",
      `/v1/admin/tenants/${tenant}/keys`,
      {
        token: ADMIN_TOKEN,
        json: { scopes: ["ingest", "read", "admin"] },
      },
    );
    expect(keyAnswer.status).toBe(201);
    const key = (JSON.parse(keyAnswer.body) as { key: string }).key;
    const keysPath = `/v1/admin/tenants/${tenant}/keys`;
    expect(
      (
        await req("post", "/v1/admin/tenants/{tenant}/keys", keysPath, {
          token: ADMIN_TOKEN,
          json: { scopes: ["root"] },
        })
      ).status,
    ).toBe(422);
    expect((await req("get", "/v1/admin/tenants/{tenant}/keys", keysPath, { token: key })).status).toBe(200);
    expect(
      (
        await req("get", "/v1/admin/tenants/{tenant}/mask-key", `/v1/admin/tenants/${tenant}/mask-key`, {
          token: key,
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await req("post", "/v1/admin/tenants/{tenant}/keys", "/v1/admin/tenants/nobody/keys", {
          token: ADMIN_TOKEN,
          json: { scopes: ["read"] },
        })
      ).status,
    ).toBe(404);
    const tenantPath = `/v1/admin/tenants/${tenant}`;
    expect((await req("get", "/v1/admin/tenants/{tenant}", tenantPath, { token: key })).status).toBe(200);
    const policyPath = `${tenantPath}/policy`;
    expect((await req("get", "/v1/admin/tenants/{tenant}/policy", policyPath, { token: key })).status).toBe(
      200,
    );
    expect(
      (
        await req("put", "/v1/admin/tenants/{tenant}/policy", policyPath, {
          token: key,
          json: { rules: [], default: { tier: "full" } },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await req("put", "/v1/admin/tenants/{tenant}/policy", policyPath, {
          token: key,
          json: { rules: "no" },
        })
      ).status,
    ).toBe(422);

    // Ingest: 200 (sealed, with batch and leaf_index), 207, 422, 400, 415, 401, 403.
    const events = makeEvents(5, { tier: "full" });
    const sealed = await req("post", "/v1/events", "/v1/events?wait=sealed", { token: key, json: events });
    expect(sealed.status).toBe(200);
    const results = (JSON.parse(sealed.body) as { results: Array<{ id: string; batch?: number }> }).results;
    expect(results.every((r) => typeof r.batch === "number")).toBe(true);
    const bad = { ...makeEvent(), schema_version: 7 };
    expect(
      (await req("post", "/v1/events", "/v1/events", { token: key, json: [makeEvent(), bad, events[0]] }))
        .status,
    ).toBe(207);
    expect((await req("post", "/v1/events", "/v1/events", { token: key, json: [bad] })).status).toBe(422);
    const conflicting = makeEvent({ decisionId: "oa-conflict", sequenceNumber: 1 });
    const conflict = {
      ...makeEvent({ decisionId: "oa-conflict", sequenceNumber: 1 }),
      decision_logic: { logic_type: "rule_based", output: "deny" },
    };
    const flagged = await req("post", "/v1/events", "/v1/events", {
      token: key,
      body: ndjson([conflicting, conflict]),
      headers: { "content-type": "application/x-ndjson", "x-edgelog-producer": "openapi-test" },
    });
    expect(flagged.status).toBe(200);
    expect(flagged.body).toContain('"conflict":true');
    expect(
      (
        await req("post", "/v1/events", "/v1/events", {
          token: key,
          body: "[{",
          headers: { "content-type": "application/json" },
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await req("post", "/v1/events", "/v1/events", {
          token: key,
          body: "x",
          headers: { "content-type": "text/csv" },
        })
      ).status,
    ).toBe(415);
    expect((await req("post", "/v1/events", "/v1/events", { token: "elk_nope", json: events })).status).toBe(
      401,
    );
    const reader = await newKey(tenant, ["read"]);
    expect((await req("post", "/v1/events", "/v1/events", { token: reader.key, json: events })).status).toBe(
      403,
    );

    // Reading events.
    const id = results[0]!.id;
    const doc = await req("get", "/v1/events/{id}", `/v1/events/${id}`, { token: key });
    expect(doc.status).toBe(200);
    expect(JSON.parse(doc.body)).toMatchObject({ status: "sealed" });
    expect((await req("get", "/v1/events/{id}", "/v1/events/xyz", { token: key })).status).toBe(400);
    expect((await req("get", "/v1/events/{id}", `/v1/events/${"0".repeat(64)}`, { token: key })).status).toBe(
      404,
    );
    expect((await req("get", "/v1/events", "/v1/events?limit=2", { token: key })).status).toBe(200);
    expect((await req("get", "/v1/events", "/v1/events?tier=all", { token: key })).status).toBe(400);
    const exported = await req("get", "/v1/events", "/v1/events", {
      token: key,
      headers: { accept: "application/x-ndjson" },
    });
    expect(exported.status).toBe(200);
    expect(exported.body.trim().split("\n").length).toBeGreaterThanOrEqual(5);

    // Erasure: 200, then 409; a pending event answers with proof null.
    const erasePath = `/v1/events/${results[1]!.id}/body`;
    expect(
      (await req("delete", "/v1/events/{id}/body", erasePath, { token: key, json: { reason: "test" } }))
        .status,
    ).toBe(200);
    expect((await req("delete", "/v1/events/{id}/body", erasePath, { token: key })).status).toBe(409);
    expect(
      (await req("delete", "/v1/events/{id}/body", erasePath, { token: key, json: { reason: "" } })).status,
    ).toBe(422);
    expect((await req("get", "/v1/events/{id}", `/v1/events/${results[1]!.id}`, { token: key })).status).toBe(
      200,
    );

    // Logs.
    const logsAnswer = await req("get", "/v1/logs", "/v1/logs", { token: key });
    expect(logsAnswer.status).toBe(200);
    const log = (JSON.parse(doc.body) as { proof: { batch: { log: string } } }).proof.batch.log
      .split("/")
      .pop()!;
    expect(
      (await req("get", "/v1/logs/{log}/checkpoint", `/v1/logs/${log}/checkpoint`, { token: key })).status,
    ).toBe(200);
    expect(
      (await req("get", "/v1/logs/{log}/checkpoint", "/v1/logs/9/checkpoint", { token: key })).status,
    ).toBe(404);
    expect((await req("get", "/v1/logs/{log}/key", `/v1/logs/${log}/key`, { token: key })).status).toBe(200);
    expect(
      (
        await req("get", "/v1/logs/{log}/consistency", `/v1/logs/${log}/consistency?from=1&to=1`, {
          token: key,
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await req("get", "/v1/logs/{log}/consistency", `/v1/logs/${log}/consistency?from=x&to=1`, {
          token: key,
        })
      ).status,
    ).toBe(400);
    expect(
      (await req("get", "/v1/logs/{log}/batches", `/v1/logs/${log}/batches?from=0&to=1`, { token: key }))
        .status,
    ).toBe(200);
    expect(
      (await req("get", "/v1/logs/{log}/batches", `/v1/logs/${log}/batches?from=0&to=999`, { token: key }))
        .status,
    ).toBe(400);
    expect(
      (await req("get", "/v1/logs/{log}/batches/{n}", `/v1/logs/${log}/batches/0`, { token: key })).status,
    ).toBe(200);
    expect(
      (await req("get", "/v1/logs/{log}/batches/{n}", `/v1/logs/${log}/batches/999`, { token: key })).status,
    ).toBe(404);

    // Witness progress, open settings and the tiles prefix.
    expect(
      (await req("get", "/v1/logs/{log}/witnesses", `/v1/logs/${log}/witnesses`, { token: key })).status,
    ).toBe(200);
    const openPath = `/v1/admin/tenants/${tenant}/open`;
    expect(
      (await req("put", "/v1/admin/tenants/{tenant}/open", openPath, { token: key, json: { tiles: "key" } }))
        .status,
    ).toBe(200);
    expect(
      (await req("put", "/v1/admin/tenants/{tenant}/open", openPath, { token: key, json: { tiles: "all" } }))
        .status,
    ).toBe(422);
    expect((await req("get", "/v1/admin/tenants/{tenant}/open", openPath, { token: key })).status).toBe(200);
    // With a witness configured, the progress answer lists it with its key (validated by `req`).
    const cosigner = await cosignerFromSeed("witness.test/openapi", new Uint8Array(32).fill(3));
    const witnessVkey = formatCosignerVkey(cosigner.name, cosigner.publicKey);
    expect(
      (
        await req("put", "/v1/admin/tenants/{tenant}/open", openPath, {
          token: key,
          json: { tiles: "key", witnesses: [{ vkey: witnessVkey, url: "http://127.0.0.1:9" }] },
        })
      ).status,
    ).toBe(200);
    const progress = await req("get", "/v1/logs/{log}/witnesses", `/v1/logs/${log}/witnesses`, {
      token: key,
    });
    expect(progress.status).toBe(200);
    expect(JSON.parse(progress.body)).toEqual([
      expect.objectContaining({ witness: "witness.test/openapi", vkey: witnessVkey }),
    ]);
    const tiles = `/v1/tiles/${tenant}/${log}`;
    expect(
      (await req("get", "/v1/tiles/{tenant}/{log}/checkpoint", `${tiles}/checkpoint`, { token: key })).status,
    ).toBe(200);
    expect((await req("get", "/v1/tiles/{tenant}/{log}/checkpoint", `${tiles}/checkpoint`)).status).toBe(401);
    expect(
      (await req("get", "/v1/tiles/{tenant}/{log}/tile/*", `${tiles}/tile/0/000.p/1`, { token: key })).status,
    ).toBe(200);
    expect(
      (await req("get", "/v1/tiles/{tenant}/{log}/tile/*", `${tiles}/tile/0/01`, { token: key })).status,
    ).toBe(400);
    expect(
      (await req("get", "/v1/tiles/{tenant}/{log}/tile/*", `${tiles}/tile/entries/x001/000`, { token: key }))
        .status,
    ).toBe(404);
    expect(
      (await req("get", "/v1/tiles/{tenant}/{log}/envelopes/*", `${tiles}/envelopes/000`, { token: key }))
        .status,
    ).toBe(200);

    // Head and stats.
    expect((await req("get", "/v1/head", "/v1/head", { token: key })).status).toBe(200);
    expect((await req("get", "/v1/head/key", "/v1/head/key", { token: key })).status).toBe(200);
    expect((await req("get", "/v1/stats", "/v1/stats?group_by=tier", { token: key })).status).toBe(200);
    expect((await req("get", "/v1/stats", "/v1/stats?group_by=risk_level", { token: key })).status).toBe(200);
    expect((await req("get", "/v1/stats", "/v1/stats?group_by=nothing", { token: key })).status).toBe(400);
    const exposure = makeEvent({
      extra: {
        decision_logic: {
          logic_type: "ab:exposure",
          output: "b",
          parameters: { experiment: "oa-exp", variant: "b", subject: "s1", assignment_probability: 0.5 },
        },
      },
    });
    expect((await req("post", "/v1/events", "/v1/events", { token: key, json: [exposure] })).status).toBe(
      200,
    );
    const experiments = await req("get", "/v1/experiments", "/v1/experiments", { token: key });
    expect(experiments.status).toBe(200);
    expect(experiments.body).toContain('"oa-exp"');
    expect(
      (await req("get", "/v1/experiments", "/v1/experiments?since=yesterday", { token: key })).status,
    ).toBe(400);

    // OpenTelemetry intake.
    const otlp = {
      resourceLogs: [
        {
          scopeLogs: [
            {
              logRecords: [
                { body: { stringValue: JSON.stringify(makeEvent()) } },
                { body: { stringValue: "a plain log line" } },
              ],
            },
          ],
        },
      ],
    };
    expect(
      (await req("post", "/v1/otlp/v1/logs", "/v1/otlp/v1/logs", { token: key, json: otlp })).status,
    ).toBe(200);
    expect(
      (await req("post", "/v1/otlp/v1/logs", "/v1/otlp/v1/logs", { token: key, json: { resourceLogs: 5 } }))
        .status,
    ).toBe(400);
    expect((await req("post", "/v1/otlp/v1/logs", "/v1/otlp/v1/logs", { json: {} })).status).toBe(401);

    // Admin changes last: shards, policy reset, key revocation.
    expect(
      (
        await req("put", "/v1/admin/tenants/{tenant}/shards", `${tenantPath}/shards`, {
          token: key,
          json: { shards: 3 },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await req("put", "/v1/admin/tenants/{tenant}/shards", `${tenantPath}/shards`, {
          token: key,
          json: { shards: 0 },
        })
      ).status,
    ).toBe(422);
    expect(
      (await req("delete", "/v1/admin/tenants/{tenant}/policy", policyPath, { token: key })).status,
    ).toBe(200);
    expect(
      (await req("delete", "/v1/admin/keys/{id}", `/v1/admin/keys/${reader.id}`, { token: key })).status,
    ).toBe(200);
    expect(
      (await req("delete", "/v1/admin/keys/{id}", `/v1/admin/keys/${reader.id}`, { token: key })).status,
    ).toBe(404);
    expect((await req("get", "/v1/admin/tenants/{tenant}/keys", keysPath, { token: key })).status).toBe(200);
    expect((await req("get", "/v1/experiments", "/v1/experiments", { token: key })).status).toBe(200);
    const other = await newTenant();
    expect((await req("get", "/v1/admin/tenants/{tenant}/keys", keysPath, { token: other.key })).status).toBe(
      404,
    );
    expect((await req("get", "/v1/admin/tenants/{tenant}", tenantPath, { token: other.key })).status).toBe(
      404,
    );
    expect((await req("get", "/v1/admin/tenants/{tenant}", tenantPath, { token: reader.key })).status).toBe(
      401,
    );

    // Every documented operation was exercised with a success answer.
    const operations = Object.entries(OPENAPI.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m} ${path}`),
    );
    const succeeded = new Set(
      [...seen].filter((s) => /\s2\d\d$/.test(s)).map((s) => s.replace(/\s\d{3}$/, "")),
    );
    expect(
      operations.filter((o) => !succeeded.has(o)),
      "operations without a checked success answer",
    ).toEqual([]);
  });

  it("tenants with a jurisdiction: created, read, refused and changes refused as documented", async () => {
    const id = `oa-eu-${Math.random().toString(36).slice(2, 8)}`;
    const tenants = "/v1/admin/tenants";
    const created = await req("post", tenants, tenants, {
      token: ADMIN_TOKEN,
      json: { name: id, id, jurisdiction: "eu" },
    });
    expect(created.status).toBe(201);
    expect(JSON.parse(created.body)).toMatchObject({ jurisdiction: "eu", residency: { enforced: false } });
    const tenantPath = `/v1/admin/tenants/${id}`;
    const got = await req("get", "/v1/admin/tenants/{tenant}", tenantPath, { token: ADMIN_TOKEN });
    expect(got.status).toBe(200);
    expect(JSON.parse(got.body)).toMatchObject({
      jurisdiction: "eu",
      residency: { archive_binding: "ARCHIVE_EU" },
    });
    const bad = { token: ADMIN_TOKEN, json: { name: "x", jurisdiction: "mars" } };
    expect((await req("post", tenants, tenants, bad)).status).toBe(400);
    const other = { token: ADMIN_TOKEN, json: { name: id, id, jurisdiction: "fedramp" } };
    expect((await req("post", tenants, tenants, other)).status).toBe(409);
    const shards = { token: ADMIN_TOKEN, json: { shards: 2, jurisdiction: null } };
    expect(
      (await req("put", "/v1/admin/tenants/{tenant}/shards", `${tenantPath}/shards`, shards)).status,
    ).toBe(409);
    const open = { token: ADMIN_TOKEN, json: { tiles: "key", jurisdiction: "fedramp" } };
    expect((await req("put", "/v1/admin/tenants/{tenant}/open", `${tenantPath}/open`, open)).status).toBe(
      409,
    );
  });
});

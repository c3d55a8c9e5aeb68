import { createExecutionContext, env, SELF, waitOnExecutionContext } from "cloudflare:test";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "../../src/core/canonical";
import { sha256Hex } from "../../src/core/digest";
import { utf8 } from "../../src/core/bytes";
import { createClient, type EdgelogClient, type EventOutcome } from "../../src/client/index";
import { decisionLog, type DecisionLogEnv } from "../../src/client/hono";
import { BASE, call, newTenant } from "../support/api";

const TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

/** A client of the edgelog worker under test, reached through SELF, that keeps every answer. */
function clientFor(key: string): { client: EdgelogClient; outcomes: EventOutcome[] } {
  const outcomes: EventOutcome[] = [];
  const client = createClient({
    url: BASE,
    key,
    fetch: SELF.fetch.bind(SELF),
    flushIntervalMs: 0,
    onResult: (o) => outcomes.push(...o),
  });
  return { client, outcomes };
}

function appWith(client: EdgelogClient) {
  const app = new Hono<DecisionLogEnv>();
  app.use(decisionLog({ client }));
  app.post("/loans/:id", async (c) => {
    const decisionId = await c.var.decision.log({
      decisionType: "credit_limit",
      logicType: "rule_based",
      output: { limit: 5000 },
      tier: "full",
      riskLevel: "medium",
    });
    return c.json({ decisionId, traceId: c.var.decision.traceId });
  });
  app.get("/checkout", async (c) => {
    const subject = c.req.query("user")!;
    const shown = await c.var.decision.exposure({
      experiment: "checkout",
      variant: "green",
      subject,
      probability: 0.5,
      tier: "full",
      riskLevel: "low",
    });
    return c.json({ shown });
  });
  return app;
}

async function stored(key: string, id: string): Promise<{ event: Record<string, unknown> }> {
  const res = await call("GET", `/v1/events/${id}`, { token: key });
  expect(res.status).toBe(200);
  return (await res.json()) as { event: Record<string, unknown> };
}

describe("decisionLog (Hono) against the edgelog worker", () => {
  it("logs a decision with the request's context and flushes it through waitUntil", async () => {
    const t = await newTenant(["ingest", "read"]);
    const { client, outcomes } = clientFor(t.key);
    const ctx = createExecutionContext();
    const res = await appWith(client).request(
      "/loans/42?ssn=secret",
      { method: "POST", headers: { traceparent: TRACEPARENT } },
      env,
      ctx,
    );
    expect(res.status).toBe(200);
    const { decisionId, traceId } = (await res.json()) as { decisionId: string; traceId: string };
    expect(traceId).toBe("4bf92f3577b34da6a3ce929d0e0e4736");
    await waitOnExecutionContext(ctx);

    expect(outcomes).toHaveLength(1);
    const [outcome] = outcomes;
    expect(outcome!.result.status).toBe("accepted");
    const event = outcome!.event;
    const id = await sha256Hex(utf8(canonicalJson(event)));
    expect(outcome!.result.id).toBe(id);

    const doc = await stored(t.key, id);
    expect(doc.event).toEqual(event);
    expect(doc.event.decision_context).toMatchObject({
      decision_id: decisionId,
      request: { method: "POST", path: "/loans/42" },
      trace_id: "4bf92f3577b34da6a3ce929d0e0e4736",
    });
    expect(JSON.stringify(doc.event)).not.toContain("secret");
    expect(client.stats()).toMatchObject({ buffered: 0, accepted: 1 });
  });

  it("records an A/B exposure once per subject and variant, and the record is retrievable", async () => {
    const t = await newTenant(["ingest", "read"]);
    const { client, outcomes } = clientFor(t.key);
    const app = appWith(client);
    const answers: Array<string | null> = [];
    for (const user of ["u1", "u1", "u2", "u1"]) {
      const ctx = createExecutionContext();
      const res = await app.request(`/checkout?user=${user}`, {}, env, ctx);
      answers.push(((await res.json()) as { shown: string | null }).shown);
      await waitOnExecutionContext(ctx);
    }
    expect(answers.map((a) => a !== null)).toEqual([true, false, true, false]);
    expect(outcomes.map((o) => o.result.status)).toEqual(["accepted", "accepted"]);
    const doc = await stored(t.key, outcomes[0]!.result.id!);
    expect(doc.event.decision_logic).toEqual({
      logic_type: "ab:exposure",
      output: "green",
      parameters: { experiment: "checkout", variant: "green", subject: "u1", assignment_probability: 0.5 },
    });
  });

  it("works without an execution context (outside Workers); the client then sends on flush or its timer", async () => {
    const t = await newTenant(["ingest", "read"]);
    const { client, outcomes } = clientFor(t.key);
    const res = await appWith(client).request("/loans/7", { method: "POST" });
    expect(res.status).toBe(200);
    expect(client.stats().buffered).toBe(1);
    const report = await client.flush();
    expect(report.accepted).toBe(1);
    expect((outcomes[0]!.event.decision_context as Record<string, unknown>).trace_id).toBeUndefined();
  });

  it("creates its client from clientOptions on the first request (reading the bindings)", async () => {
    const t = await newTenant(["ingest", "read"]);
    const seen: EventOutcome[] = [];
    const app = new Hono<DecisionLogEnv>();
    app.use(
      decisionLog({
        clientOptions: (c) => ({
          url: BASE,
          key: (c.env as { EDGELOG_KEY: string }).EDGELOG_KEY,
          fetch: SELF.fetch.bind(SELF),
          onResult: (o) => seen.push(...o),
        }),
      }),
    );
    app.get("/", async (c) =>
      c.text(await c.var.decision.log({ decisionType: "t", logicType: "rule_based", output: true })),
    );
    const ctx = createExecutionContext();
    await app.request("/", {}, { ...env, EDGELOG_KEY: t.key }, ctx);
    await waitOnExecutionContext(ctx);
    expect(seen.map((o) => o.result.status)).toEqual(["accepted"]);
  });
});

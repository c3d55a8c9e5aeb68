// OTLP logs intake against the real runtime: the official OpenTelemetry JS SDK (LoggerProvider
// with the OTLP/HTTP protobuf and JSON log exporters) sends DES events to `wrangler dev`, and the
// events are read back with proofs that verify offline.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LoggerProvider, SimpleLogRecordProcessor } from "@opentelemetry/sdk-logs";
import { OTLPLogExporter as ProtoExporter } from "@opentelemetry/exporter-logs-otlp-proto";
import { OTLPLogExporter as JsonExporter } from "@opentelemetry/exporter-logs-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { DEV_ADMIN_TOKEN, devTenant, startDev, type DevServer } from "./support/wrangler-dev";
import { createProducer } from "../../src/client/des-builder";
import type { DesEvent } from "../../src/client/des-types";
import { canonicalJson } from "../../src/core/canonical";
import { sha256Hex } from "../../src/core/digest";
import { utf8 } from "../../src/core/bytes";
import { verifyEventProof, type EventProofDocument } from "../../src/core/event-proof";
import { verifierFromVkey } from "../../src/core/note";

type Exporter = ProtoExporter | JsonExporter;

async function sendWithSdk(
  exporter: Exporter,
  service: { name: string; instance?: string },
  bodies: Array<string | Record<string, unknown>>,
): Promise<void> {
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({
      "service.name": service.name,
      ...(service.instance ? { "service.instance.id": service.instance } : {}),
    }),
    processors: [new SimpleLogRecordProcessor({ exporter })],
  });
  const logger = provider.getLogger("edgelog-otlp-test");
  for (const body of bodies)
    logger.emit({ severityText: "INFO", body: body as never, attributes: { "decision.kind": "test" } });
  await provider.forceFlush();
  await provider.shutdown();
}

describe("OTLP/HTTP logs from the OpenTelemetry JS SDK into wrangler dev", () => {
  let dev: DevServer;
  let key = "";
  beforeAll(async () => {
    dev = await startDev();
    let tenant: string;
    ({ key, tenant } = await devTenant(dev.url, "otlp"));
    // Keep every body, so each event read back is compared with the one sent.
    const policy = await fetch(`${dev.url}/v1/admin/tenants/${tenant}/policy`, {
      method: "PUT",
      headers: { authorization: `Bearer ${DEV_ADMIN_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ rules: [], default: { tier: "full" } }),
    });
    expect(policy.status).toBe(200);
  });
  afterAll(async () => {
    await dev?.stop();
  });

  const headers = () => ({ authorization: `Bearer ${key}` });

  async function readBack(event: DesEvent, producer: string): Promise<void> {
    const id = await sha256Hex(utf8(canonicalJson(event)));
    let doc: (EventProofDocument & { status: string; event: unknown }) | null = null;
    // Sealing takes up to BATCH_MS; the proof exists once the batch is sealed.
    for (let i = 0; i < 100; i++) {
      const res = await fetch(`${dev.url}/v1/events/${id}`, { headers: headers() });
      if (res.status === 200) {
        doc = (await res.json()) as typeof doc;
        if (doc!.status === "sealed") break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(doc, `event ${id} was not stored`).not.toBeNull();
    expect(doc!.status).toBe("sealed");
    expect(doc!.event).toEqual(event);
    expect(doc!.envelope.producer).toBe(producer);
    const shard = String(doc!.envelope.log).split("/").at(-1)!;
    const vkey = (
      await (await fetch(`${dev.url}/v1/logs/${shard}/key`, { headers: headers() })).text()
    ).trim();
    // Throws naming the first failing step; the steps run through the batch and log inclusion.
    const steps = await verifyEventProof(doc!, await verifierFromVkey(vkey));
    expect(steps.map((s) => s.step)).toContain("log inclusion");
  }

  it("@opentelemetry/exporter-logs-otlp-proto: JSON-text and structured bodies are logged and proven", async () => {
    const producer = createProducer({
      producerId: "otel-proto",
      decisionType: "credit_limit",
      logicType: "rule_based",
    });
    const text = await producer.event({ output: "approve" });
    const structured = await producer.event({
      output: { limit: 2500, currency: "EUR" },
      tier: "full",
      riskLevel: "high",
    });
    const exporter = new ProtoExporter({ url: `${dev.url}/v1/otlp/v1/logs`, headers: headers() });
    await sendWithSdk(exporter, { name: "checkout", instance: "pod-1" }, [
      JSON.stringify(text),
      structured as unknown as Record<string, unknown>,
    ]);
    await readBack(text, "checkout/pod-1");
    await readBack(structured, "checkout/pod-1");
    expect(dev.output()).not.toMatch(/EvalError|Code generation from strings disallowed/);
  });

  it("@opentelemetry/exporter-logs-otlp-http (JSON): logged and proven; a plain log line is rejected per record", async () => {
    const producer = createProducer({
      producerId: "otel-json",
      decisionType: "fraud_check",
      logicType: "rule_based",
    });
    const event = await producer.event({ output: "review", tier: "full", riskLevel: "medium" });
    const exporter = new JsonExporter({ url: `${dev.url}/v1/otlp/v1/logs`, headers: headers() });
    await sendWithSdk(exporter, { name: "fraud" }, [
      event as unknown as Record<string, unknown>,
      "user 42 logged in",
    ]);
    await readBack(event, "fraud");

    // What the exporter got back (it only logs partial success): the same request by hand.
    const res = await fetch(`${dev.url}/v1/otlp/v1/logs`, {
      method: "POST",
      headers: { ...headers(), "content-type": "application/json" },
      body: JSON.stringify({
        resourceLogs: [
          {
            resource: { attributes: [{ key: "service.name", value: { stringValue: "fraud" } }] },
            scopeLogs: [{ logRecords: [{ body: { stringValue: "user 42 logged in" } }] }],
          },
        ],
      }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      partialSuccess: { rejectedLogRecords: number; errorMessage: string };
    };
    expect(body.partialSuccess.rejectedLogRecords).toBe(1);
    expect(body.partialSuccess.errorMessage).toContain(
      "resourceLogs[0].scopeLogs[0].logRecords[0]: body is a string but not a DES event's JSON text",
    );
    expect(dev.output()).not.toMatch(/EvalError|Code generation from strings disallowed/);
  });
});

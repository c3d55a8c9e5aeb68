// A Node 20+ service that scores transactions and records each decision in edgelog.
import { createClient, installShutdownFlush } from "edgelog/client";

const client = createClient({
  url: process.env.EDGELOG_URL ?? "http://127.0.0.1:8787",
  key: process.env.EDGELOG_KEY ?? "",
  producer: { producerId: `scorer-${process.pid}`, decisionType: "fraud_check", logicType: "ml_inference" },
  onError: (error, events) => console.error(`edgelog: ${events.length} events not delivered:`, error.message),
});
// SIGTERM/SIGINT: final flush, then exit as usual. beforeExit: send what is left.
installShutdownFlush(client);

for (let i = 0; i < 1000; i++) {
  const score = Math.random();
  await client.logDecision({
    output: score > 0.9 ? "block" : "allow",
    riskLevel: score > 0.9 ? "high" : "low",
    tier: score > 0.9 ? "full" : "lightweight",
    extra: {
      decision_logic: { model_inference: { model_id: "gbm-fraud", model_version: "7", confidence: score } },
    },
  });
}

const report = await client.close();
console.log(
  `accepted ${report.accepted}, duplicates ${report.duplicates}, rejected ${report.rejected.length}`,
  client.stats(),
);

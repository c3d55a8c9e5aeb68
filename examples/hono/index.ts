// A Hono app whose handlers record decisions and A/B exposures with the request's context.
import { Hono } from "hono";
import { decisionLog, type DecisionLogEnv } from "edgelog/hono";

type Env = { Bindings: { EDGELOG_URL: string; EDGELOG_KEY: string } } & DecisionLogEnv;

const app = new Hono<Env>();

app.use(
  decisionLog({
    clientOptions: (c) => ({ url: c.env.EDGELOG_URL, key: c.env.EDGELOG_KEY }),
    experiments: { dedupWindowMs: 10 * 60_000 },
  }),
);

app.post("/loans", async (c) => {
  const { income } = await c.req.json<{ income: number }>();
  const limit = income > 50_000 ? 10_000 : 2_000;
  const decisionId = await c.var.decision.log({
    decisionType: "credit_limit",
    logicType: "rule_based",
    output: { limit },
    tier: "full",
    riskLevel: limit > 5_000 ? "medium" : "low",
  });
  return c.json({ limit, decisionId });
});

app.get("/checkout", async (c) => {
  const user = c.req.header("x-user-id") ?? "anonymous";
  const variant = hashToUnit(user) < 0.5 ? "green" : "blue";
  // Recorded once per (user, experiment, variant) every 10 minutes, with its probability.
  await c.var.decision.exposure({ experiment: "checkout-button", variant, subject: user, probability: 0.5 });
  return c.json({ button: variant });
});

function hashToUnit(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return (h >>> 0) / 2 ** 32;
}

export default app;

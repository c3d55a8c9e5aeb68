// A Worker that prices a quote and records the decision in edgelog.
import { createClient, type EdgelogClient } from "edgelog/client";

interface Env {
  EDGELOG_URL: string;
  EDGELOG_KEY: string;
}

// One client (and one producer hash chain) per isolate, shared by its requests.
let client: EdgelogClient | undefined;

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    client ??= createClient({
      url: env.EDGELOG_URL,
      key: env.EDGELOG_KEY,
      producer: { producerId: "quote-worker", decisionType: "price_quote", logicType: "rule_based" },
    });
    const { basket } = (await request.json()) as { basket: number };
    const discount = basket >= 100 ? 0.1 : 0;
    const event = await client.logDecision({
      output: { discount },
      extra: {
        decision_logic: {
          rule_path: [{ rule_id: "basket-100", rule_result: discount > 0 ? "hit" : "miss" }],
        },
      },
    });
    // Send before the isolate may be frozen; the response does not wait for it.
    ctx.waitUntil(client.flush());
    return Response.json({ discount, decision_id: event.decision_context.decision_id });
  },
};

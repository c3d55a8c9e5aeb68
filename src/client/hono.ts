/**
 * Hono middleware that gives handlers `c.var.decision`, a recorder of DES decision events that
 * carry the request's context, and makes sure they are sent before a Worker's request ends.
 *
 * ```ts
 * const app = new Hono<{ Bindings: Env } & DecisionLogEnv>();
 * app.use(decisionLog({ clientOptions: (c) => ({ url: c.env.EDGELOG_URL, key: c.env.EDGELOG_KEY }) }));
 * app.post("/loan", async (c) => {
 *   const id = await c.var.decision.log({ decisionType: "credit_limit", logicType: "rule_based", output: "approve" });
 *   return c.json({ decision: id });
 * });
 * ```
 */
import type { Context, MiddlewareHandler } from "hono";
import { createClient, type EdgelogClient } from "./client";
import type { ClientOptions } from "./client-options";
import type { DecisionInput, DesExtra, Producer } from "./des-builder";
import {
  createExperimentLogger,
  type ExperimentInput,
  type ExperimentLogger,
  type ExperimentLoggerOptions,
} from "./experiment";
import { parseTraceparent } from "./traceparent";

export interface DecisionLogOptions {
  /** A client shared by every request. Either this or `clientOptions`. */
  client?: EdgelogClient;
  /**
   * Options of a client the middleware creates on its first request and then shares; a function
   * can read them from the request's bindings (`c.env`).
   */
  clientOptions?: ClientOptions | ((c: Context) => ClientOptions);
  /** Producer of the events. Default: the client's producer. */
  producer?: Producer;
  /** Settings of the A/B recorder behind `exposure()` and `assignment()`. */
  experiments?: Omit<ExperimentLoggerOptions, "producer">;
  /**
   * Record `decision_context.request` ({method, path}; the query string is left out, as it often
   * carries personal data) and `decision_context.trace_id` (from a valid W3C `traceparent`).
   * Default true.
   */
  requestContext?: boolean;
}

export interface DecisionRecorder {
  /** Builds and buffers a decision event; resolves to its `decision_id`. */
  log(input: DecisionInput): Promise<string>;
  /** Records an A/B exposure, once per (subject, experiment, variant) and window; null when skipped. */
  exposure(input: ExperimentInput): Promise<string | null>;
  /** Records an A/B assignment; resolves to its `decision_id`. */
  assignment(input: ExperimentInput): Promise<string>;
  /** The trace id of the request's `traceparent`, when it had a valid one. */
  readonly traceId: string | undefined;
  readonly client: EdgelogClient;
}

export type DecisionLogEnv = { Variables: { decision: DecisionRecorder } };

/**
 * In a Worker, each request that recorded events registers `waitUntil(client.flush())` once its
 * handler is done (and at every later record), so its events are sent even after the response.
 * Elsewhere (Node, Bun) there is no execution context and the client's interval sends them.
 */
export function decisionLog(options: DecisionLogOptions): MiddlewareHandler<DecisionLogEnv> {
  if (!options.client && !options.clientOptions) {
    throw new TypeError("decisionLog needs `client` or `clientOptions`");
  }
  let shared: { client: EdgelogClient; experiments: ExperimentLogger } | undefined;
  const withRequestContext = options.requestContext ?? true;

  const setup = (c: Context) => {
    if (!shared) {
      const client =
        options.client ??
        createClient(
          typeof options.clientOptions === "function" ? options.clientOptions(c) : options.clientOptions!,
        );
      const experiments = createExperimentLogger(client, {
        ...options.experiments,
        producer: options.producer,
      });
      shared = { client, experiments };
    }
    return shared;
  };

  return async (c, next) => {
    const { client, experiments } = setup(c);
    const producer = options.producer ?? client.producer;
    const traceId = parseTraceparent(c.req.header("traceparent"))?.traceId;
    const context = withRequestContext
      ? { request: { method: c.req.method, path: c.req.path }, ...(traceId ? { trace_id: traceId } : {}) }
      : {};
    const withContext = (extra: DesExtra | undefined): DesExtra => ({
      ...extra,
      decision_context: { ...context, ...(extra?.decision_context ?? {}) },
    });

    const ctx = executionCtxOf(c);
    const pending: Promise<unknown>[] = [];
    let handlerDone = false;
    const track = <T>(p: Promise<T>): Promise<T> => {
      if (!ctx) return p;
      if (!handlerDone) pending.push(p);
      else
        ctx.waitUntil(
          p.then(
            () => client.flush(),
            () => client.flush(),
          ),
        );
      return p;
    };

    c.set("decision", {
      traceId,
      client,
      log: (input) =>
        track(
          (async () => {
            const event = await producer.event({ ...input, extra: withContext(input.extra) });
            await client.log(event);
            return event.decision_context.decision_id;
          })(),
        ),
      exposure: (input) => track(experiments.exposure({ ...input, extra: withContext(input.extra) })),
      assignment: (input) => track(experiments.assignment({ ...input, extra: withContext(input.extra) })),
    });

    try {
      await next();
    } finally {
      handlerDone = true;
      if (ctx && pending.length > 0) ctx.waitUntil(Promise.allSettled(pending).then(() => client.flush()));
    }
  };
}

/** `c.executionCtx` throws outside Workers; there the client's own timer sends the events. */
function executionCtxOf(c: Context): { waitUntil(p: Promise<unknown>): void } | undefined {
  try {
    return c.executionCtx;
  } catch {
    return undefined;
  }
}

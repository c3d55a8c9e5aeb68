/**
 * Benchmark Worker: runs the figures that must be measured inside workerd, each endpoint timing
 * one contender for a requested number of iterations. The Node side (bench/src/figures) calls
 * contenders in turns and takes medians. workerd's clock advances in whole milliseconds, so
 * every timed call here runs long enough (hundreds of ms) for that not to matter.
 *
 *   GET /validate/check                               verdict agreement of the two validators
 *   GET /validate/run?impl=&set=valid|invalid&iterations=N
 *   GET /merkle/run?contender=&task=root|proofs&size=&minMs=
 *   GET /proofs/fill?batches=N                        append and seal N batches (ProofLog DO)
 *   GET /proofs/run?samples=N                         time buildEventProof / buildConsistency
 */
import { Validator, type Schema } from "@cfworker/json-schema";
import { DurableObject } from "cloudflare:workers";
import schema from "../../schema/des-0.3.0.schema.json";
import { validators } from "../../src/generated/validators/index";
import { validateEvent } from "../../src/validate/index";
import { buildConsistency, buildEventProof } from "../../src/shard/read";
import { EventLines } from "../../src/shard/lines";
import { createEventGenerator, invalidEvents, type DesEvent } from "../src/events";
import { LogBuilder } from "../src/log-builder";
import { checkAgreement, makeInputs, merkleTask, type MerkleTask } from "../src/merkle-tasks";

interface BenchEnv {
  PROOF_LOG: DurableObjectNamespace<ProofLog>;
}

/** The validation corpus: the same seeded events the Node side describes in RESULTS.md. */
const VALID_COUNT = 500;
const INVALID_COUNT = 200;

let corpus: { valid: DesEvent[]; invalid: DesEvent[] } | null = null;
function getCorpus() {
  if (!corpus) {
    const generator = createEventGenerator({ seed: 2 });
    corpus = {
      valid: Array.from({ length: VALID_COUNT }, () => generator.next()),
      invalid: invalidEvents(generator, INVALID_COUNT),
    };
  }
  return corpus;
}

/** @cfworker/json-schema with its defaults apart from the draft: stops at the first error. */
const cfworker = new Validator(schema as unknown as Schema, "2020-12");
const generated = validators["des-0.3.0"];

const VALIDATORS: Record<string, (event: unknown) => boolean> = {
  /** What the ingest path calls: version dispatch, then the generated validator, errors summarised. */
  edgelog: (event) => validateEvent(event).ok,
  /** The generated standalone validator alone. */
  generated: (event) => generated(event),
  cfworker: (event) => cfworker.validate(event).valid,
};

function validateRun(url: URL): Response {
  const impl = VALIDATORS[url.searchParams.get("impl") ?? ""];
  const set = url.searchParams.get("set") === "invalid" ? "invalid" : "valid";
  const iterations = Number(url.searchParams.get("iterations") ?? "1");
  if (!impl || !Number.isSafeInteger(iterations) || iterations < 1)
    return new Response("bad parameters", { status: 400 });
  const events = getCorpus()[set];
  let accepted = 0;
  const start = Date.now();
  for (let i = 0; i < iterations; i++) for (const e of events) if (impl(e)) accepted++;
  const ms = Date.now() - start;
  return Response.json({ ms, validations: iterations * events.length, accepted });
}

function validateCheck(): Response {
  const { valid, invalid } = getCorpus();
  const verdicts = (events: DesEvent[]) =>
    Object.fromEntries(
      Object.entries(VALIDATORS).map(([name, fn]) => [name, events.filter((e) => fn(e)).length]),
    );
  return Response.json({
    valid: { count: valid.length, accepted: verdicts(valid) },
    invalid: { count: invalid.length, accepted: verdicts(invalid) },
  });
}

const merkleInputs = new Map<number, ReturnType<typeof makeInputs>>();

function merkleRun(url: URL): Response {
  const size = Number(url.searchParams.get("size"));
  const task = url.searchParams.get("task") as MerkleTask;
  const contender = url.searchParams.get("contender") ?? "";
  const minMs = Number(url.searchParams.get("minMs") ?? "300");
  if (!Number.isSafeInteger(size) || size < 2 || (task !== "root" && task !== "proofs"))
    return new Response("bad parameters", { status: 400 });
  let inp = merkleInputs.get(size);
  if (!inp) {
    inp = makeInputs(size);
    checkAgreement(inp);
    merkleInputs.set(size, inp);
  }
  const fn = merkleTask(task, contender, inp);
  let n = 0;
  const start = Date.now();
  do {
    fn();
    n++;
  } while (Date.now() - start < minMs);
  return Response.json({ ms: Date.now() - start, runs: n });
}

/** A LogShard-shaped store filled through the shard's own append and seal code. */
export class ProofLog extends DurableObject<BenchEnv> {
  private readonly builder: LogBuilder;

  constructor(ctx: DurableObjectState, env: BenchEnv) {
    super(ctx, env);
    this.builder = new LogBuilder(
      { sql: ctx.storage.sql, commit: (write) => ctx.storage.transactionSync(write) },
      256,
    );
  }

  async fill(batches: number): Promise<{ events: number; treeSize: number; ms: number }> {
    const start = Date.now();
    const position = await this.builder.addBatches(batches);
    return { ...position, ms: Date.now() - start };
  }

  /**
   * Times `samples` event proofs and as many consistency proofs. Each call is also timed on its
   * own, in whole milliseconds (the clock's resolution here).
   */
  async run(samples: number): Promise<{
    events: number;
    treeSize: number;
    databaseBytes: number;
    event: { totalMs: number; perCallMs: number[] };
    consistency: { totalMs: number; perCallMs: number[] };
  }> {
    const { events, treeSize } = this.builder.position;
    const sql = this.ctx.storage.sql;
    const ids = await this.builder.sampleIds(samples);
    const froms = ids.map(() => 1 + Math.floor(Math.random() * (treeSize - 1)));
    const time = async (calls: Array<() => unknown>) => {
      const perCallMs: number[] = [];
      const start = Date.now();
      for (const call of calls) {
        const t = Date.now();
        if (!(await call())) throw new Error("proof missing");
        perCallMs.push(Date.now() - t);
      }
      return { totalMs: Date.now() - start, perCallMs };
    };
    return {
      events,
      treeSize,
      databaseBytes: sql.databaseSize,
      // A fresh reader per proof: a random old batch is rarely in a live shard's bundle cache.
      event: await time(
        ids.map(
          (id) => async () =>
            (await buildEventProof(sql, this.builder.tree, new EventLines(sql), id, events, treeSize))?.proof,
        ),
      ),
      consistency: await time(
        froms.map((m) => () => buildConsistency(this.builder.tree, m, treeSize, treeSize)),
      ),
    };
  }
}

export default {
  async fetch(request: Request, env: BenchEnv): Promise<Response> {
    const url = new URL(request.url);
    switch (url.pathname) {
      case "/healthz":
        return Response.json({ ok: true });
      case "/validate/check":
        return validateCheck();
      case "/validate/run":
        return validateRun(url);
      case "/merkle/run":
        return merkleRun(url);
      case "/proofs/fill":
        return Response.json(
          await env.PROOF_LOG.getByName("proofs").fill(Number(url.searchParams.get("batches") ?? "1")),
        );
      case "/proofs/run":
        return Response.json(
          await env.PROOF_LOG.getByName("proofs").run(Number(url.searchParams.get("samples") ?? "100")),
        );
      default:
        return new Response("not found", { status: 404 });
    }
  },
} satisfies ExportedHandler<BenchEnv>;

/** `edgelog tail`: follow a log's new batches as they are sealed. */
import { toHex } from "../../core/bytes";
import { verifyConsistency } from "../../core/merkle";
import { openNote, parseCheckpoint, type Checkpoint, type NoteVerifier } from "../../core/note";
import { checkBatch, CompactRange } from "../../core/audit";
import type { Envelope } from "../../core/protocol";
import { fetchBatch } from "../audit/fetch-batches";
import { toCheckFailed } from "../audit/log-audit";
import { nodeHasher } from "../audit/node-hasher";
import { defineCommand } from "../command";
import { CheckFailedError, EXIT_OK, UsageError } from "../errors";
import { InterruptedError } from "../http";
import { loadVkey } from "../input";
import { fetchCheckpoint, fetchConsistency } from "../logs";
import { asStep } from "../verification";
import { fromHex } from "../../core/bytes";

export const tail = defineCommand({
  name: "tail",
  summary: "follow new batches of a log as they are sealed",
  usage:
    "edgelog tail [--log 0] [--from N] [--interval 1000] [--events] [--vkey <vkey|file>] [--max-batches N]",
  help: `Polls the log's checkpoint and prints each newly sealed batch header (with
--events, each envelope too). Every batch is checked as \`audit\` does (order,
digests, batch root). With --vkey each checkpoint's signature is verified and
successive checkpoints are proven consistent (RFC 9162 §2.1.4.2); following
from --from 0, the log root is also recomputed from the headers. Stops on
Ctrl-C (exit 0), or after --max-batches batches. --json prints the batch
export format: header lines, and {"envelope": …} lines with --events.

  --log <n>            which of the tenant's logs (default 0)
  --from <n>           first batch to print (default: the next one sealed)
  --interval <ms>      polling interval (default 1000)
  --events             print each event's envelope
  --vkey <vkey|file>   verify checkpoints with this key
  --max-batches <n>    exit after printing n batches`,
  flags: {
    log: { type: "string" },
    from: { type: "integer", min: 0 },
    interval: { type: "integer", min: 10 },
    events: { type: "boolean" },
    vkey: { type: "string" },
    "max-batches": { type: "integer", min: 1 },
  },
  async run(ctx, { flags, positionals }) {
    if (positionals.length > 0) throw new UsageError(`tail: unexpected argument '${positionals[0]}'`);
    const log = flags.log ?? "0";
    const verifier = flags.vkey === undefined ? null : (await loadVkey(flags.vkey)).verifier;
    const maxBatches = flags["max-batches"] ?? Infinity;
    const controller = new AbortController();
    const stopListening = ctx.io.onInterrupt(() => controller.abort());
    const client = ctx.client({ signal: controller.signal });
    const out = ctx.out;
    const follower = new Follower(verifier, flags.from ?? null);
    if (verifier && flags.from !== 0) {
      out.note(
        "note: batch headers are proven against checkpoints only when following from --from 0; checkpoint consistency is checked",
      );
    }

    let printed = 0;
    let shownSize = -1;
    try {
      while (!controller.signal.aborted && printed < maxBatches) {
        const note = await fetchCheckpoint(client, log);
        if (note !== null) {
          const cp = await follower.acceptCheckpoint(note, (from, to) =>
            fetchConsistency(client, log, from, to),
          );
          if (cp.verified && cp.size !== shownSize) {
            out.line(
              `# checkpoint ${cp.size} root ${toHex(cp.rootHash)}: signature ✓${cp.consistentWith !== null ? `, consistent with ${cp.consistentWith} ✓` : ""}`,
            );
            shownSize = cp.size;
          }
          for (
            let n = follower.next;
            n < cp.size && printed < maxBatches && !controller.signal.aborted;
            n = follower.next
          ) {
            const bytes = await fetchBatch(client, log, n);
            const events: Envelope[] = [];
            const header = await follower.acceptBatch(
              bytes,
              cp,
              flags.events ? (envelope) => events.push(envelope) : undefined,
            );
            out.record(
              header,
              `batch ${header.batch}  seq ${header.first_seq}..${header.first_seq + header.count - 1} (${header.count})  root ${header.root}  sealed ${header.sealed_at}`,
            );
            for (const env of events) {
              out.record(
                { envelope: env },
                `  seq ${env.seq}  id ${env.id}  tier ${String(env.tier)}  retained ${String(env.retained)}${env.conflict ? "  CONFLICT" : ""}`,
              );
            }
            printed++;
          }
          follower.checkLogRoot(cp);
        }
        if (printed >= maxBatches) break;
        await ctx.io.sleep(flags.interval ?? 1000, controller.signal);
      }
    } catch (err) {
      if (!(err instanceof InterruptedError)) throw err;
    } finally {
      stopListening();
    }
    return EXIT_OK;
  },
});

interface SeenCheckpoint extends Checkpoint {
  verified: boolean;
  consistentWith: number | null;
}

const hasher = nodeHasher();

/** The follower's state: where it is in the log, the last checkpoint, and the headers seen. */
class Follower {
  next: number;
  private started: boolean;
  private firstSeq: number | null = null;
  private previous: Checkpoint | null = null;
  private readonly verifier: NoteVerifier | null;
  /** Present when following from batch 0 with a key: every header since the start. */
  private readonly range: CompactRange | null;

  constructor(verifier: NoteVerifier | null, from: number | null) {
    this.verifier = verifier;
    this.next = from ?? 0;
    this.started = from !== null;
    this.range = verifier && from === 0 ? new CompactRange(hasher.hashChildren) : null;
    if (from === 0) this.firstSeq = 0;
  }

  async acceptCheckpoint(
    note: string,
    consistency: (from: number, to: number) => Promise<string[]>,
  ): Promise<SeenCheckpoint> {
    const verifier = this.verifier;
    const cp = verifier
      ? await asStep("checkpoint signature", async () =>
          parseCheckpoint((await openNote(note, [verifier])).text),
        )
      : await asStep("checkpoint", () => parseCheckpoint(note.slice(0, note.lastIndexOf("\n\n") + 1)));
    if (!this.started) {
      this.next = cp.size;
      this.started = true;
    }
    let consistentWith: number | null = null;
    const prev = this.previous;
    if (verifier && prev && prev.size > 0) {
      if (cp.size < prev.size) {
        throw new CheckFailedError(
          "consistency",
          "the log shrank (rollback, or a different history)",
          `tree size >= ${prev.size}`,
          `tree size ${cp.size}`,
        );
      }
      const path = cp.size === prev.size ? [] : await consistency(prev.size, cp.size);
      await asStep(
        "consistency",
        () => verifyConsistency(prev.size, cp.size, prev.rootHash, cp.rootHash, path.map(fromHex)),
        {
          from: prev.size,
          to: cp.size,
        },
      );
      consistentWith = prev.size;
    }
    this.previous = cp;
    return { ...cp, verified: verifier !== null, consistentWith };
  }

  async acceptBatch(bytes: Uint8Array, cp: Checkpoint, onEvent?: (envelope: Envelope) => void) {
    try {
      const checked = await checkBatch(
        bytes,
        { origin: cp.origin, batch: this.next, firstSeq: this.firstSeq },
        hasher,
        onEvent,
      );
      this.firstSeq = checked.header.first_seq + checked.header.count;
      this.range?.append(checked.headerLeaf);
      this.next++;
      return checked.header;
    } catch (err) {
      throw toCheckFailed(err);
    }
  }

  /** With every header since batch 0 seen, the checkpoint's root must be theirs. */
  checkLogRoot(cp: Checkpoint): void {
    if (!this.range || this.range.size !== cp.size) return;
    const root = toHex(this.range.root());
    if (root !== toHex(cp.rootHash)) {
      throw new CheckFailedError(
        "log root",
        "log root recomputed from the batch headers differs from the checkpoint's",
        toHex(cp.rootHash),
        root,
      );
    }
  }
}

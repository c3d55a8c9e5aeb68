/** `edgelog get`: fetch one event with its proof, optionally verifying it. */
import { verifierFromVkey } from "../../core/note";
import { defineCommand, onePositional } from "../command";
import { EXIT_OK, UsageError } from "../errors";
import { loadVkey } from "../input";
import { fetchServerVkey, logForOrigin } from "../logs";
import { reportProof } from "./verify";
import { EVENT_ID_PATTERN, type EventDocument } from "../../core/protocol";

export const get = defineCommand({
  name: "get",
  summary: "fetch an event and its proof (--verify checks it)",
  usage: "edgelog get <id> [--verify] [--vkey <vkey|file>]",
  help: `Fetches GET /v1/events/{id}: the envelope (the logged leaf), the retained
event body and the inclusion proof. With --json the document is printed as the
server sent it, ready for \`edgelog verify\`.

  --verify             verify the proof (as \`edgelog verify\` does)
  --vkey <vkey|file>   the log's verifier key; implies --verify. Without it the
                       key is fetched from the same server, which only shows the
                       server is self-consistent: it is not independent evidence.`,
  flags: { verify: { type: "boolean" }, vkey: { type: "string" } },
  async run(ctx, { flags, positionals }) {
    const id = onePositional(positionals, "event id", "get").toLowerCase();
    if (!EVENT_ID_PATTERN.test(id)) throw new UsageError(`get: event ids are 64 hex digits, found '${id}'`);
    const client = ctx.client();
    const doc = await client.getJson<EventDocument>(`/v1/events/${id}`);
    const wantVerify = flags.verify === true || flags.vkey !== undefined;

    if (!ctx.out.json || !wantVerify) describe(ctx.out.line.bind(ctx.out), doc);
    if (!wantVerify) {
      ctx.out.result(doc);
      return EXIT_OK;
    }
    let verifier;
    let keySource: string;
    if (flags.vkey !== undefined) {
      verifier = (await loadVkey(flags.vkey)).verifier;
      keySource = "given";
    } else {
      const log = await logForOrigin(client, doc.envelope.log);
      const vkey = await fetchServerVkey(client, log.log);
      verifier = await verifierFromVkey(vkey);
      keySource = "server";
      ctx.out.note(
        `note: verifying with the key the server publishes (${vkey}); this shows the server is self-consistent, ` +
          `not that the log is honest. Pass --vkey with the key from a trusted source for independent evidence.`,
      );
    }
    ctx.out.line("");
    return reportProof(ctx.out, doc, verifier, { key_source: keySource, document: doc });
  },
});

function describe(line: (text: string) => void, doc: EventDocument): void {
  const e = doc.envelope;
  const p = doc.proof;
  line(`event     ${e.id}`);
  line(`log       ${e.log}  seq ${e.seq}`);
  line(
    `status    ${doc.status}` +
      (p
        ? ` (batch ${p.batch_index}, leaf ${p.leaf_index} of ${p.batch.count}; tree size ${p.tree_size})`
        : " (not yet in a sealed batch: no proof yet)"),
  );
  line(
    `tier      ${e.tier ?? "?"}, retained: ${e.retained ?? "?"}${e.conflict ? ", CONFLICT (decision_id/sequence_number reused)" : ""}`,
  );
  if (e.received_at) line(`received  ${e.received_at}`);
  if (doc.erased) line(`erased    ${doc.erased.at}: ${doc.erased.reason}`);
  if (doc.event !== null && doc.event !== undefined) {
    line("event body:");
    line(JSON.stringify(doc.event, null, 2));
  }
}

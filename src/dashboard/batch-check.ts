/**
 * Recomputes a sealed batch's root from the batch as `GET /v1/logs/{log}/batches/{n}` serves it
 * (DESIGN, Integrity model): RFC 9162 §2.1.1 Merkle Tree Hash over the leaves
 * SHA-256(0x00 || RFC 8785 canonical envelope), in sequence order.
 */
import { toHex, utf8 } from "../core/bytes";
import { canonicalJson } from "../core/canonical";
import { hashLeaf, merkleRoot } from "../core/merkle";

import type { BatchHeader } from "../core/batch-header";

export type { BatchHeader };

export interface BatchCheck {
  header: BatchHeader;
  /** Envelopes the response held (should equal `header.count`). */
  envelopes: number;
  /** Lowercase hex root recomputed from the envelopes. */
  recomputed: string;
  /** True when the recomputed root and the envelope count both match the header. */
  matches: boolean;
}

/** The NDJSON is not a batch: no header line, a line that is not JSON, an entry without envelope. */
export class BatchFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BatchFormatError";
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Parses the NDJSON text of one batch and recomputes its root.
 *
 * @throws BatchFormatError naming the line that is not part of a batch.
 */
export function checkBatch(ndjson: string): BatchCheck {
  const lines = ndjson.split("\n").filter((line) => line.trim().length > 0);
  const parsed = lines.map((line, i) => {
    try {
      return JSON.parse(line) as unknown;
    } catch {
      throw new BatchFormatError(`line ${i + 1} of the batch is not JSON`);
    }
  });
  const [header, ...entries] = parsed;
  if (!isObject(header) || typeof header.root !== "string" || typeof header.batch !== "number" || typeof header.count !== "number") {
    throw new BatchFormatError("the first line is not a batch header with batch, count and root");
  }
  const leaves = entries.map((entry, i) => {
    if (!isObject(entry) || !isObject(entry.envelope)) throw new BatchFormatError(`line ${i + 2} has no envelope`);
    return hashLeaf(utf8(canonicalJson(entry.envelope)));
  });
  const recomputed = toHex(merkleRoot(leaves));
  return {
    header: header as BatchHeader,
    envelopes: leaves.length,
    recomputed,
    matches: recomputed === header.root.toLowerCase() && leaves.length === header.count,
  };
}

/**
 * What a tiles audit keeps between runs: the last verified checkpoint, the tree's right edge
 * (so the next run hashes only new batch headers) and the next expected event seq.
 */
import { fromHex, toHex } from "../../core/bytes";
import { Frontier } from "../../core/tiles";
import { HASH_HEX_PATTERN } from "../../core/protocol";
import { InputError } from "../errors";
import { readStateJson, writeStateJson } from "../state-file";

export interface TilesAuditState {
  format: "edgelog-tiles-audit/1";
  origin: string;
  size: number;
  /** Lowercase hex root of the verified checkpoint. */
  root: string;
  checkpoint: string;
  /** Perfect nodes covering [0, size), largest first: [level, hex hash]. */
  frontier: Array<[number, string]>;
  next_seq: number;
  audited_at: string;
}

export async function readTilesState(path: string): Promise<TilesAuditState | null> {
  const parsed = await readStateJson(path);
  if (parsed === undefined) return null;
  const v = parsed as Partial<TilesAuditState> | null;
  const ok =
    v?.format === "edgelog-tiles-audit/1" &&
    typeof v.origin === "string" &&
    Number.isSafeInteger(v.size) &&
    typeof v.root === "string" &&
    HASH_HEX_PATTERN.test(v.root) &&
    Array.isArray(v.frontier) &&
    Number.isSafeInteger(v.next_seq);
  if (!ok)
    throw new InputError(`state file ${path} is not a tiles audit state (format edgelog-tiles-audit/1)`);
  try {
    frontierOf(v as TilesAuditState);
  } catch (err) {
    throw new InputError(`state file ${path}: ${(err as Error).message}`);
  }
  return v as TilesAuditState;
}

export function frontierOf(state: TilesAuditState): Frontier {
  return new Frontier(
    state.size,
    state.frontier.map(([level, hash]) => ({ level, hash: fromHex(hash) })),
  );
}

export function frontierJson(frontier: Frontier): Array<[number, string]> {
  return frontier.snapshot().map((n) => [n.level, toHex(n.hash)]);
}

/** Written to a temporary file and renamed, so a crash never leaves half a state. */
export async function writeTilesState(path: string, state: TilesAuditState): Promise<void> {
  await writeStateJson(path, state);
}

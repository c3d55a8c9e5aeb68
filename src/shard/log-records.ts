/**
 * Small readers of the log's own records — batch headers (the log tree's leaves), signed
 * checkpoints — for proofs, the tenant head and anything computed from the log tree (its
 * perfect nodes are read through TreeStore).
 */

/** The RFC 8785 text of batch `n`'s header (the log tree's leaf data), or null. */
export function batchHeaderText(sql: SqlStorage, n: number): string | null {
  return (
    sql.exec<{ header: string }>("SELECT header FROM batches WHERE n = ?", n).toArray()[0]?.header ?? null
  );
}

/** The signed checkpoint (C2SP tlog-checkpoint note) of tree size `size`, or null. */
export function checkpointOfSize(sql: SqlStorage, size: number): string | null {
  return (
    sql.exec<{ note: string }>("SELECT note FROM checkpoints WHERE size = ?", size).toArray()[0]?.note ?? null
  );
}

/** The newest checkpoint with its size and root hash. */
export function latestCheckpoint(sql: SqlStorage): { size: number; root: Uint8Array; note: string } | null {
  const row = sql
    .exec<{ size: number; root: ArrayBuffer; note: string }>(
      "SELECT size, root, note FROM checkpoints ORDER BY size DESC LIMIT 1",
    )
    .toArray()[0];
  return row ? { size: row.size, root: new Uint8Array(row.root), note: row.note } : null;
}

/**
 * Reading and editing a LogShard's stored events directly (layout 2: pending slices, sealed
 * batch bundles), as someone with access to its SQLite would — for tests of what is stored and
 * of tampering. Runs inside runInDurableObject.
 */
import { decodeBundle, encodeBundle, joinLines, splitLines } from "../../src/shard/bundle";
import type { LogShard } from "../../src/shard/log-shard";

/** Every stored event line, sealed and pending, in seq order. */
export async function storedLines(sql: SqlStorage): Promise<string[]> {
  const out: string[] = [];
  for (const b of sql.exec<{ bundle: ArrayBuffer }>("SELECT bundle FROM batches ORDER BY n").toArray()) {
    out.push(...(await decodeBundle(new Uint8Array(b.bundle))).lines);
  }
  for (const s of sql.exec<{ lines: string }>("SELECT lines FROM slices ORDER BY first_seq").toArray())
    out.push(...splitLines(s.lines));
  return out;
}

/** Every table's rows as text, with bundles decoded: what an attacker with the database sees. */
export async function everythingStored(sql: SqlStorage): Promise<string> {
  const tables = sql
    .exec<{ name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\'",
    )
    .toArray();
  const rows = tables.map((t) => sql.exec(`SELECT * FROM "${t.name}"`).toArray());
  return JSON.stringify(rows) + (await storedLines(sql)).join("\n");
}

/**
 * Replaces the stored line of sealed event `seq` by `edit(line)`, rewriting its bundle as the
 * shard would, and drops the shard's decoded copy so reads see the edit.
 */
export async function editSealedLine(
  instance: LogShard,
  sql: SqlStorage,
  seq: number,
  edit: (line: string) => string,
): Promise<void> {
  const row = sql
    .exec<{ n: number; first_seq: number; bundle: ArrayBuffer }>(
      "SELECT n, first_seq, bundle FROM batches WHERE first_seq <= ? ORDER BY first_seq DESC LIMIT 1",
      seq,
    )
    .one();
  const b = await decodeBundle(new Uint8Array(row.bundle));
  const i = seq - row.first_seq;
  const edited = edit(b.lines[i]!);
  if (edited === b.lines[i]) throw new Error(`the edit of seq ${seq} changed nothing`);
  b.lines[i] = edited;
  sql.exec("UPDATE batches SET bundle = ? WHERE n = ?", await encodeBundle(b.header, b.lines), row.n);
  (instance as unknown as { lines: { forget(n: number): void } }).lines.forget(row.n);
}

export { joinLines };

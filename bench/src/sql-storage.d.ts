/**
 * Node-side type-checking of the shard code the benchmarks reuse: the part of workerd's
 * `SqlStorage` (from @cloudflare/workers-types) that src/shard relies on, declared here
 * because the Node program cannot load the Workers types alongside Node's.
 */
type SqlStorageValue = ArrayBuffer | string | number | null;

interface SqlStorageCursor<T> extends Iterable<T> {
  next(): IteratorResult<T>;
  toArray(): T[];
  one(): T;
  readonly columnNames: string[];
  readonly rowsRead: number;
  readonly rowsWritten: number;
}

interface SqlStorage {
  exec<T = Record<string, SqlStorageValue>>(query: string, ...bindings: unknown[]): SqlStorageCursor<T>;
  readonly databaseSize: number;
}

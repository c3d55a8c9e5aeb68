/** One entry of `GET /v1/logs`: a log (one of the tenant's shards) and how far it has come. */
export interface LogInfo {
  /** The log's number within the tenant, as used in `/v1/logs/{log}/...`. */
  log: string;
  /** The log's origin (C2SP checkpoint origin line): `<deployment origin>/<tenant>/<shard>`. */
  origin: string;
  /** Tree size of the log: the number of sealed batches. */
  size: number;
  /** Events sequenced so far, sealed or pending. */
  events: number;
  /** Events waiting in the unsealed batch. */
  pending: number;
}

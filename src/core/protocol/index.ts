/**
 * The HTTP contract in one place: the wire types of every answer, the limits with their
 * defaults, and the id and name patterns. The Worker, the LogShard, the CLI, the SDK, the
 * dashboard, the OpenAPI document, the bench and the tests import them from here. Pure code.
 */
export { type BatchHeader } from "./batch-header";
export {
  CHAIN_VERDICTS,
  RETAINED_KINDS,
  SEQUENCE_FLAGS,
  type Envelope,
  type Retained,
  type SampleRecord,
  type SequenceFlag,
} from "./envelope";
export { type ErrorBody, type ErrorDetail } from "./errors";
export { type Erasure, type EventDocument, type EventProof } from "./event-proof";
export {
  ingestStatus,
  ITEM_STATUSES,
  tally,
  type IngestResponse,
  type IngestTotals,
  type ItemError,
  type ItemResult,
  type ItemStatus,
} from "./ingest";
export {
  DEFAULT_INGEST_LIMITS,
  MAX_ADMIN_BODY_BYTES,
  MAX_ERASURE_REASON_CHARS,
  MAX_EXPORT_BATCHES,
  MAX_FILTER_CHARS,
  MAX_POLICY_BYTES,
  MAX_PRODUCER_CHARS,
  MAX_SHARDS,
  MAX_TENANT_NAME_CHARS,
  QUERY_DEFAULT_LIMIT,
  QUERY_MAX_LIMIT,
  type IngestLimits,
} from "./limits";
export { isJurisdiction, JURISDICTIONS, originBase, type Jurisdiction } from "./jurisdiction";
export { type LogInfo } from "./log-info";
export {
  API_KEY_PATTERN,
  EVENT_ID_PATTERN,
  HASH_HEX_PATTERN,
  isEventId,
  LOG_NUMBER_PATTERN,
  PRODUCER_PATTERN,
  TENANT_ID_PATTERN,
} from "./patterns";
export { isScope, SCOPES, type Scope } from "./scope";
export { isTier, maxTier, TIER_ORDER, TIERS, tierRank, type Tier } from "./tier";

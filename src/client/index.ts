/**
 * edgelog client SDK: batching, retrying delivery of DES decision events to an edgelog
 * deployment, a DES 0.3.0 event builder with the producer hash chain, and A/B records.
 * Web APIs only: runs in Workers, Node 20+ and browsers.
 */
export { createClient, type EdgelogClient } from "./client";
export { InvalidOptionError, type ClientOptions, type OverflowMode } from "./client-options";
export { DEFAULT_RETRY, backoffDelay, retryAfterMs, retryDelay, type RetryPolicy } from "../core/retry";
export {
  createProducer,
  DES_HASH_ALGORITHM,
  DES_SCHEMA_VERSION,
  type ChainPosition,
  type DecisionInput,
  type DesExtra,
  type OverrideInput,
  type Producer,
  type ProducerOptions,
} from "./des-builder";
export { desCurrentHash } from "../core/des-chain";
export type {
  CoreLogicType,
  DesEvent,
  DesHashChain,
  EvidenceTier,
  LogicType,
  OverrideActor,
  RiskLevel,
} from "./des-types";
export {
  ASSIGNMENT_LOGIC_TYPE,
  createExperimentLogger,
  EXPOSURE_LOGIC_TYPE,
  type ExperimentInput,
  type ExperimentLogger,
  type ExperimentLoggerOptions,
} from "./experiment";
export {
  BufferFullError,
  ClientClosedError,
  DeliveryError,
  DesInputError,
  EdgelogClientError,
  EventTooLargeError,
  HttpStatusError,
} from "./errors";
export { UnsendableEventError, type EventProblem } from "./ijson-guard";
export {
  EventOutcome,
  type ClientStats,
  type FailedEvent,
  type FlushReport,
  type LoggedEvent,
  type RejectedEvent,
} from "./report";
export { installShutdownFlush, type ProcessLike, type ShutdownFlushOptions } from "./node-shutdown";
export { parseTraceparent, type TraceParent } from "./traceparent";
export type { FetchLike } from "./transport";
export type { IngestResponse, ItemError, ItemResult, ItemStatus } from "./wire";

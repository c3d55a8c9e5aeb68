/**
 * One batch and log auditor for every consumer (the `edgelog audit` and `tail` commands, the
 * dashboard, the reliability suite): pure code over the exported bytes, with SHA-256 supplied
 * by the caller as an `AuditHasher`. One strictness, one set of failure messages.
 */
export {
  checkBatch,
  peekSpan,
  type BatchExpectation,
  type CheckedBatch,
  type EventVisitor,
} from "./batch-check";
export { checkInOrder } from "./check-in-order";
export { CompactRange } from "./compact-range";
export { isNullText, lineSpans, sliceEventLine, type EventLineSlices } from "./export-line";
export { AuditFailure, type AuditFailureData, type AuditPlace } from "./failure";
export { rootInPlace, subtleHasher, type AuditHasher, type MaybePromise, type WebDigest } from "./hasher";
export {
  asAuditStep,
  auditLog,
  type AuditState,
  type LogAuditInput,
  type LogAuditReport,
  type LogAuditSources,
} from "./log-audit";
export { checkContinuity, LogTreeAudit, type AuditTotals } from "./log-tree-audit";

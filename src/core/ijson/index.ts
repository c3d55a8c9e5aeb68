/** I-JSON (RFC 7493) checks shared by the Worker, the client SDK and the CLI. */
export {
  findIJsonViolations,
  scanJsonText,
  type ItemViolation,
  type ScanOptions,
  type TextScan,
} from "./scan";
export { findValueViolations, loneSurrogate } from "./value-check";
export { numberInexactness, type NumberInexactness } from "./number-exactness";
export {
  duplicateNameMessage,
  inexactNumberMessage,
  loneSurrogateMessage,
  type IJsonRule,
  type IJsonViolation,
} from "./messages";

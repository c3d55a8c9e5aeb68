/**
 * The one failure an audit reports: which check (`step`) failed, what was expected and what was
 * found, and where in the log (`batch`, NDJSON `line`, `seq`, `id`, as far as they are known).
 */
import { VerificationError } from "../errors";

export type AuditPlace = Readonly<Record<string, string | number>>;

export class AuditFailure extends VerificationError {
  readonly step: string;
  /** The message without the "(expected …, found …)" suffix. */
  readonly summary: string;
  readonly where: AuditPlace;
  constructor(step: string, summary: string, expected: string, found: string, where: AuditPlace = {}) {
    super(summary, expected, found);
    this.step = step;
    this.summary = summary;
    this.where = where;
  }

  /** Plain data, to cross a worker-thread or process boundary; `fromJSON` rebuilds it. */
  toJSON(): AuditFailureData {
    return {
      step: this.step,
      summary: this.summary,
      expected: this.expected,
      found: this.found,
      where: { ...this.where },
    };
  }

  static fromJSON(data: AuditFailureData): AuditFailure {
    return new AuditFailure(data.step, data.summary, data.expected, data.found, data.where);
  }
}

export interface AuditFailureData {
  step: string;
  summary: string;
  expected: string;
  found: string;
  where: Record<string, string | number>;
}

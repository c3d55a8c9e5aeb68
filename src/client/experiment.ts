/**
 * A/B assignment and exposure records as DES events, for off-policy analysis: each records the
 * variant as the decision's output and, in `decision_logic.parameters`, the experiment, the
 * variant, the subject and the probability with which the subject was assigned that variant,
 * so that estimators can re-weight outcomes by 1 / assignment_probability.
 */
import type { EdgelogClient } from "./client";
import type { DesExtra, Producer } from "./des-builder";
import type { EvidenceTier, RiskLevel } from "./des-types";
import { DesInputError } from "./errors";
import { RecentKeys } from "./recent-keys";

export const ASSIGNMENT_LOGIC_TYPE = "ab:assignment";
export const EXPOSURE_LOGIC_TYPE = "ab:exposure";

export interface ExperimentLoggerOptions {
  /** Default: the client's producer. */
  producer?: Producer;
  /** `decision_context.decision_type` of the records. Default "experiment". */
  decisionType?: string;
  /** An exposure of the same (subject, experiment, variant) within this window is not recorded again. Default 10 min. */
  dedupWindowMs?: number;
  /** Most (subject, experiment, variant) keys remembered; the least recently seen go first. Default 50 000. */
  maxKeys?: number;
  /** Clock for the window (tests). Default `Date.now`. */
  now?: () => number;
}

export interface ExperimentInput {
  experiment: string;
  variant: string;
  /** Who or what was assigned: a user, session or request id (pseudonymous where it matters). */
  subject: string;
  /** Probability that this subject was assigned this variant, in (0, 1]. */
  probability: number;
  decisionId?: string;
  tier?: EvidenceTier;
  riskLevel?: RiskLevel;
  /** More `decision_logic.parameters`; the four recorded ones take precedence. */
  parameters?: Record<string, unknown>;
  extra?: DesExtra;
}

export interface ExperimentLogger {
  /** Records an assignment; resolves to its decision_id once buffered. */
  assignment(input: ExperimentInput): Promise<string>;
  /** Records an exposure unless one was recorded within the window; resolves to its decision_id, or null when skipped. */
  exposure(input: ExperimentInput): Promise<string | null>;
}

export function createExperimentLogger(
  client: Pick<EdgelogClient, "log" | "producer">,
  options: ExperimentLoggerOptions = {},
): ExperimentLogger {
  const recent = new RecentKeys(options.dedupWindowMs ?? 10 * 60_000, options.maxKeys ?? 50_000);
  const now = options.now ?? Date.now;
  const decisionType = options.decisionType ?? "experiment";

  async function record(logicType: string, input: ExperimentInput): Promise<string> {
    const producer = options.producer ?? client.producer;
    const extra = input.extra ?? {};
    const event = await producer.event({
      decisionId: input.decisionId,
      decisionType,
      logicType: logicType as `${string}:${string}`,
      output: input.variant,
      tier: input.tier,
      riskLevel: input.riskLevel,
      extra: {
        ...extra,
        decision_logic: {
          ...(extra.decision_logic ?? {}),
          parameters: {
            ...(input.parameters ?? {}),
            experiment: input.experiment,
            variant: input.variant,
            subject: input.subject,
            assignment_probability: input.probability,
          },
        },
      },
    });
    await client.log(event);
    return event.decision_context.decision_id;
  }

  return {
    async assignment(input) {
      checkInput(input);
      return record(ASSIGNMENT_LOGIC_TYPE, input);
    },
    async exposure(input) {
      checkInput(input);
      const key = JSON.stringify([input.subject, input.experiment, input.variant]);
      // Marked before the (asynchronous) record, so concurrent exposures are recorded once.
      if (recent.seen(key, now())) return null;
      try {
        return await record(EXPOSURE_LOGIC_TYPE, input);
      } catch (err) {
        recent.forget(key);
        throw err;
      }
    },
  };
}

function checkInput(input: ExperimentInput): void {
  for (const field of ["experiment", "variant", "subject"] as const) {
    if (typeof input[field] !== "string" || input[field].length === 0) {
      throw new DesInputError(
        `/decision_logic/parameters/${field}`,
        "a non-empty string",
        String(input[field]),
      );
    }
  }
  const p = input.probability;
  if (typeof p !== "number" || !(p > 0 && p <= 1)) {
    throw new DesInputError(
      "/decision_logic/parameters/assignment_probability",
      "a probability in (0, 1]",
      String(p),
    );
  }
}

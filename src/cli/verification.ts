/** Turning the core's verification errors into the CLI's step-named failures. */
import { VerificationError } from "../core/errors";
import { CheckFailedError } from "./errors";

/** The core's message without the " (expected …, found …)" suffix, which the CLI prints apart. */
export function baseMessage(err: VerificationError): string {
  const suffix = ` (expected ${err.expected}, found ${err.found})`;
  return err.message.endsWith(suffix) ? err.message.slice(0, -suffix.length) : err.message;
}

/**
 * Runs `check`, reporting a `VerificationError` (or a malformed hex/base64 value, which the core
 * reports as `RangeError`) as a failure of `step`. Other errors propagate unchanged.
 */
export async function asStep<T>(
  step: string,
  check: () => T | Promise<T>,
  where: Record<string, string | number> = {},
): Promise<T> {
  try {
    return await check();
  } catch (err) {
    throw toCheckFailure(step, err, where);
  }
}

export function toCheckFailure(
  step: string,
  err: unknown,
  where: Record<string, string | number> = {},
): unknown {
  if (err instanceof CheckFailedError) return err;
  if (err instanceof VerificationError) {
    return new CheckFailedError(step, baseMessage(err), err.expected, err.found, where, { cause: err });
  }
  if (err instanceof RangeError) {
    return new CheckFailedError(
      step,
      `malformed value: ${err.message}`,
      "well-formed hex/base64 of the right length",
      err.message,
      where,
      { cause: err },
    );
  }
  return err;
}

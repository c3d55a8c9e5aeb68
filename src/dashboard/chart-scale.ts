/** Axis arithmetic for the dashboard's SVG charts: round maxima and evenly spaced ticks. */

/**
 * The smallest "round" number (1, 2 or 5 times a power of ten) at or above `value`, so axis
 * labels stay readable. Values at or below zero (an idle log) give 1, never a zero-height axis.
 */
export function niceCeiling(value: number): number {
  if (!(value > 0) || !Number.isFinite(value)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) {
    const candidate = step * power;
    // Tolerate floating-point noise such as 3 * 0.1 = 0.30000000000000004.
    if (candidate >= value * (1 - 1e-12)) return candidate;
  }
  return 10 * power;
}

/**
 * Round tick values from 0 to `max` inclusive. Precondition: `max` comes from `niceCeiling`
 * (1, 2 or 5 times a power of ten), so steps of a fifth (or a quarter, for 2) stay round.
 */
export function ticks(max: number): number[] {
  const leading = Math.round(max / 10 ** Math.floor(Math.log10(max)));
  const count = leading === 2 ? 4 : 5;
  return Array.from({ length: count + 1 }, (_, i) => (max * i) / count);
}

/** Maps `value` in [domainMin, domainMax] linearly onto [rangeMin, rangeMax]. */
export function linear(
  domainMin: number,
  domainMax: number,
  rangeMin: number,
  rangeMax: number,
): (value: number) => number {
  const span = domainMax - domainMin;
  return (value) => (span === 0 ? rangeMin : rangeMin + ((value - domainMin) / span) * (rangeMax - rangeMin));
}

/** Compact, locale-independent number labels: 0, 12, 12.5, 1.2k, 3.4M. */
export function formatCount(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${trim(value / 1e6)}M`;
  if (abs >= 1e4) return `${trim(value / 1e3)}k`;
  if (Number.isInteger(value)) return String(value);
  return trim(value);
}

function trim(value: number): string {
  const digits = Math.abs(value) >= 100 ? 0 : 1;
  return String(Number(value.toFixed(digits)));
}

import { INPUT_LIMITS } from '../thresholds.js';

/**
 * Thrown when a rule receives input it cannot judge (bad date, impossible value, unknown code).
 * `field` names the offending input so that a route can return a field-level 400.
 */
export class RuleInputError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = 'RuleInputError';
    this.field = field;
  }
}

export type LimitName = keyof typeof INPUT_LIMITS;

/** Checks that `value` is a finite number inside the plausibility limits for `limit`. */
export function assertInRange(field: string, value: number, limit: LimitName): void {
  const { min, max } = INPUT_LIMITS[limit];
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new RuleInputError(field, `must be a finite number, got ${String(value)}`);
  }
  if (value < min || value > max) {
    throw new RuleInputError(field, `${value} is outside the plausible range ${min}–${max}`);
  }
}

/** Same as assertInRange, but accepts undefined / null (meaning "not measured"). */
export function assertOptionalInRange(field: string, value: number | null | undefined, limit: LimitName): void {
  if (value === undefined || value === null) return;
  assertInRange(field, value, limit);
}

/** Checks a blood-pressure pair: both plausible and systolic above diastolic. `prefix` is e.g. '' or 'lastVisit.'. */
export function assertBloodPressure(sbp: number, dbp: number, prefix = ''): void {
  assertInRange(`${prefix}sbp`, sbp, 'sbp');
  assertInRange(`${prefix}dbp`, dbp, 'dbp');
  if (dbp >= sbp) {
    throw new RuleInputError(`${prefix}dbp`, `diastolic ${dbp} must be below systolic ${sbp}`);
  }
}

/** Checks that every code is one of `allowed`. */
export function assertCodes(field: string, codes: readonly string[], allowed: readonly string[]): void {
  if (!Array.isArray(codes)) throw new RuleInputError(field, 'must be an array of codes');
  codes.forEach((code, i) => {
    if (!allowed.includes(code)) {
      throw new RuleInputError(`${field}[${i}]`, `unknown code "${String(code)}"; allowed: ${allowed.join(', ')}`);
    }
  });
}

import { addDays, addMonths, assertIsoDate } from '../../chronic/rules/age.js';
import { RuleInputError } from '../../chronic/rules/errors.js';

export const MATERIALS = ['textile', 'paper_bag', 'crepe_paper', 'nonwoven', 'paper_plastic', 'rigid_container'] as const;
export type Material = (typeof MATERIALS)[number];

/** One row of ss_validity_rule (versioned; months or days, never both). */
export interface ValidityRule {
  id: number;
  version: number;
  effectiveFrom: string;
  material: string;
  storeControlled: boolean | null;
  months: number | null;
  days: number | null;
  basis: string;
}

/**
 * The rule that applies to a pack of `material` sterilised on `sterilisedOn`: the highest version in force on that
 * date whose store condition matches (null = either). Throws when the table has no rule for the material.
 */
export function validityRuleFor(rules: readonly ValidityRule[], material: string, storeControlled: boolean, sterilisedOn: string): ValidityRule {
  assertIsoDate('sterilisedOn', sterilisedOn);
  const candidates = rules
    .filter((r) => r.material === material && r.effectiveFrom <= sterilisedOn)
    .filter((r) => r.storeControlled === null || r.storeControlled === storeControlled)
    .sort((a, b) => b.version - a.version);
  const rule = candidates[0];
  if (!rule) throw new RuleInputError('material', `no sterile validity rule for ${material} on ${sterilisedOn}`);
  return rule;
}

/**
 * Expiry date of a sterile pack (失效日期): sterilisation date + the rule's months (calendar months, clamped to the
 * month's end) or days. The pack may be issued up to and including this date, not after it.
 */
export function expiryDate(rule: ValidityRule, sterilisedOn: string): string {
  if (rule.months !== null) return addMonths(sterilisedOn, rule.months, 'sterilisedOn');
  if (rule.days !== null) return addDays(sterilisedOn, rule.days, 'sterilisedOn');
  throw new RuleInputError('material', `validity rule ${rule.id} has neither months nor days`);
}

/** Whether a pack expiring on `expiresOn` may still be issued or used on `onDate`. */
export const isWithinValidity = (expiresOn: string, onDate: string) => onDate <= expiresOn;

/** Pure helpers for the chronic-care dialogs: unit-tested in care.logic.test.ts. */
import type { ContractEntry, ConfirmationStatus, GlucoseCategory, SelfCareItem } from './care.types';

export type SelfCareBand = 'independent' | 'mild_dependence' | 'moderate_dependence' | 'unable';

/** 老年人生活自理能力评估: 0–3 independent, 4–8 mild, 9–18 moderate dependence, ≥ 19 unable to care for self. */
export function selfCareBand(total: number): SelfCareBand {
  if (total <= 3) return 'independent';
  if (total <= 8) return 'mild_dependence';
  if (total <= 18) return 'moderate_dependence';
  return 'unable';
}

/** Total of the items scored so far, and whether all five are scored. */
export function selfCareTotal(
  scores: Partial<Record<SelfCareItem, number | null>>,
  items: readonly string[],
): { total: number; complete: boolean } {
  let total = 0;
  let complete = true;
  for (const item of items) {
    const v = scores[item as SelfCareItem];
    if (typeof v === 'number') total += v;
    else complete = false;
  }
  return { total, complete };
}

/** The contract in force (the server allows one active contract per resident). */
export function activeContract(items: readonly ContractEntry[] | undefined): ContractEntry | null {
  return items?.find((c) => c.status === 'active') ?? null;
}

export const CONFIRMATION_COLOURS: Record<ConfirmationStatus, string> = {
  normal: 'green',
  suspected_recheck: 'orange',
  confirmed_refer_for_diagnosis: 'red',
};

export const GLUCOSE_COLOURS: Record<GlucoseCategory, string> = { normal: 'green', impaired: 'orange', diabetic: 'red' };

/** 18-character national ID shape (GB 11643); the server checks the region, date and check digit. */
export const NATIONAL_ID_SHAPE = /^\d{17}[\dXx]$/;
export const MOBILE_SHAPE = /^1\d{10}$/;

/** Amount in yuan for a fee in cents (0 → null: the free basic package). */
export function feeYuan(cents: number): string | null {
  if (!cents) return null;
  return (cents / 100).toFixed(cents % 100 === 0 ? 0 : 2);
}

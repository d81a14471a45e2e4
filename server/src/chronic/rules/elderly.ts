/**
 * Elderly (>= 65) rules — 国家基本公共卫生服务规范（第三版）, 老年人健康管理服务规范, 附: 老年人生活自理能力评估表.
 */
import {
  ELDERLY_MIN_AGE,
  SELF_CARE_INDEPENDENT_MAX,
  SELF_CARE_ITEM_SCORES,
  SELF_CARE_MILD_MAX,
  SELF_CARE_MODERATE_MAX,
  SELF_CARE_TOTAL_MAX,
} from '../thresholds.js';
import { RuleInputError, assertInRange } from './errors.js';

export type SelfCareItem = keyof typeof SELF_CARE_ITEM_SCORES;

export const SELF_CARE_ITEMS: readonly { code: SelfCareItem; zh: string; en: string }[] = [
  { code: 'eating', zh: '进餐', en: 'Eating' },
  { code: 'grooming', zh: '梳洗', en: 'Grooming' },
  { code: 'dressing', zh: '穿衣', en: 'Dressing' },
  { code: 'toileting', zh: '如厕', en: 'Toileting' },
  { code: 'moving', zh: '活动', en: 'Moving about' },
];

export type SelfCareAnswers = Record<SelfCareItem, number>;

export type SelfCareBand = 'independent' | 'mild_dependence' | 'moderate_dependence' | 'unable';

export const SELF_CARE_BAND_LABELS: Readonly<Record<SelfCareBand, { zh: string; en: string }>> = {
  independent: { zh: '可自理', en: 'Independent' },
  mild_dependence: { zh: '轻度依赖', en: 'Mild dependence' },
  moderate_dependence: { zh: '中度依赖', en: 'Moderate dependence' },
  unable: { zh: '不能自理', en: 'Unable to care for self' },
};

export interface SelfCareResult {
  total: number;
  band: SelfCareBand;
  labelZh: string;
  labelEn: string;
}

/** The band for a total score: 0–3 independent, 4–8 mild, 9–18 moderate, >= 19 unable. */
export function selfCareBand(total: number): SelfCareBand {
  if (!Number.isInteger(total) || total < 0 || total > SELF_CARE_TOTAL_MAX) {
    throw new RuleInputError('total', `must be an integer from 0 to ${SELF_CARE_TOTAL_MAX}, got ${total}`);
  }
  if (total <= SELF_CARE_INDEPENDENT_MAX) return 'independent';
  if (total <= SELF_CARE_MILD_MAX) return 'mild_dependence';
  if (total <= SELF_CARE_MODERATE_MAX) return 'moderate_dependence';
  return 'unable';
}

/**
 * Scores the self-care ability form. Every one of the five items is required and must be one of that item's
 * allowed values (eating 0/3/5, grooming 0/1/3/7, dressing 0/3/5, toileting 0/1/5/10, moving 0/1/5/10);
 * anything else is rejected with a RuleInputError naming the item.
 */
export function scoreSelfCare(answers: SelfCareAnswers): SelfCareResult {
  if (answers === null || typeof answers !== 'object') {
    throw new RuleInputError('answers', 'must be an object with the five item scores');
  }
  let total = 0;
  for (const { code } of SELF_CARE_ITEMS) {
    const value: unknown = answers[code];
    const allowed: readonly number[] = SELF_CARE_ITEM_SCORES[code];
    if (typeof value !== 'number' || !allowed.includes(value)) {
      throw new RuleInputError(
        code,
        `invalid score ${String(value)} for "${code}"; allowed: ${[...new Set(allowed)].join(', ')}`,
      );
    }
    total += value;
  }
  const extra = Object.keys(answers).filter((k) => !SELF_CARE_ITEMS.some((i) => i.code === k));
  if (extra.length > 0) throw new RuleInputError(extra[0] ?? 'answers', 'is not an item of the self-care form');
  const band = selfCareBand(total);
  return { total, band, labelZh: SELF_CARE_BAND_LABELS[band].zh, labelEn: SELF_CARE_BAND_LABELS[band].en };
}

/** The elderly health-management programme serves residents aged >= 65. */
export function eligibleForElderlyProgramme(ageYears: number): boolean {
  assertInRange('ageYears', ageYears, 'ageYears');
  return ageYears >= ELDERLY_MIN_AGE;
}

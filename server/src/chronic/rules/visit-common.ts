/**
 * Shared shape and decision ladder for hypertension and type 2 diabetes follow-up visits (分类干预).
 */
import { FOLLOW_UP_CONTROLLED_MONTHS, FOLLOW_UP_SHORT_DAYS } from '../thresholds.js';
import { addDays, addMonths } from './age.js';

/** Drug adverse reaction at this visit: none, one that can be managed by adjusting, or one that cannot. */
export const ADVERSE_REACTIONS = ['none', 'controllable', 'uncontrollable'] as const;
export type AdverseReaction = (typeof ADVERSE_REACTIONS)[number];

/** The previous face-to-face follow-up for the same disease (device readings are not visits). */
export interface PreviousVisit {
  visitDate: string;
  controlled: boolean;
}

/**
 * Visit classification codes (one per visit, first match in this order wins):
 * - 'urgent'                          危急情况 → urgent_refer
 * - 'two_consecutive_uncontrolled'    连续两次控制不满意 → refer
 * - 'adverse_reaction_uncontrollable' 药物不良反应难以控制 → refer
 * - 'complication'                    新发并发症或原有并发症加重 → refer
 * - 'first_uncontrolled'              第一次控制不满意 → adjust_medication
 * - 'adverse_reaction'                药物不良反应（可控制）→ adjust_medication
 * - 'controlled'                      控制满意 → continue
 */
export const VISIT_CLASSIFICATIONS = [
  'urgent',
  'two_consecutive_uncontrolled',
  'adverse_reaction_uncontrollable',
  'complication',
  'first_uncontrolled',
  'adverse_reaction',
  'controlled',
] as const;
export type VisitClassificationCode = (typeof VISIT_CLASSIFICATIONS)[number];

export const FOLLOW_UP_ACTIONS = ['continue', 'adjust_medication', 'refer', 'urgent_refer'] as const;
export type FollowUpAction = (typeof FOLLOW_UP_ACTIONS)[number];

/**
 * The national follow-up form's 此次随访分类 (1 控制满意, 2 控制不满意, 3 不良反应, 4 并发症), one value:
 * complication if a new/worse complication, else adverse_reaction if any, else by control.
 */
export type VisitFormCategory = 'satisfactory' | 'unsatisfactory' | 'adverse_reaction' | 'complication';

export interface VisitClassification {
  classification: VisitClassificationCode;
  /** Controlled at this visit (BP below target / FBG < 7.0), whatever else happened. */
  controlled: boolean;
  action: FollowUpAction;
  /** Latest date for the next face-to-face follow-up: +3 months when continuing, else +14 days. */
  nextDueDate: string;
  referralSuggested: boolean;
  urgentReferral: boolean;
  formCategory: VisitFormCategory;
  /** Machine codes for every finding at this visit (not only the deciding one). */
  reasons: string[];
  messageZh: string;
  messageEn: string;
}

export const ACTION_BY_CLASSIFICATION: Readonly<Record<VisitClassificationCode, FollowUpAction>> = {
  urgent: 'urgent_refer',
  two_consecutive_uncontrolled: 'refer',
  adverse_reaction_uncontrollable: 'refer',
  complication: 'refer',
  first_uncontrolled: 'adjust_medication',
  adverse_reaction: 'adjust_medication',
  controlled: 'continue',
};

const WEEKS = FOLLOW_UP_SHORT_DAYS / 7;

function messages(measureZh: string, measureEn: string): Record<VisitClassificationCode, { zh: string; en: string }> {
  return {
    urgent: {
      zh: `危急情况：处理后紧急转诊，${WEEKS}周内主动随访转诊情况`,
      en: `Urgent: refer immediately after first aid; actively follow up the referral within ${WEEKS} weeks`,
    },
    two_consecutive_uncontrolled: {
      zh: `连续两次${measureZh}控制不满意，建议转诊上级医院，${WEEKS}周内主动随访转诊情况`,
      en: `${measureEn} uncontrolled at two consecutive visits: refer to a higher-level hospital; actively follow up within ${WEEKS} weeks`,
    },
    adverse_reaction_uncontrollable: {
      zh: `药物不良反应难以控制，建议转诊上级医院，${WEEKS}周内主动随访转诊情况`,
      en: `Adverse drug reaction that cannot be controlled: refer to a higher-level hospital; actively follow up within ${WEEKS} weeks`,
    },
    complication: {
      zh: `出现新的并发症或原有并发症加重，建议转诊上级医院，${WEEKS}周内主动随访转诊情况`,
      en: `New or worsening complication: refer to a higher-level hospital; actively follow up within ${WEEKS} weeks`,
    },
    first_uncontrolled: {
      zh: `首次${measureZh}控制不满意，调整用药，${WEEKS}周内随访`,
      en: `First uncontrolled visit: adjust medication, next visit within ${WEEKS} weeks`,
    },
    adverse_reaction: {
      zh: `出现药物不良反应，调整用药，${WEEKS}周内随访`,
      en: `Adverse drug reaction: adjust medication, next visit within ${WEEKS} weeks`,
    },
    controlled: {
      zh: `${measureZh}控制满意，继续治疗，${FOLLOW_UP_CONTROLLED_MONTHS}个月后随访`,
      en: `${measureEn} controlled: continue treatment, next visit in ${FOLLOW_UP_CONTROLLED_MONTHS} months`,
    },
  };
}

export const FOLLOW_UP_MESSAGES = {
  hypertension: messages('血压', 'Blood pressure'),
  diabetes: messages('血糖', 'Blood glucose'),
} as const;

export interface VisitFindings {
  urgent: boolean;
  controlled: boolean;
  /** Uncontrolled now and at the previous visit for the same disease. */
  twoConsecutive: boolean;
  adverseReaction: AdverseReaction;
  complication: boolean;
}

/** The decision ladder (see VISIT_CLASSIFICATIONS for the order). */
export function decideVisit(f: VisitFindings): VisitClassificationCode {
  if (f.urgent) return 'urgent';
  if (f.twoConsecutive) return 'two_consecutive_uncontrolled';
  if (f.adverseReaction === 'uncontrollable') return 'adverse_reaction_uncontrollable';
  if (f.complication) return 'complication';
  if (!f.controlled) return 'first_uncontrolled';
  if (f.adverseReaction === 'controllable') return 'adverse_reaction';
  return 'controlled';
}

/** Builds the common result from the findings. */
export function buildVisitResult(
  disease: 'hypertension' | 'diabetes',
  visitDate: string,
  findings: VisitFindings,
  reasons: string[],
): VisitClassification {
  const classification = decideVisit(findings);
  const action = ACTION_BY_CLASSIFICATION[classification];
  const nextDueDate =
    action === 'continue'
      ? addMonths(visitDate, FOLLOW_UP_CONTROLLED_MONTHS, 'visitDate')
      : addDays(visitDate, FOLLOW_UP_SHORT_DAYS, 'visitDate');
  const message = FOLLOW_UP_MESSAGES[disease][classification];
  const formCategory: VisitFormCategory = findings.complication
    ? 'complication'
    : findings.adverseReaction !== 'none'
      ? 'adverse_reaction'
      : findings.controlled
        ? 'satisfactory'
        : 'unsatisfactory';
  return {
    classification,
    controlled: findings.controlled,
    action,
    nextDueDate,
    referralSuggested: action === 'refer' || action === 'urgent_refer',
    urgentReferral: action === 'urgent_refer',
    formCategory,
    reasons,
    messageZh: message.zh,
    messageEn: message.en,
  };
}

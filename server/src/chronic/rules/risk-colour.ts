/**
 * Three-colour stratification (三色分级分层管理, seed 002). Green stays with the family-doctor team, yellow goes to
 * the joint GP + specialist clinic (全专联合门诊), red gets a specialist consultation through a referral.
 *
 * The cut-offs live in a versioned rules table. A district that needs other cut-offs adds a NEW table (new
 * version) and passes it in; a published table is frozen and never edited in place.
 */
import {
  COLOUR_DM_LOW_GLUCOSE_MAX,
  COLOUR_DM_RED_FBG_MIN,
  COLOUR_DM_RED_HBA1C_MIN,
  COLOUR_DM_YELLOW_FBG_MIN,
  COLOUR_DM_YELLOW_HBA1C_MIN,
  COLOUR_HTN_RED_DBP_MIN,
  COLOUR_HTN_RED_SBP_MIN,
  COLOUR_HTN_YELLOW_RISK_FACTORS_MIN,
  COLOUR_RECENT_EVENT_MONTHS,
} from '../thresholds.js';
import { addMonths, assertIsoDate, compareDates } from './age.js';
import { RuleInputError, assertBloodPressure, assertCodes, assertInRange, assertOptionalInRange } from './errors.js';

export type RiskColour = 'green' | 'yellow' | 'red';
export type CareRoute = 'family_doctor_team' | 'joint_gp_specialist_clinic' | 'specialist_referral';

export interface RiskColourRules {
  readonly version: string;
  readonly hypertension: {
    readonly redSbpMin: number;
    readonly redDbpMin: number;
    readonly yellowRiskFactorsMin: number;
    readonly recentEventMonths: number;
    /** Recognised complication codes; any one present → red. */
    readonly complicationCodes: readonly string[];
  };
  readonly diabetes: {
    readonly yellowFbgMin: number;
    readonly redFbgMin: number;
    readonly yellowHba1cMin: number;
    readonly redHba1cMin: number;
    readonly lowGlucoseMax: number;
    readonly recentEventMonths: number;
    readonly complicationCodes: readonly string[];
  };
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

/** Default table, version 1 (SPEC "Three-colour stratification"; common provincial practice). */
export const RISK_COLOUR_RULES_V1: RiskColourRules = deepFreeze({
  version: 'v1',
  hypertension: {
    redSbpMin: COLOUR_HTN_RED_SBP_MIN,
    redDbpMin: COLOUR_HTN_RED_DBP_MIN,
    yellowRiskFactorsMin: COLOUR_HTN_YELLOW_RISK_FACTORS_MIN,
    recentEventMonths: COLOUR_RECENT_EVENT_MONTHS,
    complicationCodes: ['stroke', 'coronary_heart_disease', 'heart_failure', 'chronic_kidney_disease'],
  },
  diabetes: {
    yellowFbgMin: COLOUR_DM_YELLOW_FBG_MIN,
    redFbgMin: COLOUR_DM_RED_FBG_MIN,
    yellowHba1cMin: COLOUR_DM_YELLOW_HBA1C_MIN,
    redHba1cMin: COLOUR_DM_RED_HBA1C_MIN,
    lowGlucoseMax: COLOUR_DM_LOW_GLUCOSE_MAX,
    recentEventMonths: COLOUR_RECENT_EVENT_MONTHS,
    complicationCodes: ['retinopathy', 'nephropathy', 'neuropathy', 'diabetic_foot', 'cardiovascular'],
  },
});

export const COMPLICATION_LABELS: Readonly<Record<string, { zh: string; en: string }>> = {
  stroke: { zh: '脑卒中', en: 'Stroke' },
  coronary_heart_disease: { zh: '冠心病', en: 'Coronary heart disease' },
  heart_failure: { zh: '心力衰竭', en: 'Heart failure' },
  chronic_kidney_disease: { zh: '慢性肾脏病', en: 'Chronic kidney disease' },
  retinopathy: { zh: '糖尿病视网膜病变', en: 'Diabetic retinopathy' },
  nephropathy: { zh: '糖尿病肾病', en: 'Diabetic nephropathy' },
  neuropathy: { zh: '糖尿病神经病变', en: 'Diabetic neuropathy' },
  diabetic_foot: { zh: '糖尿病足', en: 'Diabetic foot disease' },
  cardiovascular: { zh: '心脑血管疾病', en: 'Cardiovascular disease' },
};

export const CARE_ROUTE_BY_COLOUR: Readonly<Record<RiskColour, CareRoute>> = {
  green: 'family_doctor_team',
  yellow: 'joint_gp_specialist_clinic',
  red: 'specialist_referral',
};

export interface ColourResult {
  disease: 'hypertension' | 'diabetes';
  colour: RiskColour;
  /** The rule that set the colour (the first match, reds before yellows before green). */
  ruleCode: string;
  reasonZh: string;
  reasonEn: string;
  /** Every rule that matched, in precedence order. */
  matched: string[];
  careRoute: CareRoute;
  rulesVersion: string;
}

interface Rule {
  code: string;
  colour: RiskColour;
  zh: string;
  en: string;
  when: boolean;
}

function firstMatch(disease: ColourResult['disease'], rules: Rule[], version: string): ColourResult {
  const matched = rules.filter((r) => r.when);
  const first = matched[0];
  if (!first) throw new Error('colour rules must end with a catch-all rule');
  return {
    disease,
    colour: first.colour,
    ruleCode: first.code,
    reasonZh: first.zh,
    reasonEn: first.en,
    matched: matched.map((r) => r.code),
    careRoute: CARE_ROUTE_BY_COLOUR[first.colour],
    rulesVersion: version,
  };
}

/** True when `date` lies within the `months` before `asOf` (inclusive at both ends). */
function isRecent(field: string, date: string | null | undefined, asOf: string, months: number): boolean {
  if (date === undefined || date === null) return false;
  assertIsoDate(field, date);
  if (compareDates(date, asOf) > 0) throw new RuleInputError(field, `${date} is after asOf ${asOf}`);
  return compareDates(date, addMonths(asOf, -months, 'asOf')) >= 0;
}

// ---------------------------------------------------------------------------------------------------------
// Hypertension
// ---------------------------------------------------------------------------------------------------------

export interface HypertensionColourState {
  /** The date the colour is computed for (usually today or the visit date). */
  asOf: string;
  /** The latest face-to-face follow-up; null when the patient has none yet. */
  lastVisit: { visitDate: string; sbp: number; dbp: number; controlled: boolean } | null;
  /** Uncontrolled at the last two consecutive visits. */
  twoConsecutiveUncontrolled: boolean;
  /** A drug adverse reaction at the last visit. */
  adverseReaction: boolean;
  /** Number of cardiovascular risk factors recorded for the patient. */
  riskFactorCount: number;
  /** Complication codes from the rules table (e.g. 'stroke'). */
  complications: readonly string[];
  lastUrgentReferralDate?: string | null;
}

export function hypertensionColour(
  state: HypertensionColourState,
  rules: RiskColourRules = RISK_COLOUR_RULES_V1,
): ColourResult {
  const t = rules.hypertension;
  assertIsoDate('asOf', state.asOf);
  const v = state.lastVisit;
  if (v) {
    assertIsoDate('lastVisit.visitDate', v.visitDate);
    assertBloodPressure(v.sbp, v.dbp, 'lastVisit.');
  }
  if (!Number.isInteger(state.riskFactorCount) || state.riskFactorCount < 0) {
    throw new RuleInputError('riskFactorCount', 'must be a non-negative integer');
  }
  assertCodes('complications', state.complications, t.complicationCodes);
  const recentUrgent = isRecent(
    'lastUrgentReferralDate',
    state.lastUrgentReferralDate,
    state.asOf,
    t.recentEventMonths,
  );

  return firstMatch(
    'hypertension',
    [
      {
        code: 'htn.red.bp_ge_160_100',
        colour: 'red',
        zh: `末次随访收缩压≥${t.redSbpMin}或舒张压≥${t.redDbpMin}mmHg`,
        en: `Last visit SBP >= ${t.redSbpMin} or DBP >= ${t.redDbpMin} mmHg`,
        when: v !== null && (v.sbp >= t.redSbpMin || v.dbp >= t.redDbpMin),
      },
      {
        code: 'htn.red.two_consecutive_uncontrolled',
        colour: 'red',
        zh: '连续两次随访血压控制不满意',
        en: 'Uncontrolled at two consecutive visits',
        when: state.twoConsecutiveUncontrolled,
      },
      {
        code: 'htn.red.complication',
        colour: 'red',
        zh: `有并发症（${state.complications.map((c) => COMPLICATION_LABELS[c]?.zh ?? c).join('、')}）`,
        en: `Complication (${state.complications.map((c) => COMPLICATION_LABELS[c]?.en ?? c).join(', ')})`,
        when: state.complications.length > 0,
      },
      {
        code: 'htn.red.recent_urgent_referral',
        colour: 'red',
        zh: `近${t.recentEventMonths}个月内有紧急转诊`,
        en: `Urgent referral in the last ${t.recentEventMonths} months`,
        when: recentUrgent,
      },
      {
        code: 'htn.yellow.uncontrolled',
        colour: 'yellow',
        zh: `血压控制不满意（<${t.redSbpMin}/${t.redDbpMin}mmHg）`,
        en: `Blood pressure not controlled (below ${t.redSbpMin}/${t.redDbpMin} mmHg)`,
        when: v !== null && !v.controlled,
      },
      {
        code: 'htn.yellow.adverse_reaction',
        colour: 'yellow',
        zh: '有药物不良反应',
        en: 'Adverse drug reaction',
        when: state.adverseReaction,
      },
      {
        code: 'htn.yellow.risk_factors',
        colour: 'yellow',
        zh: `危险因素≥${t.yellowRiskFactorsMin}个`,
        en: `${t.yellowRiskFactorsMin} or more risk factors`,
        when: state.riskFactorCount >= t.yellowRiskFactorsMin,
      },
      {
        code: 'htn.yellow.not_assessed',
        colour: 'yellow',
        zh: '尚无随访记录，控制情况未评估',
        en: 'No follow-up yet: control not assessed',
        when: v === null,
      },
      {
        code: 'htn.green.controlled',
        colour: 'green',
        zh: '末次随访血压控制满意，无并发症',
        en: 'Controlled at the last visit, no complication',
        when: true,
      },
    ],
    rules.version,
  );
}

// ---------------------------------------------------------------------------------------------------------
// Type 2 diabetes
// ---------------------------------------------------------------------------------------------------------

export interface DiabetesColourState {
  asOf: string;
  /** The latest face-to-face follow-up; null when the patient has none yet. */
  lastVisit: { visitDate: string; fbg: number } | null;
  /** Latest HbA1c (%), where known. */
  latestHba1c?: number | null;
  twoConsecutiveUncontrolled: boolean;
  complications: readonly string[];
  lastUrgentReferralDate?: string | null;
  /** Latest visit date with glucose <= 3.9 (the last visit itself is also checked). */
  lastLowGlucoseDate?: string | null;
}

export function diabetesColour(
  state: DiabetesColourState,
  rules: RiskColourRules = RISK_COLOUR_RULES_V1,
): ColourResult {
  const t = rules.diabetes;
  assertIsoDate('asOf', state.asOf);
  const v = state.lastVisit;
  if (v) {
    assertIsoDate('lastVisit.visitDate', v.visitDate);
    assertInRange('lastVisit.fbg', v.fbg, 'glucose');
  }
  assertOptionalInRange('latestHba1c', state.latestHba1c, 'hba1c');
  const hba1c = state.latestHba1c ?? null;
  assertCodes('complications', state.complications, t.complicationCodes);
  const recentUrgent = isRecent(
    'lastUrgentReferralDate',
    state.lastUrgentReferralDate,
    state.asOf,
    t.recentEventMonths,
  );
  const recentLow =
    isRecent('lastLowGlucoseDate', state.lastLowGlucoseDate, state.asOf, t.recentEventMonths) ||
    (v !== null &&
      v.fbg <= t.lowGlucoseMax &&
      isRecent('lastVisit.visitDate', v.visitDate, state.asOf, t.recentEventMonths));

  return firstMatch(
    'diabetes',
    [
      {
        code: 'dm.red.fbg_ge_10',
        colour: 'red',
        zh: `末次随访空腹血糖≥${t.redFbgMin.toFixed(1)}mmol/L`,
        en: `Last visit fasting glucose >= ${t.redFbgMin.toFixed(1)} mmol/L`,
        when: v !== null && v.fbg >= t.redFbgMin,
      },
      {
        code: 'dm.red.hba1c_ge_9',
        colour: 'red',
        zh: `糖化血红蛋白≥${t.redHba1cMin.toFixed(1)}%`,
        en: `HbA1c >= ${t.redHba1cMin.toFixed(1)}%`,
        when: hba1c !== null && hba1c >= t.redHba1cMin,
      },
      {
        code: 'dm.red.recent_low_glucose',
        colour: 'red',
        zh: `近${t.recentEventMonths}个月内随访血糖≤${t.lowGlucoseMax}mmol/L`,
        en: `Glucose <= ${t.lowGlucoseMax} mmol/L at a visit in the last ${t.recentEventMonths} months`,
        when: recentLow,
      },
      {
        code: 'dm.red.two_consecutive_uncontrolled',
        colour: 'red',
        zh: '连续两次随访血糖控制不满意',
        en: 'Uncontrolled at two consecutive visits',
        when: state.twoConsecutiveUncontrolled,
      },
      {
        code: 'dm.red.complication',
        colour: 'red',
        zh: `有并发症（${state.complications.map((c) => COMPLICATION_LABELS[c]?.zh ?? c).join('、')}）`,
        en: `Complication (${state.complications.map((c) => COMPLICATION_LABELS[c]?.en ?? c).join(', ')})`,
        when: state.complications.length > 0,
      },
      {
        code: 'dm.red.recent_urgent_referral',
        colour: 'red',
        zh: `近${t.recentEventMonths}个月内有紧急转诊`,
        en: `Urgent referral in the last ${t.recentEventMonths} months`,
        when: recentUrgent,
      },
      {
        code: 'dm.yellow.fbg_7_to_10',
        colour: 'yellow',
        zh: `空腹血糖${t.yellowFbgMin.toFixed(1)}～${t.redFbgMin.toFixed(1)}mmol/L（不含）`,
        en: `Fasting glucose ${t.yellowFbgMin.toFixed(1)} to below ${t.redFbgMin.toFixed(1)} mmol/L`,
        when: v !== null && v.fbg >= t.yellowFbgMin,
      },
      {
        code: 'dm.yellow.hba1c_7_to_9',
        colour: 'yellow',
        zh: `糖化血红蛋白${t.yellowHba1cMin.toFixed(1)}%～${t.redHba1cMin.toFixed(1)}%（不含）`,
        en: `HbA1c ${t.yellowHba1cMin.toFixed(1)}% to below ${t.redHba1cMin.toFixed(1)}%`,
        when: hba1c !== null && hba1c >= t.yellowHba1cMin,
      },
      {
        code: 'dm.yellow.not_assessed',
        colour: 'yellow',
        zh: '尚无随访记录，控制情况未评估',
        en: 'No follow-up yet: control not assessed',
        when: v === null,
      },
      {
        code: 'dm.green.controlled',
        colour: 'green',
        zh: `空腹血糖<${t.yellowFbgMin.toFixed(1)}mmol/L，无并发症`,
        en: `Fasting glucose below ${t.yellowFbgMin.toFixed(1)} mmol/L, no complication`,
        when: true,
      },
    ],
    rules.version,
  );
}

// ---------------------------------------------------------------------------------------------------------
// Both diseases
// ---------------------------------------------------------------------------------------------------------

const SEVERITY: Readonly<Record<RiskColour, number>> = { green: 0, yellow: 1, red: 2 };

/** The worst colour wins (red > yellow > green); on a tie the earlier result is kept. */
export function combinedColour(results: readonly ColourResult[]): ColourResult {
  const [first, ...rest] = results;
  if (!first) throw new RuleInputError('results', 'at least one colour result is needed');
  return rest.reduce((worst, r) => (SEVERITY[r.colour] > SEVERITY[worst.colour] ? r : worst), first);
}

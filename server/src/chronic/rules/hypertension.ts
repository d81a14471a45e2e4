/**
 * Hypertension rules — 国家基本公共卫生服务规范（第三版）, 高血压患者健康管理服务规范.
 * Pure functions; every cut-off comes from ../thresholds.ts.
 */
import {
  BMI_OVERWEIGHT_MIN,
  BP_ELEVATED_DBP_MIN,
  BP_ELEVATED_SBP_MIN,
  BP_HIGH_NORMAL_DBP_MIN,
  BP_HIGH_NORMAL_SBP_MIN,
  CHRONIC_PROGRAMME_MIN_AGE,
  HEAVY_DRINKING_SPIRITS_ML_PER_DAY_MIN,
  HTN_CONFIRM_DISTINCT_DAYS,
  HTN_ELDERLY_TARGET_AGE,
  HTN_ELDERLY_TARGET_DBP,
  HTN_ELDERLY_TARGET_SBP,
  HTN_HIGH_RISK_AGE_MIN,
  HTN_HIGH_RISK_BP_CHECK_INTERVAL_MONTHS,
  HTN_TARGET_DBP,
  HTN_TARGET_SBP,
  URGENT_DBP_MIN,
  URGENT_SBP_MIN,
  USUAL_RESIDENT_MIN_MONTHS,
  WAIST_ABDOMINAL_OBESITY_FEMALE_CM_MIN,
  WAIST_ABDOMINAL_OBESITY_MALE_CM_MIN,
} from '../thresholds.js';
import { assertIsoDate, compareDates } from './age.js';
import { RuleInputError, assertBloodPressure, assertCodes, assertInRange, assertOptionalInRange } from './errors.js';
import {
  type AdverseReaction,
  type PreviousVisit,
  type VisitClassification,
  ADVERSE_REACTIONS,
  buildVisitResult,
} from './visit-common.js';

export type Sex = 'male' | 'female';

// ---------------------------------------------------------------------------------------------------------
// Eligibility and codes
// ---------------------------------------------------------------------------------------------------------

/** The hypertension and diabetes programmes serve residents aged >= 35. */
export function eligibleForChronicProgramme(ageYears: number): boolean {
  assertInRange('ageYears', ageYears, 'ageYears');
  return ageYears >= CHRONIC_PROGRAMME_MIN_AGE;
}

/** 常住居民: has lived in the district for >= 6 months. */
export function isUsualResident(monthsResident: number): boolean {
  if (!Number.isFinite(monthsResident) || monthsResident < 0) {
    throw new RuleInputError('monthsResident', `must be a non-negative number, got ${monthsResident}`);
  }
  return monthsResident >= USUAL_RESIDENT_MIN_MONTHS;
}

function normaliseIcd10(icd10: string): string {
  if (typeof icd10 !== 'string' || icd10.trim() === '') {
    throw new RuleInputError('icd10', 'must be a non-empty ICD-10 code');
  }
  return icd10.trim().toUpperCase();
}

/** 'manage' for I10–I13 (primary hypertension, with heart/kidney involvement); 'refer_secondary' for I15. */
export type HypertensionCodeDisposition = 'manage' | 'refer_secondary' | 'not_hypertension';

export function hypertensionCodeDisposition(icd10: string): HypertensionCodeDisposition {
  const code = normaliseIcd10(icd10);
  if (/^I1[0-3](?![0-9])/.test(code)) return 'manage';
  if (/^I15(?![0-9])/.test(code)) return 'refer_secondary';
  return 'not_hypertension';
}

/** True for I10–I13 (and their sub-codes); false for I15 (secondary: refer, not enrolled) and anything else. */
export function isManagedHypertensionCode(icd10: string): boolean {
  return hypertensionCodeDisposition(icd10) === 'manage';
}

// ---------------------------------------------------------------------------------------------------------
// Targets and control
// ---------------------------------------------------------------------------------------------------------

/** A BP target: controlled when SBP < sbp AND DBP < dbp. */
export interface BpTarget {
  sbp: number;
  dbp: number;
}

/**
 * Target for a patient: < 140/90; aged >= 65: < 150/90. A doctor-set target (e.g. for diabetes or CKD, or
 * 140/90 for a 65+ patient who tolerates it) overrides the default; it may only be lower or equal, never laxer.
 */
export function bpTargetFor(input: { ageYears: number; customTarget?: BpTarget | null }): BpTarget {
  assertInRange('ageYears', input.ageYears, 'ageYears');
  const standard: BpTarget =
    input.ageYears >= HTN_ELDERLY_TARGET_AGE
      ? { sbp: HTN_ELDERLY_TARGET_SBP, dbp: HTN_ELDERLY_TARGET_DBP }
      : { sbp: HTN_TARGET_SBP, dbp: HTN_TARGET_DBP };
  const custom = input.customTarget;
  if (custom === undefined || custom === null) return standard;
  assertBloodPressure(custom.sbp, custom.dbp, 'customTarget.');
  if (custom.sbp > standard.sbp || custom.dbp > standard.dbp) {
    throw new RuleInputError(
      'customTarget',
      `a doctor-set target may only be lower than the standard ${standard.sbp}/${standard.dbp}, got ${custom.sbp}/${custom.dbp}`,
    );
  }
  return { sbp: custom.sbp, dbp: custom.dbp };
}

/** Controlled when SBP < target.sbp and DBP < target.dbp. */
export function isBpControlled(sbp: number, dbp: number, target: BpTarget): boolean {
  assertBloodPressure(sbp, dbp);
  return sbp < target.sbp && dbp < target.dbp;
}

/**
 * KPI 血压控制率 definition: the standard targets (140/90; 150/90 at >= 65), ignoring doctor-set targets.
 */
export function isBpControlledForKpi(input: { ageYears: number; sbp: number; dbp: number }): boolean {
  return isBpControlled(input.sbp, input.dbp, bpTargetFor({ ageYears: input.ageYears }));
}

// ---------------------------------------------------------------------------------------------------------
// Visit classification
// ---------------------------------------------------------------------------------------------------------

/** Urgent signs at a hypertension visit (危急情况). Heart rate is NOT one of them. */
export const HYPERTENSION_URGENT_SYMPTOMS = [
  { code: 'altered_consciousness', zh: '意识改变', en: 'Altered consciousness' },
  { code: 'severe_headache_dizziness', zh: '剧烈头痛或头晕', en: 'Severe headache or dizziness' },
  { code: 'nausea_vomiting', zh: '恶心呕吐', en: 'Nausea or vomiting' },
  { code: 'blurred_vision', zh: '视力模糊', en: 'Blurred vision' },
  { code: 'eye_pain', zh: '眼痛', en: 'Eye pain' },
  { code: 'palpitations', zh: '心悸', en: 'Palpitations' },
  { code: 'chest_tightness', zh: '胸闷', en: 'Chest tightness' },
  { code: 'orthopnea', zh: '喘憋不能平卧', en: 'Breathlessness, unable to lie flat' },
  {
    code: 'pregnant_or_lactating_with_raised_bp',
    zh: '处于妊娠期或哺乳期同时血压高于正常',
    en: 'Pregnant or lactating with raised blood pressure',
  },
  { code: 'other_unmanageable', zh: '存在不能处理的其他疾病', en: 'Another condition the visit cannot handle' },
] as const;

export type HypertensionUrgentSymptom = (typeof HYPERTENSION_URGENT_SYMPTOMS)[number]['code'];
export const HYPERTENSION_URGENT_SYMPTOM_CODES: readonly HypertensionUrgentSymptom[] = HYPERTENSION_URGENT_SYMPTOMS.map(
  (s) => s.code,
);

export interface HypertensionVisitInput {
  visitDate: string;
  /** Age in completed years on the visit date. */
  ageYears: number;
  sbp: number;
  dbp: number;
  /** Recorded, validated, but not an urgent criterion for hypertension. */
  heartRate?: number | null;
  symptoms: readonly string[];
  adverseReaction: AdverseReaction;
  newOrWorseComplication: boolean;
  /** The previous face-to-face follow-up for hypertension (device readings are not visits); null when none. */
  previousVisit?: PreviousVisit | null;
  customTarget?: BpTarget | null;
}

export interface HypertensionVisitResult extends VisitClassification {
  target: BpTarget;
}

/**
 * Classifies one hypertension follow-up visit (分类干预). Precedence, first match wins:
 *   1. urgent — SBP >= 180 and/or DBP >= 110, or any urgent symptom → 'urgent_refer', active follow-up in 14 days;
 *   2. refer — uncontrolled now and at the previous visit ('two_consecutive_uncontrolled'), an adverse reaction
 *      that cannot be controlled ('adverse_reaction_uncontrollable'), or a new/worse complication ('complication')
 *      → 'refer', active follow-up in 14 days;
 *   3. adjust — first uncontrolled visit ('first_uncontrolled'; no previous visit or previous controlled), or a
 *      controllable adverse reaction ('adverse_reaction') → 'adjust_medication', next visit in 14 days;
 *   4. 'controlled' → 'continue', next visit in 3 months.
 * `reasons` lists every finding, not only the one that decided.
 */
export function classifyHypertensionVisit(input: HypertensionVisitInput): HypertensionVisitResult {
  assertIsoDate('visitDate', input.visitDate);
  assertBloodPressure(input.sbp, input.dbp);
  assertOptionalInRange('heartRate', input.heartRate, 'heartRate');
  assertCodes('symptoms', input.symptoms, HYPERTENSION_URGENT_SYMPTOM_CODES);
  if (!ADVERSE_REACTIONS.includes(input.adverseReaction)) {
    throw new RuleInputError('adverseReaction', `must be one of ${ADVERSE_REACTIONS.join(', ')}`);
  }
  if (typeof input.newOrWorseComplication !== 'boolean') {
    throw new RuleInputError('newOrWorseComplication', 'must be true or false');
  }
  const previous = input.previousVisit ?? null;
  if (previous) {
    assertIsoDate('previousVisit.visitDate', previous.visitDate);
    if (compareDates(previous.visitDate, input.visitDate) > 0) {
      throw new RuleInputError('previousVisit.visitDate', 'is after the visit being classified');
    }
  }

  const target = bpTargetFor({ ageYears: input.ageYears, customTarget: input.customTarget ?? null });
  const controlled = input.sbp < target.sbp && input.dbp < target.dbp;

  const reasons: string[] = [];
  if (input.sbp >= URGENT_SBP_MIN) reasons.push('urgent_sbp_ge_180');
  if (input.dbp >= URGENT_DBP_MIN) reasons.push('urgent_dbp_ge_110');
  for (const s of new Set(input.symptoms)) reasons.push(`urgent_symptom:${s}`);
  const urgent = reasons.length > 0;

  reasons.push(controlled ? 'bp_controlled' : 'bp_uncontrolled');
  if (!controlled) {
    if (!previous) reasons.push('no_previous_visit');
    else reasons.push(previous.controlled ? 'previous_visit_controlled' : 'previous_visit_uncontrolled');
  }
  const twoConsecutive = !controlled && previous !== null && !previous.controlled;
  if (input.adverseReaction === 'controllable') reasons.push('adverse_reaction_controllable');
  if (input.adverseReaction === 'uncontrollable') reasons.push('adverse_reaction_uncontrollable');
  if (input.newOrWorseComplication) reasons.push('new_or_worse_complication');

  const findings = {
    urgent,
    controlled,
    twoConsecutive,
    adverseReaction: input.adverseReaction,
    complication: input.newOrWorseComplication,
  };
  return { ...buildVisitResult('hypertension', input.visitDate, findings, reasons), target };
}

// ---------------------------------------------------------------------------------------------------------
// Screening and confirmation
// ---------------------------------------------------------------------------------------------------------

/** 'elevated': >= 140 and/or >= 90; 'high_normal' (血压高值): 130–139 and/or 85–89; otherwise 'normal'. */
export type BpScreeningCategory = 'normal' | 'high_normal' | 'elevated';

export function isBpElevated(sbp: number, dbp: number): boolean {
  assertBloodPressure(sbp, dbp);
  return sbp >= BP_ELEVATED_SBP_MIN || dbp >= BP_ELEVATED_DBP_MIN;
}

export function screenBloodPressure(sbp: number, dbp: number): BpScreeningCategory {
  if (isBpElevated(sbp, dbp)) return 'elevated';
  if (sbp >= BP_HIGH_NORMAL_SBP_MIN || dbp >= BP_HIGH_NORMAL_DBP_MIN) return 'high_normal';
  return 'normal';
}

export interface BpReading {
  date: string;
  sbp: number;
  dbp: number;
}

export type HypertensionConfirmationStatus = 'normal' | 'suspected_recheck' | 'confirmed_refer_for_diagnosis';

export interface HypertensionConfirmation {
  status: HypertensionConfirmationStatus;
  /** Distinct days, ending with the latest day, on which BP was elevated (the current run). */
  elevatedDays: number;
  /** One entry per day, oldest first: the day's mean reading and whether it was elevated. */
  days: { date: string; sbp: number; dbp: number; elevated: boolean }[];
}

/**
 * Screening confirmation (非同日3次测量血压均高于正常): readings on the same day count once (the day's mean
 * SBP and DBP decide whether that day is elevated). Counting back from the latest day, the run of elevated
 * days decides: 0 (latest day normal, or no readings) → 'normal'; 1–2 → 'suspected_recheck';
 * >= 3 → 'confirmed_refer_for_diagnosis' (refer to confirm, follow the result up within 2 weeks).
 * A normal day breaks the run, because the three different-day measurements must all be raised.
 */
export function confirmHypertension(readings: readonly BpReading[]): HypertensionConfirmation {
  if (!Array.isArray(readings)) throw new RuleInputError('readings', 'must be an array');
  const byDay = new Map<string, { sbp: number; dbp: number; n: number }>();
  readings.forEach((r, i) => {
    assertIsoDate(`readings[${i}].date`, r.date);
    assertBloodPressure(r.sbp, r.dbp, `readings[${i}].`);
    const acc = byDay.get(r.date) ?? { sbp: 0, dbp: 0, n: 0 };
    byDay.set(r.date, { sbp: acc.sbp + r.sbp, dbp: acc.dbp + r.dbp, n: acc.n + 1 });
  });
  const days = [...byDay.entries()]
    .sort(([a], [b]) => compareDates(a, b))
    .map(([date, acc]) => {
      const sbp = acc.sbp / acc.n;
      const dbp = acc.dbp / acc.n;
      return { date, sbp, dbp, elevated: sbp >= BP_ELEVATED_SBP_MIN || dbp >= BP_ELEVATED_DBP_MIN };
    });
  let elevatedDays = 0;
  for (let i = days.length - 1; i >= 0 && days[i]?.elevated; i--) elevatedDays++;
  const status: HypertensionConfirmationStatus =
    elevatedDays >= HTN_CONFIRM_DISTINCT_DAYS
      ? 'confirmed_refer_for_diagnosis'
      : elevatedDays > 0
        ? 'suspected_recheck'
        : 'normal';
  return { status, elevatedDays, days };
}

// ---------------------------------------------------------------------------------------------------------
// High-risk population
// ---------------------------------------------------------------------------------------------------------

export type HypertensionRiskFactor =
  | 'high_normal_bp'
  | 'overweight_or_obese'
  | 'abdominal_obesity'
  | 'family_history'
  | 'high_salt_diet'
  | 'heavy_drinking'
  | 'age_55_plus';

export interface HypertensionHighRiskInput {
  sbp?: number | null;
  dbp?: number | null;
  bmi?: number | null;
  waistCm?: number | null;
  sex: Sex;
  /** Hypertension in first- or second-degree relatives. */
  familyHistory: boolean;
  /** Long-term high-salt diet. */
  highSaltDiet: boolean;
  /** Long-term heavy drinking (>= 100 ml spirits a day), as judged by the clinician. */
  heavyDrinking?: boolean;
  /** Or the daily amount of spirits; >= 100 ml counts as heavy drinking. */
  spiritsMlPerDay?: number | null;
  ageYears: number;
}

export interface HypertensionHighRiskResult {
  highRisk: boolean;
  factors: HypertensionRiskFactor[];
  /** High-risk residents: BP at least every 6 months plus lifestyle advice; otherwise null. */
  bpCheckIntervalMonths: number | null;
  adviceZh: string | null;
  adviceEn: string | null;
}

/**
 * The six high-risk criteria (any one): BP 130–139 and/or 85–89 (and not >= 140/90, which is a screening
 * positive instead); BMI >= 24 or waist >= 90 cm (men) / >= 85 cm (women); family history; long-term high-salt
 * diet; long-term heavy drinking; age >= 55.
 */
export function hypertensionHighRisk(input: HypertensionHighRiskInput): HypertensionHighRiskResult {
  assertInRange('ageYears', input.ageYears, 'ageYears');
  assertOptionalInRange('sbp', input.sbp, 'sbp');
  assertOptionalInRange('dbp', input.dbp, 'dbp');
  assertOptionalInRange('bmi', input.bmi, 'bmi');
  assertOptionalInRange('waistCm', input.waistCm, 'waistCm');
  assertOptionalInRange('spiritsMlPerDay', input.spiritsMlPerDay, 'spiritsMlPerDay');
  if (input.sex !== 'male' && input.sex !== 'female') {
    throw new RuleInputError('sex', `must be 'male' or 'female'`);
  }
  const factors: HypertensionRiskFactor[] = [];
  const sbp = input.sbp ?? null;
  const dbp = input.dbp ?? null;
  const elevated = (sbp !== null && sbp >= BP_ELEVATED_SBP_MIN) || (dbp !== null && dbp >= BP_ELEVATED_DBP_MIN);
  const highNormal = (sbp !== null && sbp >= BP_HIGH_NORMAL_SBP_MIN) || (dbp !== null && dbp >= BP_HIGH_NORMAL_DBP_MIN);
  if (highNormal && !elevated) factors.push('high_normal_bp');
  if (input.bmi !== undefined && input.bmi !== null && input.bmi >= BMI_OVERWEIGHT_MIN) {
    factors.push('overweight_or_obese');
  }
  if (input.waistCm !== undefined && input.waistCm !== null) {
    const cut = input.sex === 'male' ? WAIST_ABDOMINAL_OBESITY_MALE_CM_MIN : WAIST_ABDOMINAL_OBESITY_FEMALE_CM_MIN;
    if (input.waistCm >= cut) factors.push('abdominal_obesity');
  }
  if (input.familyHistory) factors.push('family_history');
  if (input.highSaltDiet) factors.push('high_salt_diet');
  const ml = input.spiritsMlPerDay ?? null;
  if (input.heavyDrinking === true || (ml !== null && ml >= HEAVY_DRINKING_SPIRITS_ML_PER_DAY_MIN)) {
    factors.push('heavy_drinking');
  }
  if (input.ageYears >= HTN_HIGH_RISK_AGE_MIN) factors.push('age_55_plus');
  const highRisk = factors.length > 0;
  return {
    highRisk,
    factors,
    bpCheckIntervalMonths: highRisk ? HTN_HIGH_RISK_BP_CHECK_INTERVAL_MONTHS : null,
    adviceZh: highRisk
      ? `高血压高危人群：建议每${HTN_HIGH_RISK_BP_CHECK_INTERVAL_MONTHS}个月至少测量1次血压，并接受生活方式指导`
      : null,
    adviceEn: highRisk
      ? `High risk of hypertension: measure blood pressure at least every ${HTN_HIGH_RISK_BP_CHECK_INTERVAL_MONTHS} months and receive lifestyle advice`
      : null,
  };
}

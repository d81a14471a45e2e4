/**
 * Type 2 diabetes rules — 国家基本公共卫生服务规范（第三版）, 2型糖尿病患者健康管理服务规范;
 * the 65+ high-risk rule of seed 003. Pure functions; every cut-off comes from ../thresholds.ts.
 */
import {
  BMI_OBESE_MIN,
  BMI_OVERWEIGHT_MIN,
  BMI_UNDERWEIGHT_BELOW,
  DM_HIGH_RISK_EXERCISE_MIN_PER_WEEK,
  DM_HIGH_RISK_GLUCOSE_CHECK_INTERVAL_MONTHS,
  DM_HIGH_RISK_SODIUM_G_PER_DAY_BELOW,
  DM_TARGET_FBG,
  DM_URGENT_HEART_RATE_ABOVE,
  DM_URGENT_TEMPERATURE_C_ABOVE,
  ELDERLY_MIN_AGE,
  FBG_DIABETIC_MIN,
  FBG_IMPAIRED_MIN,
  FBG_PERSISTENT_HIGH_READINGS,
  URGENT_DBP_MIN,
  URGENT_GLUCOSE_HIGH_MIN,
  URGENT_GLUCOSE_LOW_MAX,
  URGENT_SBP_MIN,
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

// ---------------------------------------------------------------------------------------------------------
// Codes and categories
// ---------------------------------------------------------------------------------------------------------

/** True for ICD-10 E11 (type 2 diabetes) and its sub-codes. */
export function isManagedDiabetesCode(icd10: string): boolean {
  if (typeof icd10 !== 'string' || icd10.trim() === '') {
    throw new RuleInputError('icd10', 'must be a non-empty ICD-10 code');
  }
  return /^E11(?![0-9])/.test(icd10.trim().toUpperCase());
}

/** 'normal' FBG < 6.1; 'impaired' (空腹血糖受损) 6.1 <= FBG < 7.0; 'diabetic' FBG >= 7.0. */
export type GlucoseCategory = 'normal' | 'impaired' | 'diabetic';

export function glucoseCategory(fbg: number): GlucoseCategory {
  assertInRange('fbg', fbg, 'glucose');
  if (fbg >= FBG_DIABETIC_MIN) return 'diabetic';
  if (fbg >= FBG_IMPAIRED_MIN) return 'impaired';
  return 'normal';
}

/** Controlled when FBG < 7.0 (also the KPI 血糖控制率 definition). */
export function isFbgControlled(fbg: number): boolean {
  assertInRange('fbg', fbg, 'glucose');
  return fbg < DM_TARGET_FBG;
}

/** Chinese BMI categories: < 18.5 underweight; 18.5–23.9 normal; 24–27.9 overweight; >= 28 obese. */
export type BmiCategory = 'underweight' | 'normal' | 'overweight' | 'obese';

export function bmiCategory(bmi: number): BmiCategory {
  assertInRange('bmi', bmi, 'bmi');
  if (bmi >= BMI_OBESE_MIN) return 'obese';
  if (bmi >= BMI_OVERWEIGHT_MIN) return 'overweight';
  if (bmi < BMI_UNDERWEIGHT_BELOW) return 'underweight';
  return 'normal';
}

/** BMI = weight (kg) / height (m)², rounded to one decimal as recorded on the forms. */
export function computeBmi(weightKg: number, heightCm: number): number {
  if (!Number.isFinite(weightKg) || weightKg <= 0 || weightKg > 500) {
    throw new RuleInputError('weightKg', `must be a weight in kg, got ${weightKg}`);
  }
  if (!Number.isFinite(heightCm) || heightCm < 30 || heightCm > 272) {
    throw new RuleInputError('heightCm', `must be a height in cm, got ${heightCm}`);
  }
  const m = heightCm / 100;
  return Math.round((weightKg / (m * m)) * 10) / 10;
}

// ---------------------------------------------------------------------------------------------------------
// Visit classification
// ---------------------------------------------------------------------------------------------------------

/** Urgent signs at a diabetes visit (危急情况); measured criteria (glucose, BP, HR, temperature) are separate. */
export const DIABETES_URGENT_SYMPTOMS = [
  { code: 'altered_consciousness_or_behaviour', zh: '意识或行为改变', en: 'Altered consciousness or behaviour' },
  { code: 'acetone_breath', zh: '呼气有烂苹果样丙酮味', en: 'Fruity (acetone) breath' },
  { code: 'palpitations', zh: '心悸', en: 'Palpitations' },
  { code: 'sweating', zh: '出汗', en: 'Sweating' },
  { code: 'loss_of_appetite', zh: '食欲减退', en: 'Loss of appetite' },
  { code: 'nausea', zh: '恶心', en: 'Nausea' },
  { code: 'vomiting', zh: '呕吐', en: 'Vomiting' },
  { code: 'polydipsia', zh: '多饮', en: 'Excessive thirst (polydipsia)' },
  { code: 'polyuria', zh: '多尿', en: 'Excessive urination (polyuria)' },
  { code: 'abdominal_pain', zh: '腹痛', en: 'Abdominal pain' },
  { code: 'deep_fast_breathing', zh: '有深大呼吸', en: 'Deep, fast breathing' },
  { code: 'flushed_skin', zh: '皮肤潮红', en: 'Flushed skin' },
  { code: 'sudden_vision_loss', zh: '视力突然骤降', en: 'Sudden loss of vision' },
  {
    code: 'pregnant_or_lactating_with_raised_glucose',
    zh: '妊娠期及哺乳期血糖高于正常值',
    en: 'Pregnant or lactating with glucose above normal',
  },
  { code: 'other_unmanageable', zh: '存在不能处理的其他疾病', en: 'Another condition the visit cannot handle' },
] as const;

export type DiabetesUrgentSymptom = (typeof DIABETES_URGENT_SYMPTOMS)[number]['code'];
export const DIABETES_URGENT_SYMPTOM_CODES: readonly DiabetesUrgentSymptom[] = DIABETES_URGENT_SYMPTOMS.map(
  (s) => s.code,
);

export interface DiabetesVisitInput {
  visitDate: string;
  /** Fasting glucose at this visit (mmol/L); decides control. */
  fbg: number;
  /** Any other glucose measured at this visit (random / post-prandial, mmol/L); used for the urgent criteria. */
  randomGlucose?: number | null;
  sbp?: number | null;
  dbp?: number | null;
  heartRate?: number | null;
  temperatureC?: number | null;
  symptoms: readonly string[];
  adverseReaction: AdverseReaction;
  newOrWorseComplication: boolean;
  /** The previous face-to-face follow-up for diabetes; null when none. */
  previousVisit?: PreviousVisit | null;
}

export type DiabetesVisitResult = VisitClassification;

/**
 * Classifies one diabetes follow-up visit with the same ladder as hypertension (see VISIT_CLASSIFICATIONS).
 * Urgent: any glucose >= 16.7 or <= 3.9; SBP >= 180 and/or DBP >= 110; heart rate > 100; temperature > 39 °C;
 * or any urgent symptom. Controlled: FBG < 7.0.
 */
export function classifyDiabetesVisit(input: DiabetesVisitInput): DiabetesVisitResult {
  assertIsoDate('visitDate', input.visitDate);
  assertInRange('fbg', input.fbg, 'glucose');
  assertOptionalInRange('randomGlucose', input.randomGlucose, 'glucose');
  const sbp = input.sbp ?? null;
  const dbp = input.dbp ?? null;
  if (sbp !== null && dbp !== null) assertBloodPressure(sbp, dbp);
  else {
    assertOptionalInRange('sbp', sbp, 'sbp');
    assertOptionalInRange('dbp', dbp, 'dbp');
  }
  assertOptionalInRange('heartRate', input.heartRate, 'heartRate');
  assertOptionalInRange('temperatureC', input.temperatureC, 'temperatureC');
  assertCodes('symptoms', input.symptoms, DIABETES_URGENT_SYMPTOM_CODES);
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

  const reasons: string[] = [];
  const glucoses = [input.fbg, input.randomGlucose ?? null].filter((g): g is number => g !== null);
  if (glucoses.some((g) => g >= URGENT_GLUCOSE_HIGH_MIN)) reasons.push('urgent_glucose_ge_16_7');
  if (glucoses.some((g) => g <= URGENT_GLUCOSE_LOW_MAX)) reasons.push('urgent_glucose_le_3_9');
  if (sbp !== null && sbp >= URGENT_SBP_MIN) reasons.push('urgent_sbp_ge_180');
  if (dbp !== null && dbp >= URGENT_DBP_MIN) reasons.push('urgent_dbp_ge_110');
  if (input.heartRate !== undefined && input.heartRate !== null && input.heartRate > DM_URGENT_HEART_RATE_ABOVE) {
    reasons.push('urgent_heart_rate_gt_100');
  }
  if (
    input.temperatureC !== undefined &&
    input.temperatureC !== null &&
    input.temperatureC > DM_URGENT_TEMPERATURE_C_ABOVE
  ) {
    reasons.push('urgent_temperature_gt_39');
  }
  for (const s of new Set(input.symptoms)) reasons.push(`urgent_symptom:${s}`);
  const urgent = reasons.length > 0;

  const controlled = input.fbg < DM_TARGET_FBG;
  reasons.push(controlled ? 'fbg_controlled' : 'fbg_uncontrolled');
  if (!controlled) {
    if (!previous) reasons.push('no_previous_visit');
    else reasons.push(previous.controlled ? 'previous_visit_controlled' : 'previous_visit_uncontrolled');
  }
  if (input.adverseReaction === 'controllable') reasons.push('adverse_reaction_controllable');
  if (input.adverseReaction === 'uncontrollable') reasons.push('adverse_reaction_uncontrollable');
  if (input.newOrWorseComplication) reasons.push('new_or_worse_complication');

  return buildVisitResult(
    'diabetes',
    input.visitDate,
    {
      urgent,
      controlled,
      twoConsecutive: !controlled && previous !== null && !previous.controlled,
      adverseReaction: input.adverseReaction,
      complication: input.newOrWorseComplication,
    },
    reasons,
  );
}

// ---------------------------------------------------------------------------------------------------------
// Seed 003: diabetes high risk at 65+, green-channel reminder
// ---------------------------------------------------------------------------------------------------------

export interface DiabetesHighRisk65Input {
  ageYears: number;
  fbg: number;
  bmi: number;
  /** Has hypertension (diagnosed). */
  hypertension: boolean;
}

export interface DiabetesHighRisk65Result {
  highRisk: boolean;
  criteria: { age65Plus: boolean; impairedFastingGlucose: boolean; overweightOrObese: boolean; hypertension: boolean };
  /** Advice when high risk; empty otherwise. */
  adviceZh: string[];
  adviceEn: string[];
}

/**
 * Seed 003: a resident aged >= 65 with impaired fasting glucose (6.1 <= FBG < 7.0) AND overweight or obesity
 * (BMI >= 24) AND hypertension is "diabetes high risk"; advice: 150 min/week moderate exercise, sodium < 5 g/day,
 * glucose monthly. (FBG >= 7.0 is not IFG: see greenChannelReferralReminder.)
 */
export function diabetesHighRisk65(input: DiabetesHighRisk65Input): DiabetesHighRisk65Result {
  assertInRange('ageYears', input.ageYears, 'ageYears');
  assertInRange('fbg', input.fbg, 'glucose');
  assertInRange('bmi', input.bmi, 'bmi');
  if (typeof input.hypertension !== 'boolean') throw new RuleInputError('hypertension', 'must be true or false');
  const criteria = {
    age65Plus: input.ageYears >= ELDERLY_MIN_AGE,
    impairedFastingGlucose: input.fbg >= FBG_IMPAIRED_MIN && input.fbg < FBG_DIABETIC_MIN,
    overweightOrObese: input.bmi >= BMI_OVERWEIGHT_MIN,
    hypertension: input.hypertension,
  };
  const highRisk = Object.values(criteria).every(Boolean);
  return {
    highRisk,
    criteria,
    adviceZh: highRisk
      ? [
          `每周进行${DM_HIGH_RISK_EXERCISE_MIN_PER_WEEK}分钟中等强度运动（如快走）`,
          `每日钠摄入量<${DM_HIGH_RISK_SODIUM_G_PER_DAY_BELOW}g`,
          `每${DM_HIGH_RISK_GLUCOSE_CHECK_INTERVAL_MONTHS === 1 ? '' : DM_HIGH_RISK_GLUCOSE_CHECK_INTERVAL_MONTHS + '个'}月监测1次血糖`,
        ]
      : [],
    adviceEn: highRisk
      ? [
          `${DM_HIGH_RISK_EXERCISE_MIN_PER_WEEK} minutes of moderate-intensity exercise (e.g. brisk walking) a week`,
          `Sodium intake below ${DM_HIGH_RISK_SODIUM_G_PER_DAY_BELOW} g a day`,
          DM_HIGH_RISK_GLUCOSE_CHECK_INTERVAL_MONTHS === 1
            ? 'Check blood glucose once a month'
            : `Check blood glucose every ${DM_HIGH_RISK_GLUCOSE_CHECK_INTERVAL_MONTHS} months`,
        ]
      : [],
  };
}

export interface GlucoseReading {
  date: string;
  fbg: number;
}

/**
 * Seed 003: FBG persistently >= 7.0 → green-channel referral reminder to endocrinology. "Persistently" = the
 * latest FBG_PERSISTENT_HIGH_READINGS (2) days with a reading are all >= 7.0 (same-day readings: the day's mean).
 */
export function greenChannelReferralReminder(readings: readonly GlucoseReading[]): boolean {
  if (!Array.isArray(readings)) throw new RuleInputError('readings', 'must be an array');
  const byDay = new Map<string, { sum: number; n: number }>();
  readings.forEach((r, i) => {
    assertIsoDate(`readings[${i}].date`, r.date);
    assertInRange(`readings[${i}].fbg`, r.fbg, 'glucose');
    const acc = byDay.get(r.date) ?? { sum: 0, n: 0 };
    byDay.set(r.date, { sum: acc.sum + r.fbg, n: acc.n + 1 });
  });
  const latest = [...byDay.entries()].sort(([a], [b]) => compareDates(b, a)).slice(0, FBG_PERSISTENT_HIGH_READINGS);
  return latest.length === FBG_PERSISTENT_HIGH_READINGS && latest.every(([, v]) => v.sum / v.n >= FBG_DIABETIC_MIN);
}

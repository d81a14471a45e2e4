/**
 * Every numeric cut-off used by the chronic-disease and key-population rules.
 *
 * Source: 国家基本公共卫生服务规范（第三版） — 高血压患者健康管理服务规范, 2型糖尿病患者健康管理服务规范,
 * 老年人健康管理服务规范 (附: 老年人生活自理能力评估表), 0～6岁儿童健康管理服务规范, 孕产妇健康管理服务规范;
 * SPEC.md "Clinical rules"; seed 003 (65+ diabetes high-risk rule); seed 002 (three-colour idea; the
 * default cut-offs follow common provincial practice and are marked as such).
 *
 * Conventions: units mmHg, mmol/L, kg/m², cm, °C, %. A constant named *_MIN / *_AT is inclusive (value >= X),
 * a constant named *_ABOVE is exclusive (value > X), a TARGET is "strictly below" (value < X).
 * Values marked "platform default" are not fixed by the standard's text and may be tuned here (only here).
 */

// ---------------------------------------------------------------------------------------------------------
// Programme eligibility
// ---------------------------------------------------------------------------------------------------------
/** Hypertension and type 2 diabetes programmes serve residents aged >= 35. */
export const CHRONIC_PROGRAMME_MIN_AGE = 35;
/** 常住居民: living in the district for >= 6 months. */
export const USUAL_RESIDENT_MIN_MONTHS = 6;
/** Elderly programme (annual health check, self-care assessment), and the older-patient BP target: age >= 65. */
export const ELDERLY_MIN_AGE = 65;

// ---------------------------------------------------------------------------------------------------------
// Blood pressure (mmHg)
// ---------------------------------------------------------------------------------------------------------
/** Default target: controlled when SBP < 140 and DBP < 90. */
export const HTN_TARGET_SBP = 140;
export const HTN_TARGET_DBP = 90;
/** Patients aged >= HTN_ELDERLY_TARGET_AGE: controlled when SBP < 150 and DBP < 90. */
export const HTN_ELDERLY_TARGET_AGE = ELDERLY_MIN_AGE;
export const HTN_ELDERLY_TARGET_SBP = 150;
export const HTN_ELDERLY_TARGET_DBP = 90;
/** Screening: a reading with SBP >= 140 and/or DBP >= 90 is elevated. */
export const BP_ELEVATED_SBP_MIN = 140;
export const BP_ELEVATED_DBP_MIN = 90;
/** 血压高值 (high-normal, a high-risk factor): SBP 130–139 and/or DBP 85–89 (and not elevated). */
export const BP_HIGH_NORMAL_SBP_MIN = 130;
export const BP_HIGH_NORMAL_DBP_MIN = 85;
/** Elevated on this many different days (每次非同日) confirms the screening result → refer for diagnosis. */
export const HTN_CONFIRM_DISTINCT_DAYS = 3;
/** Urgent referral (hypertension and diabetes visits): SBP >= 180 and/or DBP >= 110. */
export const URGENT_SBP_MIN = 180;
export const URGENT_DBP_MIN = 110;

// ---------------------------------------------------------------------------------------------------------
// Hypertension high-risk population (六项高危因素)
// ---------------------------------------------------------------------------------------------------------
export const HTN_HIGH_RISK_AGE_MIN = 55;
/** 长期过量饮酒: spirits (白酒) >= 100 ml a day. */
export const HEAVY_DRINKING_SPIRITS_ML_PER_DAY_MIN = 100;
/** High-risk residents: measure BP at least every 6 months. */
export const HTN_HIGH_RISK_BP_CHECK_INTERVAL_MONTHS = 6;

// ---------------------------------------------------------------------------------------------------------
// Body size (Chinese cut-offs)
// ---------------------------------------------------------------------------------------------------------
export const BMI_UNDERWEIGHT_BELOW = 18.5;
/** Overweight: 24 <= BMI < 28. */
export const BMI_OVERWEIGHT_MIN = 24;
/** Obese: BMI >= 28. */
export const BMI_OBESE_MIN = 28;
/** Abdominal obesity: waist >= 90 cm (men), >= 85 cm (women). */
export const WAIST_ABDOMINAL_OBESITY_MALE_CM_MIN = 90;
export const WAIST_ABDOMINAL_OBESITY_FEMALE_CM_MIN = 85;

// ---------------------------------------------------------------------------------------------------------
// Glucose (mmol/L) and HbA1c (%)
// ---------------------------------------------------------------------------------------------------------
/** Impaired fasting glucose: 6.1 <= FBG < 7.0. */
export const FBG_IMPAIRED_MIN = 6.1;
/** Diabetic range / uncontrolled: FBG >= 7.0. Controlled: FBG < 7.0. */
export const FBG_DIABETIC_MIN = 7.0;
export const DM_TARGET_FBG = FBG_DIABETIC_MIN;
/** Urgent referral: any glucose >= 16.7 or <= 3.9. */
export const URGENT_GLUCOSE_HIGH_MIN = 16.7;
export const URGENT_GLUCOSE_LOW_MAX = 3.9;
/** Urgent referral (diabetes): persistent tachycardia, heart rate > 100/min (101 is urgent, 100 is not). */
export const DM_URGENT_HEART_RATE_ABOVE = 100;
/** Urgent referral (diabetes): temperature > 39 °C (39.1 is urgent, 39.0 is not). */
export const DM_URGENT_TEMPERATURE_C_ABOVE = 39;
/** Seed 003: FBG persistently >= 7.0 (this many most recent readings, on different days) → green-channel reminder. */
export const FBG_PERSISTENT_HIGH_READINGS = 2;
/** Seed 003 advice for 65+ diabetes high risk. */
export const DM_HIGH_RISK_EXERCISE_MIN_PER_WEEK = 150;
export const DM_HIGH_RISK_SODIUM_G_PER_DAY_BELOW = 5;
export const DM_HIGH_RISK_GLUCOSE_CHECK_INTERVAL_MONTHS = 1;

// ---------------------------------------------------------------------------------------------------------
// Follow-up intervals (hypertension and diabetes)
// ---------------------------------------------------------------------------------------------------------
/** Controlled, no adverse reaction, no new/worse complication → next visit in 3 months (4 visits a year). */
export const FOLLOW_UP_CONTROLLED_MONTHS = 3;
/** Adjust medication → next visit within 2 weeks; referral → active follow-up within 2 weeks. */
export const FOLLOW_UP_SHORT_DAYS = 14;
/** Enrolled patients: at least 4 face-to-face follow-ups a year. */
export const CHRONIC_FOLLOW_UPS_PER_YEAR = 4;

// ---------------------------------------------------------------------------------------------------------
// Three-colour stratification (default table V1 — common provincial practice; configurable)
// ---------------------------------------------------------------------------------------------------------
/** Hypertension red: SBP >= 160 or DBP >= 100 (yellow when uncontrolled below these). */
export const COLOUR_HTN_RED_SBP_MIN = 160;
export const COLOUR_HTN_RED_DBP_MIN = 100;
/** Hypertension yellow: >= 3 cardiovascular risk factors. */
export const COLOUR_HTN_YELLOW_RISK_FACTORS_MIN = 3;
/** Diabetes yellow: FBG 7.0–9.9; red: FBG >= 10.0. */
export const COLOUR_DM_YELLOW_FBG_MIN = FBG_DIABETIC_MIN;
export const COLOUR_DM_RED_FBG_MIN = 10.0;
/** Diabetes yellow: HbA1c 7.0–8.9 %; red: HbA1c >= 9.0 %. */
export const COLOUR_DM_YELLOW_HBA1C_MIN = 7.0;
export const COLOUR_DM_RED_HBA1C_MIN = 9.0;
/** Diabetes red: glucose <= 3.9 at a visit in the last 3 months. */
export const COLOUR_DM_LOW_GLUCOSE_MAX = URGENT_GLUCOSE_LOW_MAX;
/** "In the last 3 months" for recent urgent referrals / low glucose. */
export const COLOUR_RECENT_EVENT_MONTHS = 3;

// ---------------------------------------------------------------------------------------------------------
// Elderly self-care ability (老年人生活自理能力评估表)
// ---------------------------------------------------------------------------------------------------------
/** Allowed scores per item, in the form's column order: 可自理, 轻度依赖, 中度依赖, 不能自理. */
export const SELF_CARE_ITEM_SCORES = {
  eating: [0, 0, 3, 5],
  grooming: [0, 1, 3, 7],
  dressing: [0, 0, 3, 5],
  toileting: [0, 1, 5, 10],
  moving: [0, 1, 5, 10],
} as const;
export const SELF_CARE_TOTAL_MAX = 37;
/** Bands: 0–3 independent, 4–8 mild, 9–18 moderate, >= 19 unable to care for self. */
export const SELF_CARE_INDEPENDENT_MAX = 3;
export const SELF_CARE_MILD_MAX = 8;
export const SELF_CARE_MODERATE_MAX = 18;

// ---------------------------------------------------------------------------------------------------------
// Schedules
// ---------------------------------------------------------------------------------------------------------
/** Newborn home visit within 7 days of discharge (of birth when there was no hospital stay). */
export const NEWBORN_HOME_VISIT_WITHIN_DAYS = 7;
/** 新生儿满月健康管理: 28–30 days after birth. */
export const NEONATAL_CHECK_FROM_DAY = 28;
export const NEONATAL_CHECK_TO_DAY = 30;
/** Infant and toddler checks (months of age). */
export const CHILD_CHECK_AGES_MONTHS = [3, 6, 8, 12, 18, 24, 30, 36] as const;
/** Platform default: a month-age check is on time within 1 month of the age (e.g. 3 months → before 4 months). */
export const CHILD_CHECK_WINDOW_MONTHS = 1;
/** Preschool checks: once a year at 4, 5 and 6 years, on time during that year of age. */
export const CHILD_CHECK_AGES_YEARS = [4, 5, 6] as const;
/** Antenatal: registration and first exam before 13 weeks (i.e. by 12 weeks + 6 days). */
export const ANTENATAL_REGISTRATION_BEFORE_WEEK = 13;
/** Antenatal visits, inclusive gestational weeks [from, to] (to = through week `to` + 6 days). */
export const ANTENATAL_VISIT_WEEKS = [
  [16, 20],
  [21, 24],
  [28, 36],
  [37, 40],
] as const;
/** Expected date of delivery: LMP + 280 days (Naegele). */
export const PREGNANCY_TERM_DAYS = 280;
/** Postpartum home visit within 7 days (1 week) of discharge. */
export const POSTPARTUM_HOME_VISIT_WITHIN_DAYS = 7;
/** Postpartum check at 42 days after delivery. */
export const POSTPARTUM_CHECK_DAY = 42;
/** Platform default: the 42-day check is on time up to 56 days after delivery. */
export const POSTPARTUM_CHECK_WINDOW_END_DAY = 56;

// ---------------------------------------------------------------------------------------------------------
// Plausibility limits for inputs (out-of-range input is rejected as a data-entry error, not classified)
// ---------------------------------------------------------------------------------------------------------
export const INPUT_LIMITS = {
  sbp: { min: 40, max: 300 },
  dbp: { min: 20, max: 200 },
  heartRate: { min: 20, max: 300 },
  temperatureC: { min: 25, max: 45 },
  glucose: { min: 0.5, max: 60 },
  hba1c: { min: 2, max: 25 },
  bmi: { min: 8, max: 90 },
  waistCm: { min: 30, max: 250 },
  ageYears: { min: 0, max: 130 },
  spiritsMlPerDay: { min: 0, max: 5000 },
} as const;

import { describe, it, expect } from 'vitest';
import {
  DIABETES_URGENT_SYMPTOM_CODES,
  bmiCategory,
  classifyDiabetesVisit,
  computeBmi,
  diabetesHighRisk65,
  glucoseCategory,
  greenChannelReferralReminder,
  isFbgControlled,
  isManagedDiabetesCode,
  type DiabetesVisitInput,
} from './diabetes.js';
import { classifyHypertensionVisit } from './hypertension.js';
import { RuleInputError } from './errors.js';

const VISIT = '2025-03-10';
const PLUS_3_MONTHS = '2025-06-10';
const PLUS_14_DAYS = '2025-03-24';

function visit(overrides: Partial<DiabetesVisitInput> = {}): DiabetesVisitInput {
  return {
    visitDate: VISIT,
    fbg: 6.0,
    sbp: 130,
    dbp: 80,
    heartRate: 80,
    temperatureC: 36.6,
    symptoms: [],
    adverseReaction: 'none',
    newOrWorseComplication: false,
    previousVisit: null,
    ...overrides,
  };
}
const prevControlled = { visitDate: '2024-12-10', controlled: true };
const prevUncontrolled = { visitDate: '2025-02-24', controlled: false };

describe('glucose and BMI categories', () => {
  it.each([
    [3.9, 'normal', true],
    [4.0, 'normal', true],
    [6.0, 'normal', true],
    [6.1, 'impaired', true],
    [6.9, 'impaired', true],
    [7.0, 'diabetic', false],
    [9.9, 'diabetic', false],
    [16.7, 'diabetic', false],
  ] as const)('FBG %d → %s, controlled %s', (fbg, category, controlled) => {
    expect(glucoseCategory(fbg)).toBe(category);
    expect(isFbgControlled(fbg)).toBe(controlled);
  });

  it.each([
    [18.4, 'underweight'],
    [18.5, 'normal'],
    [23.9, 'normal'],
    [24, 'overweight'],
    [27.9, 'overweight'],
    [28, 'obese'],
    [35, 'obese'],
  ] as const)('BMI %d → %s', (bmi, category) => {
    expect(bmiCategory(bmi)).toBe(category);
  });

  it.each([
    [70, 170, 24.2],
    [60, 170, 20.8],
    [81, 170, 28],
  ])('BMI of %d kg at %d cm = %d', (kg, cm, bmi) => {
    expect(computeBmi(kg, cm)).toBe(bmi);
  });

  it.each([
    ['E11', true],
    ['e11.900', true],
    ['E11.2', true],
    ['E10', false],
    ['E110', false],
    ['E14', false],
    ['I10', false],
  ] as const)('%s managed as type 2 diabetes: %s', (code, expected) => {
    expect(isManagedDiabetesCode(code)).toBe(expected);
  });

  it('rejects an implausible FBG', () => {
    expect(() => glucoseCategory(-1)).toThrow(RuleInputError);
  });
});

describe('classifyDiabetesVisit — decision table', () => {
  it.each([
    // control boundary FBG 7.0
    ['FBG 6.9 controlled', { fbg: 6.9 }, 'controlled', 'continue', true, PLUS_3_MONTHS],
    ['FBG 7.0 first uncontrolled', { fbg: 7.0 }, 'first_uncontrolled', 'adjust_medication', false, PLUS_14_DAYS],
    ['FBG 6.0 / 6.1 are both controlled', { fbg: 6.1 }, 'controlled', 'continue', true, PLUS_3_MONTHS],
    // urgent glucose
    ['FBG 3.9 urgent', { fbg: 3.9 }, 'urgent', 'urgent_refer', true, PLUS_14_DAYS],
    ['FBG 4.0 not urgent', { fbg: 4.0 }, 'controlled', 'continue', true, PLUS_3_MONTHS],
    ['FBG 16.6 not urgent', { fbg: 16.6 }, 'first_uncontrolled', 'adjust_medication', false, PLUS_14_DAYS],
    ['FBG 16.7 urgent', { fbg: 16.7 }, 'urgent', 'urgent_refer', false, PLUS_14_DAYS],
    ['random glucose 16.6 not urgent', { randomGlucose: 16.6 }, 'controlled', 'continue', true, PLUS_3_MONTHS],
    ['random glucose 16.7 urgent', { randomGlucose: 16.7 }, 'urgent', 'urgent_refer', true, PLUS_14_DAYS],
    ['random glucose 3.9 urgent', { randomGlucose: 3.9 }, 'urgent', 'urgent_refer', true, PLUS_14_DAYS],
    ['random glucose 4.0 not urgent', { randomGlucose: 4.0 }, 'controlled', 'continue', true, PLUS_3_MONTHS],
    // urgent BP
    ['BP 179/109 not urgent', { sbp: 179, dbp: 109 }, 'controlled', 'continue', true, PLUS_3_MONTHS],
    ['BP 180/90 urgent', { sbp: 180, dbp: 90 }, 'urgent', 'urgent_refer', true, PLUS_14_DAYS],
    ['BP 150/110 urgent', { sbp: 150, dbp: 110 }, 'urgent', 'urgent_refer', true, PLUS_14_DAYS],
    ['BP not measured', { sbp: null, dbp: null }, 'controlled', 'continue', true, PLUS_3_MONTHS],
    // heart rate, strictly > 100
    ['HR 100 not urgent', { heartRate: 100 }, 'controlled', 'continue', true, PLUS_3_MONTHS],
    ['HR 101 urgent', { heartRate: 101 }, 'urgent', 'urgent_refer', true, PLUS_14_DAYS],
    // temperature, strictly > 39
    ['temperature 39.0 not urgent', { temperatureC: 39.0 }, 'controlled', 'continue', true, PLUS_3_MONTHS],
    ['temperature 39.1 urgent', { temperatureC: 39.1 }, 'urgent', 'urgent_refer', true, PLUS_14_DAYS],
    [
      'HR/temperature not measured',
      { heartRate: null, temperatureC: undefined },
      'controlled',
      'continue',
      true,
      PLUS_3_MONTHS,
    ],
    // consecutive visits
    [
      'no previous + FBG 8',
      { fbg: 8, previousVisit: null },
      'first_uncontrolled',
      'adjust_medication',
      false,
      PLUS_14_DAYS,
    ],
    [
      'previous controlled + FBG 8',
      { fbg: 8, previousVisit: prevControlled },
      'first_uncontrolled',
      'adjust_medication',
      false,
      PLUS_14_DAYS,
    ],
    [
      'previous uncontrolled + FBG 7.0',
      { fbg: 7.0, previousVisit: prevUncontrolled },
      'two_consecutive_uncontrolled',
      'refer',
      false,
      PLUS_14_DAYS,
    ],
    [
      'previous uncontrolled + FBG 6.9',
      { fbg: 6.9, previousVisit: prevUncontrolled },
      'controlled',
      'continue',
      true,
      PLUS_3_MONTHS,
    ],
    [
      'previous uncontrolled + urgent FBG 17',
      { fbg: 17, previousVisit: prevUncontrolled },
      'urgent',
      'urgent_refer',
      false,
      PLUS_14_DAYS,
    ],
    // adverse reactions
    [
      'controllable AR, controlled',
      { adverseReaction: 'controllable' },
      'adverse_reaction',
      'adjust_medication',
      true,
      PLUS_14_DAYS,
    ],
    [
      'controllable AR, first uncontrolled',
      { fbg: 8, adverseReaction: 'controllable' },
      'first_uncontrolled',
      'adjust_medication',
      false,
      PLUS_14_DAYS,
    ],
    [
      'uncontrollable AR, controlled',
      { adverseReaction: 'uncontrollable' },
      'adverse_reaction_uncontrollable',
      'refer',
      true,
      PLUS_14_DAYS,
    ],
    // complications (e.g. a foot ulcer)
    ['new complication, controlled', { newOrWorseComplication: true }, 'complication', 'refer', true, PLUS_14_DAYS],
    [
      'new complication + FBG 8',
      { fbg: 8, newOrWorseComplication: true },
      'complication',
      'refer',
      false,
      PLUS_14_DAYS,
    ],
    [
      'new complication + HR 120',
      { heartRate: 120, newOrWorseComplication: true },
      'urgent',
      'urgent_refer',
      true,
      PLUS_14_DAYS,
    ],
  ] as const)('%s', (_name, overrides, classification, action, controlled, nextDueDate) => {
    const r = classifyDiabetesVisit(visit(overrides as Partial<DiabetesVisitInput>));
    expect(r.classification).toBe(classification);
    expect(r.action).toBe(action);
    expect(r.controlled).toBe(controlled);
    expect(r.nextDueDate).toBe(nextDueDate);
    expect(r.referralSuggested).toBe(action === 'refer' || action === 'urgent_refer');
    expect(r.urgentReferral).toBe(action === 'urgent_refer');
  });

  it.each([
    [100, false, false],
    [101, true, false],
    [130, true, false],
  ])('heart rate %i: urgent for diabetes %s, for hypertension %s', (heartRate, dmUrgent, htnUrgent) => {
    expect(classifyDiabetesVisit(visit({ heartRate })).urgentReferral).toBe(dmUrgent);
    const htn = classifyHypertensionVisit({
      visitDate: VISIT,
      ageYears: 50,
      sbp: 130,
      dbp: 80,
      heartRate,
      symptoms: [],
      adverseReaction: 'none',
      newOrWorseComplication: false,
    });
    expect(htn.urgentReferral).toBe(htnUrgent);
  });

  it.each(DIABETES_URGENT_SYMPTOM_CODES.map((c) => [c]))('urgent symptom %s → urgent referral', (code) => {
    const r = classifyDiabetesVisit(visit({ symptoms: [code] }));
    expect(r.classification).toBe('urgent');
    expect(r.reasons).toContain(`urgent_symptom:${code}`);
  });

  it('covers every urgent sign named by the standard', () => {
    expect(DIABETES_URGENT_SYMPTOM_CODES).toHaveLength(15);
  });

  it.each([
    [
      { fbg: 3.5, heartRate: 110, temperatureC: 39.5 },
      ['urgent_glucose_le_3_9', 'urgent_heart_rate_gt_100', 'urgent_temperature_gt_39', 'fbg_controlled'],
    ],
    [
      { fbg: 18, sbp: 185, dbp: 112 },
      ['urgent_glucose_ge_16_7', 'urgent_sbp_ge_180', 'urgent_dbp_ge_110', 'fbg_uncontrolled', 'no_previous_visit'],
    ],
    [
      { fbg: 8, previousVisit: prevUncontrolled, adverseReaction: 'uncontrollable' },
      ['fbg_uncontrolled', 'previous_visit_uncontrolled', 'adverse_reaction_uncontrollable'],
    ],
  ] as const)('reasons for %j', (overrides, reasons) => {
    expect(classifyDiabetesVisit(visit(overrides as Partial<DiabetesVisitInput>)).reasons).toEqual(reasons);
  });

  it.each([
    ['controlled', {}, '血糖控制满意，继续治疗，3个月后随访'],
    ['first_uncontrolled', { fbg: 8 }, '首次血糖控制不满意，调整用药，2周内随访'],
    [
      'two_consecutive_uncontrolled',
      { fbg: 8, previousVisit: prevUncontrolled },
      '连续两次血糖控制不满意，建议转诊上级医院，2周内主动随访转诊情况',
    ],
  ] as const)('message for %s', (_code, overrides, zh) => {
    expect(classifyDiabetesVisit(visit(overrides as Partial<DiabetesVisitInput>)).messageZh).toBe(zh);
  });

  it.each([
    ['fbg', { fbg: Number.NaN }],
    ['randomGlucose', { randomGlucose: 0 }],
    ['temperatureC', { temperatureC: 50 }],
    ['dbp', { sbp: 90, dbp: 95 }],
    ['symptoms[0]', { symptoms: ['eye_pain'] }],
    ['visitDate', { visitDate: '10/03/2025' }],
    ['previousVisit.visitDate', { previousVisit: { visitDate: '2025-04-01', controlled: true } }],
    ['newOrWorseComplication', { newOrWorseComplication: 'yes' }],
  ])('rejects bad %s', (field, overrides) => {
    expect(() => classifyDiabetesVisit(visit(overrides as unknown as Partial<DiabetesVisitInput>))).toThrow(
      expect.objectContaining({ name: 'RuleInputError', field }) as Error,
    );
  });
});

describe('diabetesHighRisk65 (seed 003)', () => {
  const base = { ageYears: 65, fbg: 6.5, bmi: 25, hypertension: true };
  it.each([
    ['all four criteria', {}, true],
    ['age 64', { ageYears: 64 }, false],
    ['age 65', { ageYears: 65 }, true],
    ['FBG 6.0 (normal)', { fbg: 6.0 }, false],
    ['FBG 6.1 (IFG)', { fbg: 6.1 }, true],
    ['FBG 6.9 (IFG)', { fbg: 6.9 }, true],
    ['FBG 7.0 (diabetic range, not IFG)', { fbg: 7.0 }, false],
    ['BMI 23.9', { bmi: 23.9 }, false],
    ['BMI 24', { bmi: 24 }, true],
    ['BMI 28 (obese)', { bmi: 28 }, true],
    ['no hypertension', { hypertension: false }, false],
  ])('%s → high risk %s', (_name, overrides, expected) => {
    const r = diabetesHighRisk65({ ...base, ...overrides });
    expect(r.highRisk).toBe(expected);
    expect(r.adviceZh.length > 0).toBe(expected);
  });

  it('explains which criteria were met and gives the advice', () => {
    const r = diabetesHighRisk65(base);
    expect(r.criteria).toEqual({
      age65Plus: true,
      impairedFastingGlucose: true,
      overweightOrObese: true,
      hypertension: true,
    });
    expect(r.adviceZh).toEqual(['每周进行150分钟中等强度运动（如快走）', '每日钠摄入量<5g', '每月监测1次血糖']);
    expect(r.adviceEn).toEqual([
      '150 minutes of moderate-intensity exercise (e.g. brisk walking) a week',
      'Sodium intake below 5 g a day',
      'Check blood glucose once a month',
    ]);
    expect(diabetesHighRisk65({ ...base, bmi: 22 }).criteria.overweightOrObese).toBe(false);
  });

  it.each([
    ['no readings', [], false],
    ['one reading 8.0', [{ date: '2025-01-01', fbg: 8.0 }], false],
    [
      'two days 7.0 and 7.2',
      [
        { date: '2025-01-01', fbg: 7.0 },
        { date: '2025-02-01', fbg: 7.2 },
      ],
      true,
    ],
    [
      'older 6.9, latest 7.5',
      [
        { date: '2025-01-01', fbg: 6.9 },
        { date: '2025-02-01', fbg: 7.5 },
      ],
      false,
    ],
    [
      'older 8.0, latest 6.9',
      [
        { date: '2025-01-01', fbg: 8.0 },
        { date: '2025-02-01', fbg: 6.9 },
      ],
      false,
    ],
    [
      'two readings on one day',
      [
        { date: '2025-02-01', fbg: 7.5 },
        { date: '2025-02-01', fbg: 8.0 },
      ],
      false,
    ],
    [
      'latest two of four, unordered',
      [
        { date: '2025-03-01', fbg: 7.3 },
        { date: '2025-01-01', fbg: 8.0 },
        { date: '2025-02-15', fbg: 7.1 },
        { date: '2025-02-01', fbg: 6.5 },
      ],
      true,
    ],
  ])('green-channel reminder: %s → %s', (_name, readings, expected) => {
    expect(greenChannelReferralReminder(readings)).toBe(expected);
  });
});

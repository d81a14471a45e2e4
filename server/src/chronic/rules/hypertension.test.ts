import { describe, it, expect } from 'vitest';
import {
  HYPERTENSION_URGENT_SYMPTOM_CODES,
  bpTargetFor,
  classifyHypertensionVisit,
  confirmHypertension,
  eligibleForChronicProgramme,
  hypertensionCodeDisposition,
  hypertensionHighRisk,
  isBpControlled,
  isBpControlledForKpi,
  isManagedHypertensionCode,
  isUsualResident,
  screenBloodPressure,
  type BpReading,
  type HypertensionHighRiskInput,
  type HypertensionVisitInput,
} from './hypertension.js';
import { RuleInputError } from './errors.js';

const VISIT = '2025-03-10';
const PLUS_3_MONTHS = '2025-06-10';
const PLUS_14_DAYS = '2025-03-24';

function visit(overrides: Partial<HypertensionVisitInput> = {}): HypertensionVisitInput {
  return {
    visitDate: VISIT,
    ageYears: 50,
    sbp: 128,
    dbp: 78,
    symptoms: [],
    adverseReaction: 'none',
    newOrWorseComplication: false,
    previousVisit: null,
    ...overrides,
  };
}
const prevControlled = { visitDate: '2024-12-10', controlled: true };
const prevUncontrolled = { visitDate: '2025-02-24', controlled: false };

describe('programme eligibility and ICD-10 codes', () => {
  it.each([
    [34, false],
    [34.99, false],
    [35, true],
    [36, true],
    [90, true],
  ])('age %d → eligible %s', (age, expected) => {
    expect(eligibleForChronicProgramme(age)).toBe(expected);
  });

  it.each([
    [5.9, false],
    [6, true],
    [24, true],
  ])('resident %d months → usual resident %s', (months, expected) => {
    expect(isUsualResident(months)).toBe(expected);
  });

  it.each([
    ['I10', true, 'manage'],
    ['I10.x00', true, 'manage'],
    [' i11.9 ', true, 'manage'],
    ['I12.0', true, 'manage'],
    ['I13', true, 'manage'],
    ['I15', false, 'refer_secondary'],
    ['I15.0', false, 'refer_secondary'],
    ['I14', false, 'not_hypertension'],
    ['I20.0', false, 'not_hypertension'],
    ['I100', false, 'not_hypertension'],
    ['E11.9', false, 'not_hypertension'],
  ] as const)('%j → managed %s (%s)', (code, managed, disposition) => {
    expect(isManagedHypertensionCode(code)).toBe(managed);
    expect(hypertensionCodeDisposition(code)).toBe(disposition);
  });

  it('rejects an empty code', () => {
    expect(() => isManagedHypertensionCode(' ')).toThrow(RuleInputError);
  });
});

describe('bpTargetFor', () => {
  it.each([
    [35, undefined, { sbp: 140, dbp: 90 }],
    [64, undefined, { sbp: 140, dbp: 90 }],
    [65, undefined, { sbp: 150, dbp: 90 }],
    [80, undefined, { sbp: 150, dbp: 90 }],
    [50, { sbp: 130, dbp: 80 }, { sbp: 130, dbp: 80 }],
    [70, { sbp: 140, dbp: 90 }, { sbp: 140, dbp: 90 }],
    [70, { sbp: 150, dbp: 90 }, { sbp: 150, dbp: 90 }],
  ])('age %d, custom %j → %j', (ageYears, customTarget, expected) => {
    expect(bpTargetFor({ ageYears, customTarget })).toEqual(expected);
  });

  it.each([
    [50, { sbp: 150, dbp: 90 }],
    [50, { sbp: 135, dbp: 95 }],
    [70, { sbp: 155, dbp: 85 }],
    [50, { sbp: 80, dbp: 90 }],
  ])('age %d rejects a custom target laxer than the standard or impossible: %j', (ageYears, customTarget) => {
    expect(() => bpTargetFor({ ageYears, customTarget })).toThrow(RuleInputError);
  });
});

describe('isBpControlled — strictly below target', () => {
  const standard = { sbp: 140, dbp: 90 };
  const elderly = { sbp: 150, dbp: 90 };
  it.each([
    [standard, 139, 89, true],
    [standard, 140, 89, false],
    [standard, 139, 90, false],
    [standard, 140, 90, false],
    [standard, 120, 70, true],
    [elderly, 149, 89, true],
    [elderly, 150, 89, false],
    [elderly, 149, 90, false],
    [elderly, 150, 90, false],
    [elderly, 145, 85, true],
  ])('target %j: %i/%i → %s', (target, sbp, dbp, expected) => {
    expect(isBpControlled(sbp, dbp, target)).toBe(expected);
  });

  it.each([
    [64, 145, 85, false],
    [65, 145, 85, true],
    [65, 150, 85, false],
  ])('KPI control (standard targets) age %i, %i/%i → %s', (ageYears, sbp, dbp, expected) => {
    expect(isBpControlledForKpi({ ageYears, sbp, dbp })).toBe(expected);
  });
});

describe('classifyHypertensionVisit — decision table', () => {
  it.each([
    // control boundaries (< 65)
    ['139/89 controlled', { sbp: 139, dbp: 89 }, 'controlled', 'continue', true, PLUS_3_MONTHS],
    [
      '140/89 first uncontrolled',
      { sbp: 140, dbp: 89 },
      'first_uncontrolled',
      'adjust_medication',
      false,
      PLUS_14_DAYS,
    ],
    [
      '139/90 first uncontrolled',
      { sbp: 139, dbp: 90 },
      'first_uncontrolled',
      'adjust_medication',
      false,
      PLUS_14_DAYS,
    ],
    [
      '140/90 first uncontrolled',
      { sbp: 140, dbp: 90 },
      'first_uncontrolled',
      'adjust_medication',
      false,
      PLUS_14_DAYS,
    ],
    // elderly target
    ['age 65, 149/89 controlled', { ageYears: 65, sbp: 149, dbp: 89 }, 'controlled', 'continue', true, PLUS_3_MONTHS],
    [
      'age 65, 150/89 uncontrolled',
      { ageYears: 65, sbp: 150, dbp: 89 },
      'first_uncontrolled',
      'adjust_medication',
      false,
      PLUS_14_DAYS,
    ],
    [
      'age 65, 149/90 uncontrolled',
      { ageYears: 65, sbp: 149, dbp: 90 },
      'first_uncontrolled',
      'adjust_medication',
      false,
      PLUS_14_DAYS,
    ],
    [
      'age 65, 150/90 uncontrolled',
      { ageYears: 65, sbp: 150, dbp: 90 },
      'first_uncontrolled',
      'adjust_medication',
      false,
      PLUS_14_DAYS,
    ],
    [
      'age 64, 145/85 uncontrolled',
      { ageYears: 64, sbp: 145, dbp: 85 },
      'first_uncontrolled',
      'adjust_medication',
      false,
      PLUS_14_DAYS,
    ],
    ['age 65, 145/85 controlled', { ageYears: 65, sbp: 145, dbp: 85 }, 'controlled', 'continue', true, PLUS_3_MONTHS],
    // doctor-set lower target
    [
      'custom 130/80: 135/78 uncontrolled',
      { sbp: 135, dbp: 78, customTarget: { sbp: 130, dbp: 80 } },
      'first_uncontrolled',
      'adjust_medication',
      false,
      PLUS_14_DAYS,
    ],
    [
      'custom 130/80: 129/79 controlled',
      { sbp: 129, dbp: 79, customTarget: { sbp: 130, dbp: 80 } },
      'controlled',
      'continue',
      true,
      PLUS_3_MONTHS,
    ],
    [
      'age 70 custom 140/90: 145/85 uncontrolled',
      { ageYears: 70, sbp: 145, dbp: 85, customTarget: { sbp: 140, dbp: 90 } },
      'first_uncontrolled',
      'adjust_medication',
      false,
      PLUS_14_DAYS,
    ],
    // urgent BP
    ['179/109 not urgent', { sbp: 179, dbp: 109 }, 'first_uncontrolled', 'adjust_medication', false, PLUS_14_DAYS],
    ['180/100 urgent', { sbp: 180, dbp: 100 }, 'urgent', 'urgent_refer', false, PLUS_14_DAYS],
    ['170/110 urgent', { sbp: 170, dbp: 110 }, 'urgent', 'urgent_refer', false, PLUS_14_DAYS],
    ['180/110 urgent', { sbp: 180, dbp: 110 }, 'urgent', 'urgent_refer', false, PLUS_14_DAYS],
    // heart rate is not an urgent criterion for hypertension
    ['HR 101 not urgent', { heartRate: 101 }, 'controlled', 'continue', true, PLUS_3_MONTHS],
    ['HR 150 not urgent', { heartRate: 150 }, 'controlled', 'continue', true, PLUS_3_MONTHS],
    // consecutive-visit logic
    [
      'no previous + uncontrolled',
      { sbp: 150, dbp: 85, previousVisit: null },
      'first_uncontrolled',
      'adjust_medication',
      false,
      PLUS_14_DAYS,
    ],
    [
      'previous controlled + uncontrolled',
      { sbp: 150, dbp: 85, previousVisit: prevControlled },
      'first_uncontrolled',
      'adjust_medication',
      false,
      PLUS_14_DAYS,
    ],
    [
      'previous uncontrolled + uncontrolled',
      { sbp: 150, dbp: 85, previousVisit: prevUncontrolled },
      'two_consecutive_uncontrolled',
      'refer',
      false,
      PLUS_14_DAYS,
    ],
    [
      'previous uncontrolled + controlled',
      { sbp: 135, dbp: 85, previousVisit: prevUncontrolled },
      'controlled',
      'continue',
      true,
      PLUS_3_MONTHS,
    ],
    [
      'previous uncontrolled + urgent',
      { sbp: 185, dbp: 100, previousVisit: prevUncontrolled },
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
      { sbp: 145, adverseReaction: 'controllable' },
      'first_uncontrolled',
      'adjust_medication',
      false,
      PLUS_14_DAYS,
    ],
    [
      'controllable AR, 2nd uncontrolled',
      { sbp: 145, adverseReaction: 'controllable', previousVisit: prevUncontrolled },
      'two_consecutive_uncontrolled',
      'refer',
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
    [
      'uncontrollable AR, first uncontrolled',
      { sbp: 145, adverseReaction: 'uncontrollable' },
      'adverse_reaction_uncontrollable',
      'refer',
      false,
      PLUS_14_DAYS,
    ],
    // complications
    [
      'new/worse complication, controlled',
      { newOrWorseComplication: true },
      'complication',
      'refer',
      true,
      PLUS_14_DAYS,
    ],
    [
      'complication + first uncontrolled',
      { sbp: 145, newOrWorseComplication: true },
      'complication',
      'refer',
      false,
      PLUS_14_DAYS,
    ],
    [
      'complication + urgent BP',
      { sbp: 190, dbp: 100, newOrWorseComplication: true },
      'urgent',
      'urgent_refer',
      false,
      PLUS_14_DAYS,
    ],
  ] as const)('%s', (_name, overrides, classification, action, controlled, nextDueDate) => {
    const r = classifyHypertensionVisit(visit(overrides as Partial<HypertensionVisitInput>));
    expect(r.classification).toBe(classification);
    expect(r.action).toBe(action);
    expect(r.controlled).toBe(controlled);
    expect(r.nextDueDate).toBe(nextDueDate);
    expect(r.referralSuggested).toBe(action === 'refer' || action === 'urgent_refer');
    expect(r.urgentReferral).toBe(action === 'urgent_refer');
  });

  it.each(HYPERTENSION_URGENT_SYMPTOM_CODES.map((c) => [c]))(
    'urgent symptom %s with normal BP → urgent referral',
    (code) => {
      const r = classifyHypertensionVisit(visit({ symptoms: [code] }));
      expect(r.classification).toBe('urgent');
      expect(r.urgentReferral).toBe(true);
      expect(r.controlled).toBe(true);
      expect(r.reasons).toContain(`urgent_symptom:${code}`);
      expect(r.nextDueDate).toBe(PLUS_14_DAYS);
    },
  );

  it.each([
    [{ sbp: 181, dbp: 111 }, ['urgent_sbp_ge_180', 'urgent_dbp_ge_110', 'bp_uncontrolled', 'no_previous_visit']],
    [{ sbp: 150, dbp: 85, previousVisit: prevUncontrolled }, ['bp_uncontrolled', 'previous_visit_uncontrolled']],
    [{ sbp: 150, dbp: 85, previousVisit: prevControlled }, ['bp_uncontrolled', 'previous_visit_controlled']],
    [
      { adverseReaction: 'controllable', newOrWorseComplication: true },
      ['bp_controlled', 'adverse_reaction_controllable', 'new_or_worse_complication'],
    ],
    [{ symptoms: ['eye_pain', 'eye_pain'] }, ['urgent_symptom:eye_pain', 'bp_controlled']],
  ] as const)('reasons for %j', (overrides, reasons) => {
    expect(classifyHypertensionVisit(visit(overrides as Partial<HypertensionVisitInput>)).reasons).toEqual(reasons);
  });

  it.each([
    [{}, 'satisfactory'],
    [{ sbp: 145 }, 'unsatisfactory'],
    [{ adverseReaction: 'controllable' }, 'adverse_reaction'],
    [{ sbp: 145, adverseReaction: 'uncontrollable' }, 'adverse_reaction'],
    [{ sbp: 145, adverseReaction: 'controllable', newOrWorseComplication: true }, 'complication'],
  ] as const)('national form category for %j → %s', (overrides, category) => {
    expect(classifyHypertensionVisit(visit(overrides as Partial<HypertensionVisitInput>)).formCategory).toBe(category);
  });

  it.each([
    ['2024-11-30', 'controlled', '2025-02-28'],
    ['2023-11-30', 'controlled', '2024-02-29'],
    ['2025-05-31', 'controlled', '2025-08-31'],
    ['2025-12-25', 'uncontrolled', '2026-01-08'],
    ['2025-02-20', 'uncontrolled', '2025-03-06'],
  ] as const)('visit on %s, %s → next due %s', (visitDate, state, expected) => {
    const r = classifyHypertensionVisit(visit({ visitDate, sbp: state === 'controlled' ? 130 : 150 }));
    expect(r.nextDueDate).toBe(expected);
  });

  it.each([
    [
      'controlled',
      {},
      '血压控制满意，继续治疗，3个月后随访',
      'Blood pressure controlled: continue treatment, next visit in 3 months',
    ],
    [
      'first_uncontrolled',
      { sbp: 145 },
      '首次血压控制不满意，调整用药，2周内随访',
      'First uncontrolled visit: adjust medication, next visit within 2 weeks',
    ],
    [
      'two_consecutive_uncontrolled',
      { sbp: 145, previousVisit: prevUncontrolled },
      '连续两次血压控制不满意，建议转诊上级医院，2周内主动随访转诊情况',
      'Blood pressure uncontrolled at two consecutive visits: refer to a higher-level hospital; actively follow up within 2 weeks',
    ],
    [
      'urgent',
      { sbp: 200, dbp: 120 },
      '危急情况：处理后紧急转诊，2周内主动随访转诊情况',
      'Urgent: refer immediately after first aid; actively follow up the referral within 2 weeks',
    ],
  ] as const)('message for %s', (_code, overrides, zh, en) => {
    const r = classifyHypertensionVisit(visit(overrides as Partial<HypertensionVisitInput>));
    expect(r.messageZh).toBe(zh);
    expect(r.messageEn).toBe(en);
  });

  it('returns the target that was applied', () => {
    expect(classifyHypertensionVisit(visit({ ageYears: 70 })).target).toEqual({ sbp: 150, dbp: 90 });
  });

  it.each([
    ['visitDate', { visitDate: '2025-02-30' }],
    ['sbp', { sbp: Number.NaN }],
    ['sbp', { sbp: 400 }],
    ['dbp', { sbp: 120, dbp: 120 }],
    ['heartRate', { heartRate: 0 }],
    ['symptoms[0]', { symptoms: ['headache'] }],
    ['symptoms[1]', { symptoms: ['eye_pain', 'acetone_breath'] }],
    ['adverseReaction', { adverseReaction: 'mild' }],
    ['previousVisit.visitDate', { previousVisit: { visitDate: '2025-03-11', controlled: false } }],
    ['previousVisit.visitDate', { previousVisit: { visitDate: 'yesterday', controlled: false } }],
    ['customTarget', { customTarget: { sbp: 160, dbp: 95 } }],
    ['ageYears', { ageYears: -1 }],
  ])('rejects bad input in %s', (field, overrides) => {
    let error: unknown;
    try {
      classifyHypertensionVisit(visit(overrides as unknown as Partial<HypertensionVisitInput>));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RuleInputError);
    expect((error as RuleInputError).field).toBe(field);
  });
});

describe('screening', () => {
  it.each([
    [129, 84, 'normal'],
    [130, 70, 'high_normal'],
    [120, 85, 'high_normal'],
    [139, 89, 'high_normal'],
    [140, 89, 'elevated'],
    [139, 90, 'elevated'],
    [140, 90, 'elevated'],
    [135, 95, 'elevated'],
  ] as const)('%i/%i → %s', (sbp, dbp, expected) => {
    expect(screenBloodPressure(sbp, dbp)).toBe(expected);
  });

  const high = (date: string, sbp = 150, dbp = 92): BpReading => ({ date, sbp, dbp });
  const normal = (date: string): BpReading => ({ date, sbp: 125, dbp: 80 });
  it.each([
    ['no readings', [], 'normal', 0],
    ['one elevated reading', [high('2025-01-01')], 'suspected_recheck', 1],
    ['elevated on 2 days', [high('2025-01-01'), high('2025-01-08')], 'suspected_recheck', 2],
    [
      '3 readings on 2 days',
      [high('2025-01-01'), high('2025-01-01', 160, 95), high('2025-01-08')],
      'suspected_recheck',
      2,
    ],
    [
      'elevated on 3 different days',
      [high('2025-01-01'), high('2025-01-08'), high('2025-01-15')],
      'confirmed_refer_for_diagnosis',
      3,
    ],
    [
      'elevated on 3 different days, unordered',
      [high('2025-01-15'), high('2025-01-01'), high('2025-01-08')],
      'confirmed_refer_for_diagnosis',
      3,
    ],
    [
      '4 elevated days',
      [high('2025-01-01'), high('2025-01-08'), high('2025-01-15'), high('2025-01-22')],
      'confirmed_refer_for_diagnosis',
      4,
    ],
    [
      'boundary 140/89 and 139/90 count as elevated',
      [high('2025-01-01', 140, 89), high('2025-01-02', 139, 90), high('2025-01-03', 140, 90)],
      'confirmed_refer_for_diagnosis',
      3,
    ],
    ['139/89 is not elevated', [high('2025-01-01'), high('2025-01-02'), high('2025-01-03', 139, 89)], 'normal', 0],
    [
      'latest day normal → normal',
      [high('2025-01-01'), high('2025-01-08'), high('2025-01-15'), normal('2025-01-22')],
      'normal',
      0,
    ],
    [
      'a normal day breaks the run',
      [high('2025-01-01'), normal('2025-01-08'), high('2025-01-15'), high('2025-01-22')],
      'suspected_recheck',
      2,
    ],
    [
      'same-day readings are averaged (150/95 and 128/80 → 139/87.5, not elevated)',
      [high('2025-01-01'), high('2025-01-08'), high('2025-01-15', 150, 95), high('2025-01-15', 128, 80)],
      'normal',
      0,
    ],
  ] as const)('%s', (_name, readings, status, days) => {
    const r = confirmHypertension(readings);
    expect(r.status).toBe(status);
    expect(r.elevatedDays).toBe(days);
  });

  it('lists one entry per day, oldest first', () => {
    const r = confirmHypertension([high('2025-01-08'), normal('2025-01-01'), high('2025-01-08', 160, 100)]);
    expect(r.days.map((d) => [d.date, d.sbp, d.dbp, d.elevated])).toEqual([
      ['2025-01-01', 125, 80, false],
      ['2025-01-08', 155, 96, true],
    ]);
  });

  it('rejects a reading with an invalid date, naming it', () => {
    expect(() => confirmHypertension([high('2025-01-01'), high('2025-01-32')])).toThrow(/readings\[1\]\.date/);
  });
});

describe('hypertensionHighRisk — six criteria', () => {
  const base: HypertensionHighRiskInput = {
    sbp: 120,
    dbp: 75,
    bmi: 22,
    waistCm: 80,
    sex: 'male',
    familyHistory: false,
    highSaltDiet: false,
    heavyDrinking: false,
    ageYears: 40,
  };
  it.each([
    ['none', {}, []],
    ['BP 129/84', { sbp: 129, dbp: 84 }, []],
    ['BP 130/80', { sbp: 130, dbp: 80 }, ['high_normal_bp']],
    ['BP 120/85', { sbp: 120, dbp: 85 }, ['high_normal_bp']],
    ['BP 139/89', { sbp: 139, dbp: 89 }, ['high_normal_bp']],
    ['BP 140/80 (elevated, not high-normal)', { sbp: 140, dbp: 80 }, []],
    ['BP 135/90 (elevated, not high-normal)', { sbp: 135, dbp: 90 }, []],
    ['BP unknown', { sbp: null, dbp: null }, []],
    ['BMI 23.9', { bmi: 23.9 }, []],
    ['BMI 24', { bmi: 24 }, ['overweight_or_obese']],
    ['BMI 27.9', { bmi: 27.9 }, ['overweight_or_obese']],
    ['BMI 28', { bmi: 28 }, ['overweight_or_obese']],
    ['waist 89 man', { waistCm: 89 }, []],
    ['waist 90 man', { waistCm: 90 }, ['abdominal_obesity']],
    ['waist 84 woman', { sex: 'female', waistCm: 84 }, []],
    ['waist 85 woman', { sex: 'female', waistCm: 85 }, ['abdominal_obesity']],
    ['waist 89 woman', { sex: 'female', waistCm: 89 }, ['abdominal_obesity']],
    ['family history', { familyHistory: true }, ['family_history']],
    ['high-salt diet', { highSaltDiet: true }, ['high_salt_diet']],
    ['heavy drinking (judged)', { heavyDrinking: true }, ['heavy_drinking']],
    ['spirits 99 ml/day', { spiritsMlPerDay: 99 }, []],
    ['spirits 100 ml/day', { spiritsMlPerDay: 100 }, ['heavy_drinking']],
    ['age 54', { ageYears: 54 }, []],
    ['age 55', { ageYears: 55 }, ['age_55_plus']],
    [
      'several',
      { sbp: 132, bmi: 29, waistCm: 95, familyHistory: true, ageYears: 60 },
      ['high_normal_bp', 'overweight_or_obese', 'abdominal_obesity', 'family_history', 'age_55_plus'],
    ],
  ] as const)('%s → %j', (_name, overrides, factors) => {
    const r = hypertensionHighRisk({ ...base, ...overrides });
    expect(r.factors).toEqual(factors);
    expect(r.highRisk).toBe(factors.length > 0);
    expect(r.bpCheckIntervalMonths).toBe(factors.length > 0 ? 6 : null);
    expect(r.adviceZh === null).toBe(factors.length === 0);
  });

  it('advises BP at least every 6 months', () => {
    const r = hypertensionHighRisk({ ...base, ageYears: 60 });
    expect(r.adviceZh).toBe('高血压高危人群：建议每6个月至少测量1次血压，并接受生活方式指导');
  });

  it.each([
    ['sex', { sex: 'x' }],
    ['bmi', { bmi: 0 }],
    ['waistCm', { waistCm: -5 }],
    ['ageYears', { ageYears: Number.POSITIVE_INFINITY }],
  ])('rejects bad %s', (field, overrides) => {
    expect(() => hypertensionHighRisk({ ...base, ...(overrides as object) })).toThrow(
      expect.objectContaining({ field }) as Error,
    );
  });
});

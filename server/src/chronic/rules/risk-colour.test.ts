import { describe, it, expect } from 'vitest';
import {
  RISK_COLOUR_RULES_V1,
  combinedColour,
  diabetesColour,
  hypertensionColour,
  type ColourResult,
  type DiabetesColourState,
  type HypertensionColourState,
  type RiskColourRules,
} from './risk-colour.js';
import { RuleInputError } from './errors.js';

const AS_OF = '2025-06-30';

function htn(overrides: Partial<HypertensionColourState> = {}): HypertensionColourState {
  return {
    asOf: AS_OF,
    lastVisit: { visitDate: '2025-06-01', sbp: 130, dbp: 80, controlled: true },
    twoConsecutiveUncontrolled: false,
    adverseReaction: false,
    riskFactorCount: 0,
    complications: [],
    lastUrgentReferralDate: null,
    ...overrides,
  };
}
const htnVisit = (sbp: number, dbp: number, controlled: boolean) => ({
  lastVisit: { visitDate: '2025-06-01', sbp, dbp, controlled },
});

function dm(overrides: Partial<DiabetesColourState> = {}): DiabetesColourState {
  return {
    asOf: AS_OF,
    lastVisit: { visitDate: '2025-06-01', fbg: 6.5 },
    latestHba1c: null,
    twoConsecutiveUncontrolled: false,
    complications: [],
    lastUrgentReferralDate: null,
    lastLowGlucoseDate: null,
    ...overrides,
  };
}
const dmVisit = (fbg: number, visitDate = '2025-06-01') => ({ lastVisit: { visitDate, fbg } });

describe('hypertensionColour (rules v1)', () => {
  it.each([
    ['controlled, no complication', {}, 'green', 'htn.green.controlled'],
    ['65+ controlled at 149/85', htnVisit(149, 85, true), 'green', 'htn.green.controlled'],
    ['uncontrolled 159/99', htnVisit(159, 99, false), 'yellow', 'htn.yellow.uncontrolled'],
    ['uncontrolled 145/85', htnVisit(145, 85, false), 'yellow', 'htn.yellow.uncontrolled'],
    ['SBP 160', htnVisit(160, 90, false), 'red', 'htn.red.bp_ge_160_100'],
    ['DBP 100', htnVisit(150, 100, false), 'red', 'htn.red.bp_ge_160_100'],
    ['160/100', htnVisit(160, 100, false), 'red', 'htn.red.bp_ge_160_100'],
    [
      'two consecutive uncontrolled',
      { ...htnVisit(150, 85, false), twoConsecutiveUncontrolled: true },
      'red',
      'htn.red.two_consecutive_uncontrolled',
    ],
    ['complication (stroke)', { complications: ['stroke'] }, 'red', 'htn.red.complication'],
    ['complication (CKD)', { complications: ['chronic_kidney_disease'] }, 'red', 'htn.red.complication'],
    ['adverse reaction', { adverseReaction: true }, 'yellow', 'htn.yellow.adverse_reaction'],
    ['2 risk factors', { riskFactorCount: 2 }, 'green', 'htn.green.controlled'],
    ['3 risk factors', { riskFactorCount: 3 }, 'yellow', 'htn.yellow.risk_factors'],
    [
      'urgent referral exactly 3 months ago',
      { lastUrgentReferralDate: '2025-03-30' },
      'red',
      'htn.red.recent_urgent_referral',
    ],
    ['urgent referral today', { lastUrgentReferralDate: AS_OF }, 'red', 'htn.red.recent_urgent_referral'],
    ['urgent referral 3 months + 1 day ago', { lastUrgentReferralDate: '2025-03-29' }, 'green', 'htn.green.controlled'],
    ['no follow-up yet', { lastVisit: null }, 'yellow', 'htn.yellow.not_assessed'],
  ] as const)('%s → %s (%s)', (_name, overrides, colour, ruleCode) => {
    const r = hypertensionColour(htn(overrides as Partial<HypertensionColourState>));
    expect(r.colour).toBe(colour);
    expect(r.ruleCode).toBe(ruleCode);
    expect(r.rulesVersion).toBe('v1');
    expect(r.careRoute).toBe(
      { green: 'family_doctor_team', yellow: 'joint_gp_specialist_clinic', red: 'specialist_referral' }[colour],
    );
  });

  it('reports every matching rule, the first one deciding', () => {
    const r = hypertensionColour(
      htn({ ...htnVisit(165, 95, false), twoConsecutiveUncontrolled: true, adverseReaction: true, riskFactorCount: 4 }),
    );
    expect(r.matched).toEqual([
      'htn.red.bp_ge_160_100',
      'htn.red.two_consecutive_uncontrolled',
      'htn.yellow.uncontrolled',
      'htn.yellow.adverse_reaction',
      'htn.yellow.risk_factors',
      'htn.green.controlled',
    ]);
    expect(r.reasonZh).toBe('末次随访收缩压≥160或舒张压≥100mmHg');
  });

  it('names the complications in the reason', () => {
    const r = hypertensionColour(htn({ complications: ['stroke', 'heart_failure'] }));
    expect(r.reasonZh).toBe('有并发症（脑卒中、心力衰竭）');
    expect(r.reasonEn).toBe('Complication (Stroke, Heart failure)');
  });

  it.each([
    ['complications[0]', { complications: ['retinopathy'] }],
    ['lastUrgentReferralDate', { lastUrgentReferralDate: '2025-07-01' }],
    ['riskFactorCount', { riskFactorCount: -1 }],
    ['asOf', { asOf: '2025-06-31' }],
    ['lastVisit.dbp', htnVisit(120, 130, false)],
  ])('rejects bad %s', (field, overrides) => {
    expect(() => hypertensionColour(htn(overrides as Partial<HypertensionColourState>))).toThrow(
      expect.objectContaining({ field }) as Error,
    );
  });
});

describe('diabetesColour (rules v1)', () => {
  it.each([
    ['FBG 6.9', dmVisit(6.9), 'green', 'dm.green.controlled'],
    ['FBG 7.0', dmVisit(7.0), 'yellow', 'dm.yellow.fbg_7_to_10'],
    ['FBG 9.9', dmVisit(9.9), 'yellow', 'dm.yellow.fbg_7_to_10'],
    ['FBG 10.0', dmVisit(10.0), 'red', 'dm.red.fbg_ge_10'],
    ['HbA1c 6.9', { latestHba1c: 6.9 }, 'green', 'dm.green.controlled'],
    ['HbA1c 7.0', { latestHba1c: 7.0 }, 'yellow', 'dm.yellow.hba1c_7_to_9'],
    ['HbA1c 8.9', { latestHba1c: 8.9 }, 'yellow', 'dm.yellow.hba1c_7_to_9'],
    ['HbA1c 9.0', { latestHba1c: 9.0 }, 'red', 'dm.red.hba1c_ge_9'],
    ['FBG 3.9 at last visit (within 3 months)', dmVisit(3.9), 'red', 'dm.red.recent_low_glucose'],
    ['FBG 4.0 at last visit', dmVisit(4.0), 'green', 'dm.green.controlled'],
    ['FBG 3.9 at a visit more than 3 months ago', dmVisit(3.9, '2025-03-29'), 'green', 'dm.green.controlled'],
    ['low glucose exactly 3 months ago', { lastLowGlucoseDate: '2025-03-30' }, 'red', 'dm.red.recent_low_glucose'],
    ['low glucose 3 months + 1 day ago', { lastLowGlucoseDate: '2025-03-29' }, 'green', 'dm.green.controlled'],
    [
      'two consecutive uncontrolled',
      { ...dmVisit(8), twoConsecutiveUncontrolled: true },
      'red',
      'dm.red.two_consecutive_uncontrolled',
    ],
    ['complication (diabetic foot)', { complications: ['diabetic_foot'] }, 'red', 'dm.red.complication'],
    ['complication (retinopathy)', { complications: ['retinopathy'] }, 'red', 'dm.red.complication'],
    ['recent urgent referral', { lastUrgentReferralDate: '2025-05-01' }, 'red', 'dm.red.recent_urgent_referral'],
    ['old urgent referral', { lastUrgentReferralDate: '2025-01-01' }, 'green', 'dm.green.controlled'],
    ['no follow-up yet', { lastVisit: null }, 'yellow', 'dm.yellow.not_assessed'],
    ['no follow-up yet, HbA1c 9.5', { lastVisit: null, latestHba1c: 9.5 }, 'red', 'dm.red.hba1c_ge_9'],
  ] as const)('%s → %s (%s)', (_name, overrides, colour, ruleCode) => {
    const r = diabetesColour(dm(overrides as Partial<DiabetesColourState>));
    expect(r.colour).toBe(colour);
    expect(r.ruleCode).toBe(ruleCode);
    expect(r.disease).toBe('diabetes');
  });

  it('gives readable reasons', () => {
    expect(diabetesColour(dm(dmVisit(10.0))).reasonZh).toBe('末次随访空腹血糖≥10.0mmol/L');
    expect(diabetesColour(dm(dmVisit(8.0))).reasonEn).toBe('Fasting glucose 7.0 to below 10.0 mmol/L');
  });

  it('takes another versioned table', () => {
    const v2: RiskColourRules = {
      ...RISK_COLOUR_RULES_V1,
      version: 'district-x-v2',
      diabetes: { ...RISK_COLOUR_RULES_V1.diabetes, redFbgMin: 11.1 },
    };
    expect(diabetesColour(dm(dmVisit(10.5)), v2)).toMatchObject({ colour: 'yellow', rulesVersion: 'district-x-v2' });
    expect(diabetesColour(dm(dmVisit(10.5)))).toMatchObject({ colour: 'red', rulesVersion: 'v1' });
  });

  it('the published v1 table cannot be edited in place', () => {
    expect(Object.isFrozen(RISK_COLOUR_RULES_V1.diabetes)).toBe(true);
    expect(() => {
      (RISK_COLOUR_RULES_V1.diabetes as { redFbgMin: number }).redFbgMin = 12;
    }).toThrow(TypeError);
    expect(RISK_COLOUR_RULES_V1.diabetes.redFbgMin).toBe(10);
  });

  it.each([
    ['complications[0]', { complications: ['stroke'] }],
    ['latestHba1c', { latestHba1c: 40 }],
    ['lastLowGlucoseDate', { lastLowGlucoseDate: 'last week' }],
    ['lastVisit.fbg', dmVisit(-2)],
  ])('rejects bad %s', (field, overrides) => {
    expect(() => diabetesColour(dm(overrides as Partial<DiabetesColourState>))).toThrow(
      expect.objectContaining({ field }) as Error,
    );
  });
});

describe('combinedColour — the worse colour wins', () => {
  const green = hypertensionColour(htn());
  const yellowHtn = hypertensionColour(htn(htnVisit(150, 85, false)));
  const yellowDm = diabetesColour(dm(dmVisit(8)));
  const redDm = diabetesColour(dm(dmVisit(12)));
  it.each([
    ['green + yellow', [green, yellowDm], yellowDm],
    ['yellow + green', [yellowDm, green], yellowDm],
    ['yellow + red', [yellowHtn, redDm], redDm],
    ['red + yellow', [redDm, yellowHtn], redDm],
    ['tie keeps the first', [yellowHtn, yellowDm], yellowHtn],
    ['single', [green], green],
  ] as [string, ColourResult[], ColourResult][])('%s', (_name, results, expected) => {
    expect(combinedColour(results)).toBe(expected);
  });

  it('shows the rule and disease that set the colour', () => {
    expect(combinedColour([green, redDm])).toMatchObject({ disease: 'diabetes', ruleCode: 'dm.red.fbg_ge_10' });
  });

  it('needs at least one result', () => {
    expect(() => combinedColour([])).toThrow(RuleInputError);
  });
});

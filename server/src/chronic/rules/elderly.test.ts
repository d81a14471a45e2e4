import { describe, it, expect } from 'vitest';
import {
  SELF_CARE_BAND_LABELS,
  eligibleForElderlyProgramme,
  scoreSelfCare,
  selfCareBand,
  type SelfCareAnswers,
  type SelfCareItem,
} from './elderly.js';
import { RuleInputError } from './errors.js';

const ZERO: SelfCareAnswers = { eating: 0, grooming: 0, dressing: 0, toileting: 0, moving: 0 };

describe('self-care score — every allowed item value', () => {
  it.each([
    ['eating', 0],
    ['eating', 3],
    ['eating', 5],
    ['grooming', 0],
    ['grooming', 1],
    ['grooming', 3],
    ['grooming', 7],
    ['dressing', 0],
    ['dressing', 3],
    ['dressing', 5],
    ['toileting', 0],
    ['toileting', 1],
    ['toileting', 5],
    ['toileting', 10],
    ['moving', 0],
    ['moving', 1],
    ['moving', 5],
    ['moving', 10],
  ] as [SelfCareItem, number][])('%s = %i is accepted and counted', (item, value) => {
    expect(scoreSelfCare({ ...ZERO, [item]: value }).total).toBe(value);
  });
});

describe('self-care score — invalid item values are rejected, naming the item', () => {
  it.each([
    ['eating', 1],
    ['eating', 2],
    ['eating', 4],
    ['eating', 7],
    ['grooming', 2],
    ['grooming', 5],
    ['grooming', 10],
    ['dressing', 1],
    ['dressing', 2],
    ['dressing', 7],
    ['toileting', 3],
    ['toileting', 7],
    ['toileting', 11],
    ['moving', 2],
    ['moving', 3],
    ['moving', 7],
    ['moving', -1],
    ['moving', 0.5],
    ['moving', Number.NaN],
    ['eating', '3'],
    ['grooming', null],
    ['dressing', undefined],
  ] as [SelfCareItem, unknown][])('%s = %j', (item, value) => {
    let error: unknown;
    try {
      scoreSelfCare({ ...ZERO, [item]: value } as unknown as SelfCareAnswers);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RuleInputError);
    expect((error as RuleInputError).field).toBe(item);
    expect((error as RuleInputError).message).toContain(`"${item}"`);
  });

  it('rejects a missing item', () => {
    const { toileting: _omit, ...rest } = ZERO;
    expect(() => scoreSelfCare(rest as SelfCareAnswers)).toThrow(/toileting/);
  });

  it('rejects an item that is not on the form', () => {
    expect(() => scoreSelfCare({ ...ZERO, bathing: 0 } as SelfCareAnswers)).toThrow(/bathing/);
  });

  it('lists the allowed values in the error', () => {
    expect(() => scoreSelfCare({ ...ZERO, eating: 1 })).toThrow('allowed: 0, 3, 5');
  });
});

describe('self-care bands', () => {
  it.each([
    [0, 'independent', '可自理'],
    [3, 'independent', '可自理'],
    [4, 'mild_dependence', '轻度依赖'],
    [8, 'mild_dependence', '轻度依赖'],
    [9, 'moderate_dependence', '中度依赖'],
    [18, 'moderate_dependence', '中度依赖'],
    [19, 'unable', '不能自理'],
    [37, 'unable', '不能自理'],
  ] as const)('total %i → %s (%s)', (total, band, labelZh) => {
    expect(selfCareBand(total)).toBe(band);
    expect(SELF_CARE_BAND_LABELS[band].zh).toBe(labelZh);
  });

  it.each([-1, 38, 3.5, Number.NaN])('total %d is rejected', (total) => {
    expect(() => selfCareBand(total)).toThrow(RuleInputError);
  });

  it.each([
    [{ eating: 0, grooming: 1, dressing: 0, toileting: 1, moving: 1 }, 3, 'independent', '可自理'],
    [{ eating: 3, grooming: 1, dressing: 0, toileting: 0, moving: 0 }, 4, 'mild_dependence', '轻度依赖'],
    [{ eating: 3, grooming: 1, dressing: 3, toileting: 1, moving: 0 }, 8, 'mild_dependence', '轻度依赖'],
    [{ eating: 3, grooming: 1, dressing: 0, toileting: 5, moving: 0 }, 9, 'moderate_dependence', '中度依赖'],
    [{ eating: 3, grooming: 0, dressing: 5, toileting: 10, moving: 0 }, 18, 'moderate_dependence', '中度依赖'],
    [{ eating: 3, grooming: 1, dressing: 0, toileting: 5, moving: 10 }, 19, 'unable', '不能自理'],
    [{ eating: 5, grooming: 7, dressing: 5, toileting: 10, moving: 10 }, 37, 'unable', '不能自理'],
  ] as const)('%j → %i, %s', (answers, total, band, labelZh) => {
    expect(scoreSelfCare(answers)).toEqual({
      total,
      band,
      labelZh,
      labelEn: {
        independent: 'Independent',
        mild_dependence: 'Mild dependence',
        moderate_dependence: 'Moderate dependence',
        unable: 'Unable to care for self',
      }[band],
    });
  });
});

describe('elderly programme eligibility', () => {
  it.each([
    [64, false],
    [65, true],
    [90, true],
  ])('age %i → %s', (age, expected) => {
    expect(eligibleForElderlyProgramme(age)).toBe(expected);
  });
});

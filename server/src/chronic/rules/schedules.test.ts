import { describe, it, expect } from 'vitest';
import {
  annualFollowUpCompliance,
  antenatalSchedule,
  childHealthSchedule,
  chronicFollowUpSchedule,
  elderlyAnnualCheck,
  expectedDeliveryDate,
  gestationalAge,
  isDoneOnTime,
  postpartumSchedule,
  visitStatus,
} from './schedules.js';
import { RuleInputError } from './errors.js';

const row = (v: { code: string; dueDate: string; windowEnd: string }) => [v.code, v.dueDate, v.windowEnd];

describe('childHealthSchedule', () => {
  it('lists every check from the newborn visit to 6 years', () => {
    expect(childHealthSchedule({ birthDate: '2024-03-15' }).map(row)).toEqual([
      ['newborn_home_visit', '2024-03-15', '2024-03-22'],
      ['neonatal_28_30d', '2024-04-12', '2024-04-14'],
      ['child_3m', '2024-06-15', '2024-07-14'],
      ['child_6m', '2024-09-15', '2024-10-14'],
      ['child_8m', '2024-11-15', '2024-12-14'],
      ['child_12m', '2025-03-15', '2025-04-14'],
      ['child_18m', '2025-09-15', '2025-10-14'],
      ['child_24m', '2026-03-15', '2026-04-14'],
      ['child_30m', '2026-09-15', '2026-10-14'],
      ['child_36m', '2027-03-15', '2027-04-14'],
      ['child_4y', '2028-03-15', '2029-03-14'],
      ['child_5y', '2029-03-15', '2030-03-14'],
      ['child_6y', '2030-03-15', '2031-03-14'],
    ]);
  });

  it.each([
    ['2025-01-31', '2025-02-03', 'newborn_home_visit', '2025-02-03', '2025-02-10'],
    ['2025-01-31', null, 'newborn_home_visit', '2025-01-31', '2025-02-07'],
    ['2025-01-31', null, 'neonatal_28_30d', '2025-02-28', '2025-03-02'],
    ['2025-01-31', null, 'child_3m', '2025-04-30', '2025-05-30'],
    ['2024-02-29', null, 'child_12m', '2025-02-28', '2025-03-28'],
    ['2024-02-29', null, 'child_4y', '2028-02-29', '2029-02-27'],
  ])('born %s, discharged %s: %s due %s, on time to %s', (birthDate, dischargeDate, code, due, end) => {
    const v = childHealthSchedule({ birthDate, dischargeDate }).find((x) => x.code === code);
    expect(v && [v.dueDate, v.windowEnd]).toEqual([due, end]);
  });

  it('labels are bilingual', () => {
    const [first, second] = childHealthSchedule({ birthDate: '2025-01-01' });
    expect(first).toMatchObject({ labelZh: '新生儿家庭访视', labelEn: 'Newborn home visit' });
    expect(second).toMatchObject({ labelZh: '新生儿满月健康管理' });
  });

  it('rejects a discharge before birth', () => {
    expect(() => childHealthSchedule({ birthDate: '2025-01-10', dischargeDate: '2025-01-09' })).toThrow(RuleInputError);
  });
});

describe('maternal schedules', () => {
  const lmp = '2025-01-01';
  it('antenatal windows from the last menstrual period', () => {
    expect(antenatalSchedule({ lmpDate: lmp }).map(row)).toEqual([
      ['antenatal_registration', '2025-01-01', '2025-04-01'],
      ['antenatal_16_20w', '2025-04-23', '2025-05-27'],
      ['antenatal_21_24w', '2025-05-28', '2025-06-24'],
      ['antenatal_28_36w', '2025-07-16', '2025-09-16'],
      ['antenatal_37_40w', '2025-09-17', '2025-10-14'],
    ]);
  });

  it.each([
    ['antenatal_registration', 'windowEnd', { weeks: 12, days: 6 }],
    ['antenatal_16_20w', 'dueDate', { weeks: 16, days: 0 }],
    ['antenatal_16_20w', 'windowEnd', { weeks: 20, days: 6 }],
    ['antenatal_21_24w', 'dueDate', { weeks: 21, days: 0 }],
    ['antenatal_21_24w', 'windowEnd', { weeks: 24, days: 6 }],
    ['antenatal_28_36w', 'dueDate', { weeks: 28, days: 0 }],
    ['antenatal_28_36w', 'windowEnd', { weeks: 36, days: 6 }],
    ['antenatal_37_40w', 'dueDate', { weeks: 37, days: 0 }],
    ['antenatal_37_40w', 'windowEnd', { weeks: 40, days: 6 }],
  ] as const)('%s %s is at gestational age %j', (code, edge, ga) => {
    const v = antenatalSchedule({ lmpDate: lmp }).find((x) => x.code === code);
    expect(v && gestationalAge(lmp, v[edge])).toEqual(ga);
  });

  it('registration on 13+0 weeks is late (not before 13 weeks)', () => {
    const reg = antenatalSchedule({ lmpDate: lmp })[0];
    expect(reg && isDoneOnTime(reg.windowEnd, '2025-04-02')).toBe(false);
    expect(gestationalAge(lmp, '2025-04-02')).toEqual({ weeks: 13, days: 0 });
  });

  it('expected delivery date is LMP + 280 days', () => {
    expect(expectedDeliveryDate(lmp)).toBe('2025-10-08');
  });

  it.each([
    [
      '2025-05-01',
      '2025-05-04',
      [
        ['postpartum_home_visit', '2025-05-04', '2025-05-11'],
        ['postpartum_42d_check', '2025-06-12', '2025-06-26'],
      ],
    ],
    [
      '2025-05-01',
      null,
      [
        ['postpartum_home_visit', '2025-05-01', '2025-05-08'],
        ['postpartum_42d_check', '2025-06-12', '2025-06-26'],
      ],
    ],
  ])('delivery %s, discharge %s', (deliveryDate, dischargeDate, expected) => {
    expect(postpartumSchedule({ deliveryDate, dischargeDate }).map(row)).toEqual(expected);
  });

  it('rejects a discharge before delivery and a date before the LMP', () => {
    expect(() => postpartumSchedule({ deliveryDate: '2025-05-01', dischargeDate: '2025-04-30' })).toThrow(
      RuleInputError,
    );
    expect(() => gestationalAge(lmp, '2024-12-31')).toThrow(RuleInputError);
  });
});

describe('elderlyAnnualCheck', () => {
  it.each([
    ['1960-07-15', 2024, null],
    ['1960-07-15', 2025, ['2025-07-15', '2025-12-31']],
    ['1960-07-15', 2026, ['2026-01-01', '2026-12-31']],
    ['1960-01-01', 2025, ['2025-01-01', '2025-12-31']],
    ['1959-12-31', 2024, ['2024-12-31', '2024-12-31']],
    ['1960-01-01', 2024, null],
    ['1960-02-29', 2025, ['2025-02-28', '2025-12-31']],
  ] as const)('born %s, year %i → %j', (birthDate, year, expected) => {
    const v = elderlyAnnualCheck({ birthDate, year });
    expect(v && [v.dueDate, v.windowEnd]).toEqual(expected);
  });

  it('rejects a non-year', () => {
    expect(() => elderlyAnnualCheck({ birthDate: '1950-01-01', year: 2025.5 })).toThrow(RuleInputError);
  });
});

describe('hypertension / diabetes: 4 follow-ups a year', () => {
  it.each([
    [
      'enrolled before the year',
      '2024-06-01',
      [
        ['chronic_follow_up_2025_1', '2025-01-01', '2025-03-31'],
        ['chronic_follow_up_2025_2', '2025-04-01', '2025-06-30'],
        ['chronic_follow_up_2025_3', '2025-07-01', '2025-09-30'],
        ['chronic_follow_up_2025_4', '2025-10-01', '2025-12-31'],
      ],
    ],
    [
      'enrolled mid-year',
      '2025-05-10',
      [
        ['chronic_follow_up_2025_2', '2025-05-10', '2025-06-30'],
        ['chronic_follow_up_2025_3', '2025-07-01', '2025-09-30'],
        ['chronic_follow_up_2025_4', '2025-10-01', '2025-12-31'],
      ],
    ],
    ['enrolled on the last day', '2025-12-31', [['chronic_follow_up_2025_4', '2025-12-31', '2025-12-31']]],
    ['enrolled after the year', '2026-01-05', []],
  ])('%s', (_name, enrolmentDate, expected) => {
    expect(chronicFollowUpSchedule({ year: 2025, enrolmentDate }).map(row)).toEqual(expected);
  });

  it.each([
    ['one visit a quarter', ['2025-02-01', '2025-05-01', '2025-08-01', '2025-11-01'], null, [4, 4, 4, true, true]],
    [
      'four visits in one quarter',
      ['2025-01-05', '2025-01-19', '2025-02-02', '2025-03-02'],
      null,
      [4, 4, 1, true, false],
    ],
    ['three visits', ['2025-02-01', '2025-05-01', '2025-08-01'], null, [4, 3, 3, false, false]],
    [
      'visits in other years do not count',
      ['2024-11-01', '2025-02-01', '2025-05-01', '2025-08-01', '2026-01-02'],
      null,
      [4, 3, 3, false, false],
    ],
    [
      'the same day counts once',
      ['2025-02-01', '2025-02-01', '2025-05-01', '2025-08-01'],
      null,
      [4, 3, 3, false, false],
    ],
    [
      'enrolled in May: three required',
      ['2025-05-20', '2025-08-01', '2025-11-01'],
      '2025-05-10',
      [3, 3, 3, true, true],
    ],
  ] as const)('%s', (_name, visitDates, enrolmentDate, [required, visits, covered, meetsCount, onSchedule]) => {
    expect(annualFollowUpCompliance({ year: 2025, visitDates, enrolmentDate })).toEqual({
      required,
      visitsInYear: visits,
      periodsCovered: covered,
      meetsCount,
      onSchedule,
    });
  });
});

describe('visitStatus', () => {
  it.each([
    ['2025-02-28', undefined, 'upcoming'],
    ['2025-03-01', undefined, 'due'],
    ['2025-03-07', undefined, 'due'],
    ['2025-03-08', undefined, 'overdue'],
    ['2025-12-31', null, 'overdue'],
    ['2025-02-01', '2025-02-01', 'done'],
    ['2025-03-20', '2025-03-10', 'done'],
  ] as const)('today %s, done %s → %s', (today, done, expected) => {
    expect(visitStatus('2025-03-01', '2025-03-07', today, done)).toBe(expected);
  });

  it.each([
    ['2025-03-07', true],
    ['2025-03-08', false],
    ['2025-02-20', true],
  ])('done on %s for a window ending 2025-03-07 → on time %s', (done, expected) => {
    expect(isDoneOnTime('2025-03-07', done)).toBe(expected);
  });

  it('rejects a window that ends before it opens, and bad dates', () => {
    expect(() => visitStatus('2025-03-07', '2025-03-01', '2025-03-02')).toThrow(RuleInputError);
    expect(() => visitStatus('2025-03-01', '2025-03-07', '2025-03-32')).toThrow(RuleInputError);
  });
});

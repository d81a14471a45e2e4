import { describe, it, expect } from 'vitest';
import { addDays, addMonths, addYears, ageOn, compareDates, daysBetween, isIsoDate, monthsBetween } from './age.js';
import { RuleInputError } from './errors.js';

describe('ageOn — completed years, birthday counts', () => {
  it.each([
    // programme age 35
    ['1990-05-10', '2025-05-09', 34],
    ['1990-05-10', '2025-05-10', 35],
    ['1990-05-10', '2025-05-11', 35],
    // high-risk age 55
    ['1970-05-10', '2025-05-09', 54],
    ['1970-05-10', '2025-05-10', 55],
    // elderly age 65
    ['1960-05-10', '2025-05-09', 64],
    ['1960-05-10', '2025-05-10', 65],
    ['1960-12-31', '2025-12-30', 64],
    ['1960-12-31', '2025-12-31', 65],
    ['1961-01-01', '2025-12-31', 64],
    // born on 29 February: completes a year on 28 February in common years
    ['2000-02-29', '2001-02-27', 0],
    ['2000-02-29', '2001-02-28', 1],
    ['2000-02-29', '2004-02-28', 3],
    ['2000-02-29', '2004-02-29', 4],
    // newborn
    ['2025-03-01', '2025-03-01', 0],
  ])('born %s, on %s → %i', (birth, on, age) => {
    expect(ageOn(birth, on)).toBe(age);
  });

  it('rejects a date before birth', () => {
    expect(() => ageOn('2025-03-02', '2025-03-01')).toThrow(RuleInputError);
  });

  it.each(['2025-02-29', '2025-13-01', '2025-00-10', '2025-1-1', '2025/01/01', '', 'abc', '2025-04-31'])(
    'rejects the invalid date %j',
    (bad) => {
      expect(isIsoDate(bad)).toBe(false);
      expect(() => ageOn(bad, '2025-06-01')).toThrow(RuleInputError);
    },
  );
});

describe('addMonths — month-end clamping', () => {
  it.each([
    ['2024-11-30', 3, '2025-02-28'],
    ['2023-11-30', 3, '2024-02-29'],
    ['2025-01-31', 1, '2025-02-28'],
    ['2024-01-31', 1, '2024-02-29'],
    ['2025-05-31', 1, '2025-06-30'],
    ['2025-03-31', -1, '2025-02-28'],
    ['2025-01-15', -1, '2024-12-15'],
    ['2025-12-15', 1, '2026-01-15'],
    ['2025-03-10', 3, '2025-06-10'],
    ['2025-10-10', 15, '2027-01-10'],
    ['2025-10-10', 0, '2025-10-10'],
  ])('%s + %i months = %s', (from, months, expected) => {
    expect(addMonths(from, months)).toBe(expected);
  });

  it('addYears clamps 29 February to 28 February in common years', () => {
    expect(addYears('2024-02-29', 1)).toBe('2025-02-28');
    expect(addYears('2024-02-29', 4)).toBe('2028-02-29');
  });

  it('rejects fractional months and invalid dates', () => {
    expect(() => addMonths('2025-01-01', 1.5)).toThrow(RuleInputError);
    expect(() => addMonths('2025-02-30', 1)).toThrow(RuleInputError);
  });
});

describe('addDays / daysBetween / compareDates', () => {
  it.each([
    ['2025-12-25', 14, '2026-01-08'],
    ['2025-03-10', 14, '2025-03-24'],
    ['2024-02-28', 1, '2024-02-29'],
    ['2025-02-28', 1, '2025-03-01'],
    ['2025-03-01', -1, '2025-02-28'],
    ['2100-02-28', 1, '2100-03-01'],
    ['2000-02-28', 1, '2000-02-29'],
    ['2025-01-01', 280, '2025-10-08'],
  ])('%s + %i days = %s', (from, days, expected) => {
    expect(addDays(from, days)).toBe(expected);
    expect(daysBetween(from, expected)).toBe(days);
  });

  it.each([
    ['2025-01-01', '2025-01-02', -1],
    ['2025-01-02', '2025-01-02', 0],
    ['2025-01-03', '2025-01-02', 1],
    ['2024-12-31', '2025-01-01', -1],
  ] as const)('compareDates(%s, %s) = %i', (a, b, expected) => {
    expect(compareDates(a, b)).toBe(expected);
  });

  it('rejects fractional days', () => {
    expect(() => addDays('2025-01-01', 0.5)).toThrow(RuleInputError);
  });
});

describe('monthsBetween — completed months, consistent with addMonths', () => {
  it.each([
    ['2025-01-15', '2025-07-14', 5],
    ['2025-01-15', '2025-07-15', 6],
    ['2025-01-31', '2025-02-27', 0],
    ['2025-01-31', '2025-02-28', 1],
    ['2024-08-31', '2025-02-28', 6],
    ['2025-03-10', '2025-03-10', 0],
    ['2025-07-15', '2025-01-15', -6],
  ])('%s → %s = %i', (from, to, months) => {
    expect(monthsBetween(from, to)).toBe(months);
  });
});

import { describe, expect, it } from 'vitest';
import { dayAheadSatisfied, isoWeekday, nextRunDate, reprocessOn } from './schedule.js';

describe('run days and the D−1 schedule of 代消毒 items', () => {
  it.each([
    ['2024-01-15', 1],
    ['2024-01-20', 6],
    ['2024-01-21', 7],
  ])('%s is ISO weekday %i', (d, w) => expect(isoWeekday(d)).toBe(w));

  it.each([
    // after, planned runs, weekdays → next run
    ['2024-01-15', ['2024-01-18'], [1, 4], '2024-01-18'],
    ['2024-01-15', ['2024-01-15', '2024-01-10'], [3], '2024-01-17'], // planned runs not after `after` do not count
    ['2024-01-15', [], [1], '2024-01-22'], // Monday to the next Monday
    ['2024-01-19', [], [1, 4], '2024-01-22'],
    ['2024-01-15', ['2024-01-30'], [2], '2024-01-30'], // a planned run wins over the weekday pattern
  ] as const)('after %s with runs %j and weekdays %j → %s', (after, planned, weekdays, next) => {
    expect(nextRunDate(after, planned, weekdays)).toBe(next);
  });

  it.each([
    ['2024-01-15', '2024-01-18', '2024-01-17'], // D−1
    ['2024-01-15', '2024-01-16', '2024-01-15'], // D−1 is the collection day itself
    ['2024-02-26', '2024-03-01', '2024-02-29'], // across a leap day
  ])('collected %s, next run %s → sterilised %s', (collected, next, on) => {
    expect(reprocessOn(collected, next)).toBe(on);
  });

  it('refuses a next run that is not after the collection', () => {
    expect(() => reprocessOn('2024-01-15', '2024-01-15')).toThrow(/nextRunOn/);
    expect(() => nextRunDate('2024-01-15', [], [])).toThrow(/runWeekdays/);
  });

  it.each([
    ['2024-01-15', '2024-01-16', true],
    ['2024-01-15', '2024-01-15', false],
  ])('low-use pack requested %s for %s → day ahead %s', (req, need, ok) => expect(dayAheadSatisfied(req, need)).toBe(ok));
});

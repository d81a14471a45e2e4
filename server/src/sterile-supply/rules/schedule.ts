import { addDays, assertIsoDate } from '../../chronic/rules/age.js';
import { RuleInputError } from '../../chronic/rules/errors.js';

/** ISO weekday of a calendar date: 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: string): number {
  assertIsoDate('date', date);
  const d = new Date(`${date}T00:00:00Z`).getUTCDay();
  return d === 0 ? 7 : d;
}

/**
 * The centre's next run after `after`: the earliest planned run date later than `after`, or else the next date on
 * the centre's route weekdays (设计出行时间及路线, seed 1.2.4).
 */
export function nextRunDate(after: string, plannedRunDates: readonly string[], weekdays: readonly number[]): string {
  assertIsoDate('after', after);
  const planned = plannedRunDates.filter((d) => d > after).sort()[0];
  if (planned) return planned;
  if (weekdays.length === 0 || weekdays.some((w) => !Number.isInteger(w) || w < 1 || w > 7)) {
    throw new RuleInputError('runWeekdays', 'needs at least one weekday between 1 and 7');
  }
  for (let i = 1; i <= 7; i++) {
    const d = addDays(after, i);
    if (weekdays.includes(isoWeekday(d))) return d;
  }
  throw new RuleInputError('runWeekdays', 'no run day found');
}

/**
 * 代消毒 items are sterilised the day before the centre's next run (「下收下送后的前1天消毒」, seed 1.2.5.3), so that they
 * keep as much shelf life as possible at the centre; never before the day they were collected.
 */
export function reprocessOn(collectedOn: string, nextRunOn: string): string {
  assertIsoDate('collectedOn', collectedOn);
  assertIsoDate('nextRunOn', nextRunOn);
  if (nextRunOn <= collectedOn) throw new RuleInputError('nextRunOn', 'must be after the collection date');
  const dayBefore = addDays(nextRunOn, -1);
  return dayBefore < collectedOn ? collectedOn : dayBefore;
}

/** Low-use packs are called in at least one day ahead (「提前1d电话通知消毒供应中心」, our reading of the seed). */
export function dayAheadSatisfied(requestedOn: string, neededOn: string): boolean {
  return addDays(requestedOn, 1) <= neededOn;
}

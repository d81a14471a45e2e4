/**
 * Pure calendar maths on ISO 'YYYY-MM-DD' strings (UTC; no time zones, no clocks).
 */
import { RuleInputError } from './errors.js';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

interface Ymd {
  y: number;
  m: number; // 1–12
  d: number; // 1–31
}

function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** Number of days in month `m` (1–12) of year `y`. */
export function daysInMonth(y: number, m: number): number {
  if (m === 2) return isLeapYear(y) ? 29 : 28;
  return [4, 6, 9, 11].includes(m) ? 30 : 31;
}

/** True when `s` is a real calendar date written as 'YYYY-MM-DD'. */
export function isIsoDate(s: unknown): s is string {
  if (typeof s !== 'string') return false;
  const m = ISO_DATE.exec(s);
  if (!m) return false;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  return y >= 1 && mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo);
}

function parse(s: string, field: string): Ymd {
  if (!isIsoDate(s)) throw new RuleInputError(field, `"${String(s)}" is not a valid date (YYYY-MM-DD)`);
  const [y, m, d] = s.split('-').map(Number) as [number, number, number];
  return { y, m, d };
}

function format({ y, m, d }: Ymd): string {
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

function toEpochDay(s: string, field: string): number {
  const { y, m, d } = parse(s, field);
  const date = new Date(0);
  date.setUTCFullYear(y, m - 1, d);
  return Math.floor(date.getTime() / MS_PER_DAY);
}

function fromEpochDay(n: number): string {
  const date = new Date(n * MS_PER_DAY);
  return format({ y: date.getUTCFullYear(), m: date.getUTCMonth() + 1, d: date.getUTCDate() });
}

/** Throws RuleInputError naming `field` unless `s` is a valid ISO date. */
export function assertIsoDate(field: string, s: unknown): asserts s is string {
  if (!isIsoDate(s)) throw new RuleInputError(field, `"${String(s)}" is not a valid date (YYYY-MM-DD)`);
}

/** `date` + `days` (days may be negative). */
export function addDays(date: string, days: number, field = 'date'): string {
  if (!Number.isInteger(days)) throw new RuleInputError('days', `must be an integer, got ${days}`);
  return fromEpochDay(toEpochDay(date, field) + days);
}

/**
 * `date` + `months` (may be negative), clamped to the last day of the target month:
 * 2024-11-30 + 3 → 2025-02-28; 2023-11-30 + 3 → 2024-02-29; 2024-01-31 + 1 → 2024-02-29.
 */
export function addMonths(date: string, months: number, field = 'date'): string {
  if (!Number.isInteger(months)) throw new RuleInputError('months', `must be an integer, got ${months}`);
  const { y, m, d } = parse(date, field);
  const index = y * 12 + (m - 1) + months;
  const ny = Math.floor(index / 12);
  const nm = index - ny * 12 + 1;
  if (ny < 1) throw new RuleInputError(field, 'result is before year 1');
  return format({ y: ny, m: nm, d: Math.min(d, daysInMonth(ny, nm)) });
}

/** `date` + `years`, with 29 February clamped to 28 February in common years. */
export function addYears(date: string, years: number, field = 'date'): string {
  if (!Number.isInteger(years)) throw new RuleInputError('years', `must be an integer, got ${years}`);
  return addMonths(date, years * 12, field);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return toEpochDay(to, 'to') - toEpochDay(from, 'from');
}

/** -1, 0 or 1 as `a` is before, the same day as, or after `b`. */
export function compareDates(a: string, b: string): -1 | 0 | 1 {
  const diff = toEpochDay(a, 'a') - toEpochDay(b, 'b');
  return diff < 0 ? -1 : diff > 0 ? 1 : 0;
}

/** The calendar year of an ISO date. */
export function yearOf(date: string, field = 'date'): number {
  return parse(date, field).y;
}

/**
 * Age in completed years (周岁) on `onDate`. The birthday itself counts: born 1990-05-10 → 35 on 2025-05-10,
 * 34 on 2025-05-09. Consistent with addYears, someone born on 29 February completes a year on 28 February in
 * common years.
 */
export function ageOn(birthDate: string, onDate: string): number {
  const b = parse(birthDate, 'birthDate');
  const o = parse(onDate, 'onDate');
  if (compareDates(onDate, birthDate) < 0) {
    throw new RuleInputError('onDate', `${onDate} is before the birth date ${birthDate}`);
  }
  const birthdayThisYear = Math.min(b.d, daysInMonth(o.y, b.m));
  const beforeBirthday = o.m < b.m || (o.m === b.m && o.d < birthdayThisYear);
  return o.y - b.y - (beforeBirthday ? 1 : 0);
}

/**
 * Completed months from `from` to `to` (negative when `to` is earlier): 2025-01-31 → 2025-02-27 is 0,
 * → 2025-02-28 is 1. Consistent with addMonths (a month is complete on the same day of the month, or
 * the month's last day when it is shorter).
 */
export function monthsBetween(from: string, to: string): number {
  const a = parse(from, 'from');
  const b = parse(to, 'to');
  if (compareDates(to, from) < 0) return -monthsBetween(to, from);
  let months = (b.y - a.y) * 12 + (b.m - a.m);
  if (compareDates(addMonths(from, months, 'from'), to) > 0) months -= 1;
  return months;
}

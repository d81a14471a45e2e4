/**
 * Visit schedules for key populations — 国家基本公共卫生服务规范（第三版）: 0～6岁儿童, 孕产妇, 老年人,
 * 高血压/2型糖尿病. Every item has a window: `dueDate` (the window opens) to `windowEnd` (the last on-time day).
 */
import {
  ANTENATAL_REGISTRATION_BEFORE_WEEK,
  ANTENATAL_VISIT_WEEKS,
  CHILD_CHECK_AGES_MONTHS,
  CHILD_CHECK_AGES_YEARS,
  CHILD_CHECK_WINDOW_MONTHS,
  CHRONIC_FOLLOW_UPS_PER_YEAR,
  ELDERLY_MIN_AGE,
  NEONATAL_CHECK_FROM_DAY,
  NEONATAL_CHECK_TO_DAY,
  NEWBORN_HOME_VISIT_WITHIN_DAYS,
  POSTPARTUM_CHECK_DAY,
  POSTPARTUM_CHECK_WINDOW_END_DAY,
  POSTPARTUM_HOME_VISIT_WITHIN_DAYS,
  PREGNANCY_TERM_DAYS,
} from '../thresholds.js';
import { addDays, addMonths, addYears, assertIsoDate, compareDates, daysBetween, yearOf } from './age.js';
import { RuleInputError } from './errors.js';

export interface ScheduledVisit {
  code: string;
  labelZh: string;
  labelEn: string;
  /** The window opens (the visit is due from this day). */
  dueDate: string;
  /** The last on-time day (inclusive). */
  windowEnd: string;
}

export type VisitStatus = 'upcoming' | 'due' | 'overdue' | 'done';

/**
 * 'done' when a done date is given; otherwise 'upcoming' before dueDate, 'due' from dueDate to windowEnd
 * (inclusive), 'overdue' after windowEnd.
 */
export function visitStatus(dueDate: string, windowEnd: string, today: string, doneDate?: string | null): VisitStatus {
  assertIsoDate('dueDate', dueDate);
  assertIsoDate('windowEnd', windowEnd);
  assertIsoDate('today', today);
  if (compareDates(windowEnd, dueDate) < 0) throw new RuleInputError('windowEnd', 'is before dueDate');
  if (doneDate !== undefined && doneDate !== null) {
    assertIsoDate('doneDate', doneDate);
    return 'done';
  }
  if (compareDates(today, dueDate) < 0) return 'upcoming';
  if (compareDates(today, windowEnd) <= 0) return 'due';
  return 'overdue';
}

/** On time (随访及时) when done on or before the window's last day. */
export function isDoneOnTime(windowEnd: string, doneDate: string): boolean {
  assertIsoDate('windowEnd', windowEnd);
  assertIsoDate('doneDate', doneDate);
  return compareDates(doneDate, windowEnd) <= 0;
}

// ---------------------------------------------------------------------------------------------------------
// Children 0–6
// ---------------------------------------------------------------------------------------------------------

/**
 * Newborn home visit within 7 days of discharge (of birth when no discharge date is known); the 28–30-day
 * check; checks at 3, 6, 8, 12, 18, 24, 30, 36 months (on time within one month of that age, platform
 * default); yearly at 4, 5 and 6 years (on time during that year of age).
 */
export function childHealthSchedule(input: { birthDate: string; dischargeDate?: string | null }): ScheduledVisit[] {
  const birth = input.birthDate;
  assertIsoDate('birthDate', birth);
  const discharge = input.dischargeDate ?? null;
  if (discharge !== null) {
    assertIsoDate('dischargeDate', discharge);
    if (compareDates(discharge, birth) < 0) throw new RuleInputError('dischargeDate', 'is before the birth date');
  }
  const homeVisitFrom = discharge ?? birth;
  const visits: ScheduledVisit[] = [
    {
      code: 'newborn_home_visit',
      labelZh: '新生儿家庭访视',
      labelEn: 'Newborn home visit',
      dueDate: homeVisitFrom,
      windowEnd: addDays(homeVisitFrom, NEWBORN_HOME_VISIT_WITHIN_DAYS),
    },
    {
      code: 'neonatal_28_30d',
      labelZh: '新生儿满月健康管理',
      labelEn: 'One-month (28–30 day) check',
      dueDate: addDays(birth, NEONATAL_CHECK_FROM_DAY),
      windowEnd: addDays(birth, NEONATAL_CHECK_TO_DAY),
    },
  ];
  for (const m of CHILD_CHECK_AGES_MONTHS) {
    visits.push({
      code: `child_${m}m`,
      labelZh: `${m}月龄健康检查`,
      labelEn: `${m}-month check`,
      dueDate: addMonths(birth, m),
      windowEnd: addDays(addMonths(birth, m + CHILD_CHECK_WINDOW_MONTHS), -1),
    });
  }
  for (const y of CHILD_CHECK_AGES_YEARS) {
    visits.push({
      code: `child_${y}y`,
      labelZh: `${y}岁健康检查`,
      labelEn: `${y}-year check`,
      dueDate: addYears(birth, y),
      windowEnd: addDays(addYears(birth, y + 1), -1),
    });
  }
  return visits;
}

// ---------------------------------------------------------------------------------------------------------
// Maternal
// ---------------------------------------------------------------------------------------------------------

/** Expected date of delivery (预产期): LMP + 280 days. */
export function expectedDeliveryDate(lmpDate: string): string {
  return addDays(lmpDate, PREGNANCY_TERM_DAYS, 'lmpDate');
}

/** Gestational age on a date, in completed weeks and days. */
export function gestationalAge(lmpDate: string, onDate: string): { weeks: number; days: number } {
  assertIsoDate('lmpDate', lmpDate);
  assertIsoDate('onDate', onDate);
  const total = daysBetween(lmpDate, onDate);
  if (total < 0) throw new RuleInputError('onDate', 'is before the last menstrual period');
  return { weeks: Math.floor(total / 7), days: total % 7 };
}

/**
 * Antenatal schedule from the first day of the last menstrual period: registration and first exam before
 * 13 weeks (by 12+6); visits at 16–20, 21–24, 28–36, 37–40 weeks (each through the last week's 6th day).
 */
export function antenatalSchedule(input: { lmpDate: string }): ScheduledVisit[] {
  const lmp = input.lmpDate;
  assertIsoDate('lmpDate', lmp);
  const visits: ScheduledVisit[] = [
    {
      code: 'antenatal_registration',
      labelZh: '孕早期建册及第1次产前检查（孕13周前）',
      labelEn: `Registration and first antenatal exam (before ${ANTENATAL_REGISTRATION_BEFORE_WEEK} weeks)`,
      dueDate: lmp,
      windowEnd: addDays(lmp, ANTENATAL_REGISTRATION_BEFORE_WEEK * 7 - 1),
    },
  ];
  for (const [from, to] of ANTENATAL_VISIT_WEEKS) {
    visits.push({
      code: `antenatal_${from}_${to}w`,
      labelZh: `孕${from}～${to}周产前随访`,
      labelEn: `Antenatal visit at ${from}–${to} weeks`,
      dueDate: addDays(lmp, from * 7),
      windowEnd: addDays(lmp, (to + 1) * 7 - 1),
    });
  }
  return visits;
}

/** Postpartum: home visit within 7 days of discharge; the 42-day check (on time to day 56, platform default). */
export function postpartumSchedule(input: { deliveryDate: string; dischargeDate?: string | null }): ScheduledVisit[] {
  const delivery = input.deliveryDate;
  assertIsoDate('deliveryDate', delivery);
  const discharge = input.dischargeDate ?? null;
  if (discharge !== null) {
    assertIsoDate('dischargeDate', discharge);
    if (compareDates(discharge, delivery) < 0) throw new RuleInputError('dischargeDate', 'is before the delivery date');
  }
  const from = discharge ?? delivery;
  return [
    {
      code: 'postpartum_home_visit',
      labelZh: '产后访视',
      labelEn: 'Postpartum home visit',
      dueDate: from,
      windowEnd: addDays(from, POSTPARTUM_HOME_VISIT_WITHIN_DAYS),
    },
    {
      code: 'postpartum_42d_check',
      labelZh: '产后42天健康检查',
      labelEn: '42-day postpartum check',
      dueDate: addDays(delivery, POSTPARTUM_CHECK_DAY),
      windowEnd: addDays(delivery, POSTPARTUM_CHECK_WINDOW_END_DAY),
    },
  ];
}

// ---------------------------------------------------------------------------------------------------------
// Elderly
// ---------------------------------------------------------------------------------------------------------

function assertYear(year: number): void {
  if (!Number.isInteger(year) || year < 1900 || year > 9999) {
    throw new RuleInputError('year', `must be a calendar year, got ${year}`);
  }
}

/**
 * The elderly annual health check for a calendar year: due once a year for residents aged >= 65. In the year of
 * the 65th birthday it is due from the birthday; in later years from 1 January; on time until 31 December.
 * null when the resident is under 65 for the whole year.
 */
export function elderlyAnnualCheck(input: { birthDate: string; year: number }): ScheduledVisit | null {
  assertIsoDate('birthDate', input.birthDate);
  assertYear(input.year);
  const start = `${String(input.year).padStart(4, '0')}-01-01`;
  const end = `${String(input.year).padStart(4, '0')}-12-31`;
  const eligibleFrom = addYears(input.birthDate, ELDERLY_MIN_AGE, 'birthDate');
  if (compareDates(eligibleFrom, end) > 0) return null;
  return {
    code: `elderly_annual_check_${input.year}`,
    labelZh: `${input.year}年老年人健康体检`,
    labelEn: `Elderly annual health check ${input.year}`,
    dueDate: compareDates(eligibleFrom, start) > 0 ? eligibleFrom : start,
    windowEnd: end,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Hypertension / type 2 diabetes: 4 face-to-face follow-ups a year
// ---------------------------------------------------------------------------------------------------------

/**
 * One follow-up per calendar quarter (4 a year). When enrolled during the year, quarters that end before the
 * enrolment date are dropped and the enrolment quarter opens on the enrolment date. (The date of each next
 * visit comes from the visit classification's nextDueDate; this plan is the annual floor.)
 */
export function chronicFollowUpSchedule(input: { year: number; enrolmentDate?: string | null }): ScheduledVisit[] {
  assertYear(input.year);
  const enrolment = input.enrolmentDate ?? null;
  if (enrolment !== null) assertIsoDate('enrolmentDate', enrolment);
  const y = String(input.year).padStart(4, '0');
  const perQuarter = 12 / CHRONIC_FOLLOW_UPS_PER_YEAR;
  const visits: ScheduledVisit[] = [];
  for (let q = 0; q < CHRONIC_FOLLOW_UPS_PER_YEAR; q++) {
    const start = addMonths(`${y}-01-01`, q * perQuarter);
    const end = addDays(addMonths(start, perQuarter), -1);
    if (enrolment !== null && compareDates(end, enrolment) < 0) continue;
    visits.push({
      code: `chronic_follow_up_${input.year}_${q + 1}`,
      labelZh: `${input.year}年第${q + 1}次随访`,
      labelEn: `Follow-up ${q + 1} of ${input.year}`,
      dueDate: enrolment !== null && compareDates(enrolment, start) > 0 ? enrolment : start,
      windowEnd: end,
    });
  }
  return visits;
}

export interface AnnualFollowUpCompliance {
  required: number;
  visitsInYear: number;
  /** How many scheduled periods have at least one visit inside their window. */
  periodsCovered: number;
  /** >= the required number of face-to-face follow-ups in the year (规范管理: at least 4). */
  meetsCount: boolean;
  /** Every scheduled period has a visit (the stricter "on schedule" reading). */
  onSchedule: boolean;
}

export function annualFollowUpCompliance(input: {
  year: number;
  visitDates: readonly string[];
  enrolmentDate?: string | null;
}): AnnualFollowUpCompliance {
  const plan = chronicFollowUpSchedule({ year: input.year, enrolmentDate: input.enrolmentDate ?? null });
  input.visitDates.forEach((d, i) => assertIsoDate(`visitDates[${i}]`, d));
  const inYear = [...new Set(input.visitDates)].filter((d) => yearOf(d) === input.year);
  const periodsCovered = plan.filter((p) =>
    inYear.some((d) => compareDates(d, p.dueDate) >= 0 && compareDates(d, p.windowEnd) <= 0),
  ).length;
  return {
    required: plan.length,
    visitsInYear: inYear.length,
    periodsCovered,
    meetsCount: inYear.length >= plan.length,
    onSchedule: periodsCovered === plan.length,
  };
}

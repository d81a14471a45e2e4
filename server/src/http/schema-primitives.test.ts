import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { addDays } from '../chronic/rules/age.js';
import { todayIso } from '../shared/dates.js';
import { calendarDate, clinicalDate, clinicalDateTime, endNotBefore, ownKey, text, unsafeTextReason } from './schema-primitives.js';

describe('text', () => {
  it.each([
    ['NUL', 'a\u0000b', false],
    ['lone high surrogate', 'a\uD800b', false],
    ['lone low surrogate', '\uDC00', false],
    ['high surrogate at the end', 'ab\uD83D', false],
    ['a real pair (emoji)', '血压 😀', true],
    ['Chinese', '原发性高血压', true],
  ])('%s', (_what, value, ok) => {
    expect(text(50).safeParse(value).success).toBe(ok);
    expect(unsafeTextReason(value) === null).toBe(ok);
  });

  it('trims and bounds', () => {
    expect(text(5).parse('  abc  ')).toBe('abc');
    expect(text(5).safeParse('   ').success).toBe(false);
    expect(text(5, 0).parse('   ')).toBe('');
    expect(text(5).safeParse('abcdef').success).toBe(false);
  });
});

describe('dates', () => {
  const today = todayIso();
  it.each([
    ['0000-01-01', false],
    ['1800-06-15', false],
    ['1899-12-31', false],
    ['1900-01-01', true],
    ['2024-02-29', true],
    ['2023-02-29', false],
    ['2100-12-31', true],
    ['2101-01-01', false],
  ])('calendar date %s → %s', (d, ok) => expect(calendarDate().safeParse(d).success).toBe(ok));

  it('a clinical date is not after today (China time)', () => {
    expect(clinicalDate().safeParse(today).success).toBe(true);
    expect(clinicalDate().safeParse(addDays(today, 1)).error?.issues[0]?.message).toBe('is in the future');
  });

  it('a clinical instant is judged by its China-time date', () => {
    expect(clinicalDateTime().safeParse(`${today}T23:59:00+08:00`).success).toBe(true);
    expect(clinicalDateTime().safeParse(`${addDays(today, 1)}T00:01:00+08:00`).success).toBe(false);
    expect(clinicalDateTime().safeParse('0000-01-01T00:00:00Z').success).toBe(false);
  });
});

describe('endNotBefore', () => {
  const schema = z
    .strictObject({ startDate: calendarDate(), endDate: calendarDate().optional() })
    .superRefine(endNotBefore('startDate', 'endDate'));
  it('reports the END field', () => {
    expect(schema.safeParse({ startDate: '2026-02-01', endDate: '2026-01-31' }).error?.issues.map((i) => i.path)).toEqual([['endDate']]);
  });
  it('accepts the same day, a later end, and no end', () => {
    expect(schema.safeParse({ startDate: '2026-02-01', endDate: '2026-02-01' }).success).toBe(true);
    expect(schema.safeParse({ startDate: '2026-02-01', endDate: '2026-03-01' }).success).toBe(true);
    expect(schema.safeParse({ startDate: '2026-02-01' }).success).toBe(true);
  });
  it('compares instants across offsets', () => {
    const s = z.object({ startedAt: z.string(), endedAt: z.string() }).superRefine(endNotBefore('startedAt', 'endedAt'));
    expect(s.safeParse({ startedAt: '2026-01-01T09:00:00+08:00', endedAt: '2026-01-01T01:30:00Z' }).success).toBe(true);
    expect(s.safeParse({ startedAt: '2026-01-01T09:00:00+08:00', endedAt: '2026-01-01T00:30:00Z' }).success).toBe(false);
  });
});

describe('ownKey', () => {
  it('finds own keys only', () => {
    const table = { a: 1 };
    expect(ownKey(table, 'a')).toBe(true);
    for (const k of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) expect(ownKey(table, k)).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import {
  ageOn,
  countBy,
  formatDate,
  formatDateTime,
  formatOccurredAt,
  groupByYear,
  guessQueryKind,
  joinParts,
  maskNationalId,
  maskPhone,
  sortNewestFirst,
} from './format';

describe('ageOn', () => {
  it('counts whole years, turning on the birthday', () => {
    expect(ageOn('1958-03-12', new Date(2026, 2, 11))).toBe(67);
    expect(ageOn('1958-03-12', new Date(2026, 2, 12))).toBe(68);
    expect(ageOn('1962-07-08', new Date(2026, 0, 1))).toBe(63);
  });
  it('handles 29 February birthdays in common years', () => {
    expect(ageOn('2000-02-29', new Date(2025, 1, 28))).toBe(24);
    expect(ageOn('2000-02-29', new Date(2025, 2, 1))).toBe(25);
  });
  it('rejects unparseable and future dates', () => {
    expect(ageOn('not a date')).toBeNull();
    expect(ageOn('2099-01-01', new Date(2026, 0, 1))).toBeNull();
  });
});

describe('masking', () => {
  it('keeps region code and last four of an 18-character national ID', () => {
    expect(maskNationalId('330106195803120173')).toBe('330106********0173');
    expect(maskNationalId('33010619620708026X')).toBe('330106********026X');
  });
  it('passes already-masked values through and maps empty to null', () => {
    expect(maskNationalId('330106********0173')).toBe('330106********0173');
    expect(maskNationalId(null)).toBeNull();
    expect(maskNationalId('')).toBeNull();
    expect(maskPhone(undefined)).toBeNull();
  });
  it('masks the middle four digits of a mobile number', () => {
    expect(maskPhone('13800138000')).toBe('138****8000');
    expect(maskPhone('138****8000')).toBe('138****8000');
  });
  it('keeps only the last four digits of other phone numbers', () => {
    expect(maskPhone('0571-88886666')).toBe('*********6666');
    expect(maskPhone('120')).toBe('***');
  });
});

describe('dates', () => {
  it('leaves plain dates untouched', () => {
    expect(formatDate('2025-11-03')).toBe('2025-11-03');
    expect(formatDateTime('2025-11-03')).toBe('2025-11-03');
  });
  it('formats datetimes in local time', () => {
    const local = new Date(2025, 10, 3, 8, 5);
    expect(formatDate(local.toISOString())).toBe('2025-11-03');
    expect(formatDateTime(local.toISOString())).toBe('2025-11-03 08:05');
  });
  it('returns empty text for missing or invalid values', () => {
    expect(formatDate(null)).toBe('');
    expect(formatDateTime('garbage')).toBe('');
  });
});

describe('timeline ordering and grouping', () => {
  const at = (y: number, m: number, d: number, id: string) => ({ id, occurredAt: new Date(y, m - 1, d, 9).toISOString() });
  const items = [at(2024, 5, 1, 'a'), at(2025, 3, 2, 'b'), at(2025, 11, 20, 'c'), at(2023, 1, 1, 'd'), at(2025, 3, 2, 'e')];

  it('sorts newest first, stable for equal instants', () => {
    expect(sortNewestFirst(items).map((i) => i.id)).toEqual(['c', 'b', 'e', 'a', 'd']);
  });
  it('sinks invalid dates to the end without mutating the input', () => {
    const withBad = [{ id: 'x', occurredAt: 'bad' }, ...items];
    expect(sortNewestFirst(withBad).map((i) => i.id).at(-1)).toBe('x');
    expect(withBad[0]!.id).toBe('x');
  });
  it('groups by calendar year, newest year first', () => {
    const groups = groupByYear(items);
    expect(groups.map((g) => g.year)).toEqual(['2025', '2024', '2023']);
    expect(groups[0]!.items.map((i) => i.id)).toEqual(['c', 'b', 'e']);
  });
  it('counts by key', () => {
    expect(countBy(['a', 'b', 'a'], (x) => x)).toEqual({ a: 2, b: 1 });
  });
});

describe('guessQueryKind', () => {
  it('recognises national IDs (18 characters, X check digit; old 15-digit)', () => {
    expect(guessQueryKind('330106195803120173')).toBe('national_id');
    expect(guessQueryKind(' 33010619620708026x ')).toBe('national_id');
    expect(guessQueryKind('330106580312017')).toBe('national_id');
  });
  it('recognises mainland mobiles and falls back to name', () => {
    expect(guessQueryKind('13800138000')).toBe('phone');
    expect(guessQueryKind('张建国')).toBe('name');
    expect(guessQueryKind('   ')).toBe('empty');
  });
});

describe('joinParts', () => {
  it('drops empty parts', () => {
    expect(joinParts(['一团队', null, '', '社区卫生服务中心'])).toBe('一团队 · 社区卫生服务中心');
    expect(joinParts([undefined, false])).toBeNull();
  });
});

describe('formatOccurredAt', () => {
  it('shows calendar-date kinds sent as midnight UTC as the date alone', () => {
    expect(formatOccurredAt('followup', '2025-04-10T00:00:00.000Z')).toBe('2025-04-10');
    expect(formatOccurredAt('condition', '2015-06-20T00:00:00Z')).toBe('2015-06-20');
  });
  it('keeps the time of real timestamps', () => {
    const local = new Date(2025, 9, 14, 9, 30);
    expect(formatOccurredAt('encounter', local.toISOString())).toBe('2025-10-14 09:30');
    expect(formatOccurredAt('followup', local.toISOString())).toBe('2025-10-14 09:30');
  });
});

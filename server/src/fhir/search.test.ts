import { describe, expect, it } from 'vitest';
import { parseDate, parseToken } from './search.js';

describe('FHIR search values', () => {
  it.each([
    ['system|code', { system: 'system', code: 'code' }],
    ['|code', { system: '', code: 'code' }],
    ['code', { code: 'code' }],
    ['system|', { system: 'system', code: undefined }],
  ])('token %s', (raw, expected) => expect(parseToken(raw)).toEqual(expected));

  it.each([
    ['2026', 'eq', '2026-01-01', '2027-01-01'],
    ['2026-02', 'eq', '2026-02-01', '2026-03-01'],
    ['ge2026-02-28', 'ge', '2026-02-28', '2026-03-01'],
    ['lt2024-12-31', 'lt', '2024-12-31', '2025-01-01'],
  ])('date %s is the range [start, end) of its precision', (raw, prefix, start, end) => {
    expect(parseDate(raw, 'date')).toEqual({ prefix, start, end, dateOnly: true });
  });

  it('reads a dateTime without a zone in China time, and with one as given', () => {
    expect(parseDate('2026-01-01T08:00', 'date').start).toBe('2026-01-01T00:00:00.000Z');
    expect(parseDate('gt2026-01-01T08:00:00Z', 'date')).toMatchObject({ prefix: 'gt', start: '2026-01-01T08:00:00.000Z', end: '2026-01-01T08:00:01.000Z' });
  });

  it.each(['yesterday', '2026-02-30', '2026-13', 'sa2026', '20260101'])('refuses %s, naming the parameter', (raw) => {
    expect(() => parseDate(raw, 'birthdate')).toThrow();
    try {
      parseDate(raw, 'birthdate');
    } catch (err) {
      expect((err as { issues: { expression: string[] }[] }).issues[0]!.expression).toEqual(['birthdate']);
    }
  });
});

import { describe, expect, it } from 'vitest';
import type { CurrentUser } from '../auth/auth.types';
import {
  canDrill,
  defaultScopeFor,
  formatRate,
  readKpiView,
  scopeOf,
  targetStatus,
  todayInChina,
  writeKpiView,
  yearPeriod,
} from './kpi.logic';

const user = (role: CurrentUser['role'], teams: string[] = [], institutionId: string | null = 'inst'): CurrentUser => ({
  id: 'me',
  username: 'u',
  displayName: 'U',
  role,
  institutionId,
  institutionName: null,
  residentId: null,
  teams: teams.map((id) => ({ id, name: id })),
});

describe('KPI scope', () => {
  it('opens administrators on the region, team members on their team, others on their institution', () => {
    expect(defaultScopeFor(user('commission_admin'))).toEqual({ level: 'region', id: null });
    expect(defaultScopeFor(user('insurance_admin', ['t1']))).toEqual({ level: 'region', id: null });
    expect(defaultScopeFor(user('gp', ['t1', 't2']))).toEqual({ level: 'team', id: 't1' });
    expect(defaultScopeFor(user('institution_admin'))).toEqual({ level: 'institution', id: 'inst' });
    expect(defaultScopeFor(user('specialist', [], null))).toEqual({ level: 'region', id: null });
  });

  it('defaults to the current year up to today, in China time', () => {
    expect(todayInChina(new Date('2026-12-31T17:30:00Z'))).toBe('2027-01-01');
    expect(yearPeriod(2026, '2026-11-23')).toEqual({ from: '2026-01-01', to: '2026-11-23' });
    expect(yearPeriod(2025, '2026-11-23')).toEqual({ from: '2025-01-01', to: '2025-12-31' });
    const v = readKpiView(new URLSearchParams(), user('gp', ['t1']), '2026-11-23');
    expect(v).toMatchObject({ level: 'team', id: 't1', year: 2026, from: '2026-01-01', to: '2026-11-23' });
  });

  it('reads a range, a level and a unit from the URL and writes them back', () => {
    const u = user('commission_admin');
    const p = new URLSearchParams('level=institution&id=i9&from=2026-03-01&to=2026-06-30&indicator=followup_timeliness');
    const v = readKpiView(p, u, '2026-11-23');
    expect(v).toMatchObject({
      level: 'institution',
      id: 'i9',
      year: null,
      from: '2026-03-01',
      to: '2026-06-30',
      indicator: 'followup_timeliness',
    });
    expect(writeKpiView(v, u, '2026-11-23').toString()).toBe(
      'level=institution&id=i9&from=2026-03-01&to=2026-06-30&indicator=followup_timeliness',
    );
    expect(writeKpiView(readKpiView(new URLSearchParams(), u, '2026-11-23'), u, '2026-11-23').toString()).toBe('');
  });

  it('ignores a bad year or range and waits for a unit before asking the server', () => {
    const u = user('commission_admin');
    expect(readKpiView(new URLSearchParams('year=1900'), u, '2026-11-23').year).toBe(2026);
    expect(readKpiView(new URLSearchParams('from=2026-06-01&to=2026-01-01'), u, '2026-11-23').year).toBe(2026);
    expect(scopeOf(readKpiView(new URLSearchParams('level=doctor'), u, '2026-11-23'))).toBeNull();
    expect(scopeOf(readKpiView(new URLSearchParams('level=doctor'), user('gp', ['t1']), '2026-11-23'))).toMatchObject({
      level: 'doctor',
      id: 'me',
    });
  });
});

describe('KPI display', () => {
  it('formats rates and compares with the target', () => {
    expect(formatRate(0.8766)).toBe('87.7%');
    expect(formatRate(1)).toBe('100.0%');
    expect(formatRate(null)).toBe('—');
    expect(targetStatus(0.91, 0.9)).toBe('met');
    expect(targetStatus(0.85, 0.9)).toBe('missed');
    expect(targetStatus(0.85, null)).toBeNull();
    expect(targetStatus(null, 0.9)).toBeNull();
  });

  it('lets only the care team drill down, at team or doctor level', () => {
    expect(canDrill('gp', 'team')).toBe(true);
    expect(canDrill('health_manager', 'doctor')).toBe(true);
    expect(canDrill('gp', 'institution')).toBe(false);
    expect(canDrill('commission_admin', 'team')).toBe(false);
    expect(canDrill('institution_admin', 'team')).toBe(false);
  });
});

describe('KPI navigation', () => {
  it('offers only the units the server will answer for', async () => {
    const { mayView } = await import('./kpi.logic');
    const gp = user('gp', ['t1']);
    expect(mayView(gp, 'region', null)).toBe(true);
    expect(mayView(gp, 'institution', 'inst')).toBe(true);
    expect(mayView(gp, 'institution', 'other')).toBe(false);
    expect(mayView(gp, 'team', 't1')).toBe(true);
    expect(mayView(gp, 'team', 't2')).toBe(false);
    expect(mayView(gp, 'doctor', 'me')).toBe(true);
    expect(mayView(gp, 'doctor', 'colleague')).toBe(false);
    expect(mayView(user('commission_admin'), 'doctor', 'anyone')).toBe(true);
    expect(mayView(user('institution_admin'), 'team', 'any')).toBe(true);
    expect(mayView(user('institution_admin'), 'institution', 'other')).toBe(false);
  });

  it('ranks the breakdown best first, empty units last', async () => {
    const { barsFor } = await import('./kpi.logic');
    const f = (numerator: number, denominator: number) => ({ numerator, denominator, rate: denominator ? numerator / denominator : null });
    const bars = barsFor(
      [
        { id: 'a', name: '乙', indicators: { x: f(1, 2) } },
        { id: 'b', name: '甲', indicators: { x: f(0, 0) } },
        { id: 'c', name: '丙', indicators: { x: f(3, 4) } },
        { id: 'd', name: '丁', indicators: {} },
      ],
      'x',
    );
    // Equal rates (none) in pinyin order: 丁 (dīng) before 甲 (jiǎ).
    expect(bars.map((b) => b.id)).toEqual(['c', 'a', 'd', 'b']);
    expect(bars[0]).toEqual({ id: 'c', name: '丙', rate: 0.75, numerator: 3, denominator: 4 });
  });
});

describe('chart labels', () => {
  it('leaves out the common suffixes of unit names', async () => {
    const { shortUnitName } = await import('./kpi.logic');
    expect(shortUnitName('和平街道社区卫生服务中心')).toBe('和平街道');
    expect(shortUnitName('东湖1号家庭医生团队')).toBe('东湖1号');
    expect(shortUnitName('区人民医院')).toBe('区人民医院');
    expect(shortUnitName('社区卫生服务中心')).toBe('社区卫生服务中心');
  });
});

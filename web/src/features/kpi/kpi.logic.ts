/** Pure helpers of the KPI dashboard (scope from the URL and the user, rates, targets): unit-tested. */
import type { CurrentUser, Role } from '../auth/auth.types';
import { KPI_LEVELS, type KpiLevel, type KpiScope } from './kpi.types';

const ADMIN_ROLES: readonly Role[] = ['commission_admin', 'insurance_admin'];
/** Care-team roles, who may drill down to the residents behind a number (team or doctor level). */
export const DRILL_ROLES: readonly Role[] = ['gp', 'health_manager', 'public_health', 'nurse', 'specialist', 'referral_coordinator'];

export { todayInChina } from '../../lib/format';

/** Where the dashboard opens: administrators on the region, staff on their team, else their institution. */
export function defaultScopeFor(user: CurrentUser): { level: KpiLevel; id: string | null } {
  if (ADMIN_ROLES.includes(user.role)) return { level: 'region', id: null };
  if (user.teams[0]) return { level: 'team', id: user.teams[0].id };
  if (user.institutionId) return { level: 'institution', id: user.institutionId };
  return { level: 'region', id: null };
}

export interface KpiView extends KpiScope {
  /** The calendar year shown, or null for a custom range. */
  year: number | null;
  /** The selected indicator (chart and drill-down), or null for the first. */
  indicator: string | null;
  /** Display name of the unit when it is not in the organisation tree (a doctor). */
  name: string | null;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A year's period: 1 January to 31 December, or to today for the current year. */
export function yearPeriod(year: number, today: string): { from: string; to: string } {
  const from = `${year}-01-01`;
  const end = `${year}-12-31`;
  return { from, to: end < today ? end : today };
}

export function readKpiView(params: URLSearchParams, user: CurrentUser, today: string): KpiView {
  const def = defaultScopeFor(user);
  const levelParam = params.get('level');
  const level = levelParam && (KPI_LEVELS as readonly string[]).includes(levelParam) ? (levelParam as KpiLevel) : def.level;
  const id = level === 'region' ? null : (params.get('id') ?? (level === def.level ? def.id : defaultIdFor(level, user)));
  const from = params.get('from');
  const to = params.get('to');
  const thisYear = Number(today.slice(0, 4));
  let period: { from: string; to: string };
  let year: number | null = null;
  if (from && to && DATE.test(from) && DATE.test(to) && from <= to) {
    period = { from, to };
  } else {
    const y = Number(params.get('year'));
    year = Number.isInteger(y) && y >= 2000 && y <= thisYear ? y : thisYear;
    period = yearPeriod(year, today);
  }
  return { level, id, ...period, year, indicator: params.get('indicator'), name: params.get('name') };
}

/** The id a level takes when the user picks it without choosing a unit: their own institution, team or self. */
export function defaultIdFor(level: KpiLevel, user: CurrentUser): string | null {
  if (level === 'institution') return user.institutionId;
  if (level === 'team') return user.teams[0]?.id ?? null;
  if (level === 'doctor') return ADMIN_ROLES.includes(user.role) ? null : user.id;
  return null;
}

export function writeKpiView(v: KpiView, user: CurrentUser, today: string): URLSearchParams {
  const p = new URLSearchParams();
  const def = defaultScopeFor(user);
  if (v.level !== def.level || v.id !== def.id) {
    p.set('level', v.level);
    if (v.id) p.set('id', v.id);
  }
  if (v.year !== null) {
    if (v.year !== Number(today.slice(0, 4))) p.set('year', String(v.year));
  } else {
    p.set('from', v.from);
    p.set('to', v.to);
  }
  if (v.indicator) p.set('indicator', v.indicator);
  if (v.name) p.set('name', v.name);
  return p;
}

/** The scope sent to the server, or null while a level other than region has no unit chosen. */
export function scopeOf(v: KpiView): KpiScope | null {
  if (v.level !== 'region' && !v.id) return null;
  return { level: v.level, id: v.level === 'region' ? null : v.id, from: v.from, to: v.to };
}

export const CHILD_LEVEL: Record<KpiLevel, KpiLevel | null> = { region: 'institution', institution: 'team', team: 'doctor', doctor: null };

/** 0.8765 → '87.7%'; null → '—'. */
export function formatRate(rate: number | null | undefined, digits = 1): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return '—';
  return `${(rate * 100).toFixed(digits)}%`;
}

/** Against the target: met, missed, or null when there is no target or no rate. */
export function targetStatus(rate: number | null, target: number | null): 'met' | 'missed' | null {
  if (target === null || rate === null) return null;
  return rate >= target ? 'met' : 'missed';
}

/** Drill-down to named residents: care-team roles, at team or doctor level only (the server enforces it too). */
export function canDrill(role: Role, level: KpiLevel): boolean {
  return DRILL_ROLES.includes(role) && (level === 'team' || level === 'doctor');
}

/**
 * Whether the user may open a unit's KPIs (mirrors the server, so the UI offers only what answers):
 * administrators everything; staff the region, their institution, their teams and themselves;
 * an institution admin also any team or doctor.
 */
export function mayView(user: CurrentUser, level: KpiLevel, id: string | null): boolean {
  if (user.role === 'resident') return false;
  if (ADMIN_ROLES.includes(user.role) || level === 'region') return true;
  if (level === 'institution') return id === user.institutionId;
  if (level === 'team' && id && user.teams.some((x) => x.id === id)) return true;
  if (level === 'doctor' && id === user.id) return true;
  return user.role === 'institution_admin';
}

export interface BarDatum {
  id: string;
  name: string;
  rate: number | null;
  numerator: number | null;
  denominator: number | null;
}

/** Breakdown rows for one indicator, best rate first (units with no denominator last, by name). */
export function barsFor(
  breakdown: readonly {
    id: string;
    name: string;
    indicators: Record<string, { numerator: number | null; denominator: number | null; rate: number | null }>;
  }[],
  code: string,
): BarDatum[] {
  return breakdown
    .map((b) => {
      const f = b.indicators[code];
      return { id: b.id, name: b.name, rate: f?.rate ?? null, numerator: f ? f.numerator : 0, denominator: f ? f.denominator : 0 };
    })
    .sort((a, b) => (b.rate ?? -1) - (a.rate ?? -1) || a.name.localeCompare(b.name, 'zh-CN'));
}

/** A unit's name for a chart axis: the common suffixes left out (the tooltip keeps the full name). */
export function shortUnitName(name: string): string {
  const short = name
    .replace(
      /(社区卫生服务中心|社区卫生服务站|卫生服务中心|家庭医生团队|Community Health (Service )?Cent(re|er)|Family[- ]Doctor Team)$/i,
      '',
    )
    .trim();
  return short || name;
}

/** A count as shown: a suppressed small cell reads "<5" (never the number). */
export const SUPPRESSED_CELL_TEXT = '<5';
export function countText(n: number | null): string {
  return n === null ? SUPPRESSED_CELL_TEXT : n.toLocaleString();
}

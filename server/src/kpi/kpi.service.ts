import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DB } from '../db/schema.js';
import type { CareContext } from '../http/care-context.js';
import { badRequest, forbidden } from '../http/errors.js';
import { isClinical } from '../auth/actor.js';
import { addYears, addDays } from '../chronic/rules/age.js';
import { ELDERLY_MIN_AGE } from '../chronic/thresholds.js';
import { todayIso } from '../shared/dates.js';
import { FOLLOW_UPS_PER_YEAR, INDICATORS, INDICATOR_CODES, type IndicatorCode } from './indicators.js';

export const KPI_LEVELS = ['region', 'institution', 'team', 'doctor'] as const;
export type KpiLevel = (typeof KPI_LEVELS)[number];

export interface KpiScope {
  level: KpiLevel;
  id: string | null;
  from: string;
  to: string;
}

/** Each level is broken down by the next one down. */
const CHILD_LEVEL: Record<KpiLevel, KpiLevel> = { region: 'institution', institution: 'team', team: 'doctor', doctor: 'doctor' };

/** The three attribution columns every indicator row carries. */
interface Attribution {
  institution: RawBuilder<unknown>;
  team: RawBuilder<unknown>;
  doctor: RawBuilder<unknown>;
}

function scopeFilter(a: Attribution, s: KpiScope): RawBuilder<unknown> {
  if (s.level === 'region') return sql`true`;
  return sql`${a[s.level]} = ${s.id}::uuid`;
}

function groupColumn(a: Attribution, s: KpiScope): RawBuilder<unknown> {
  const child = CHILD_LEVEL[s.level];
  return child === 'region' ? sql`NULL` : a[child];
}

/**
 * Rows behind an indicator: one per counted unit (patient, task, birth), with the resident,
 * the breakdown group and whether it is in the denominator and in the numerator.
 */
function indicatorRows(code: IndicatorCode, s: KpiScope, today: string): RawBuilder<unknown> {
  const from = s.from;
  const to = s.to;
  switch (code) {
    case 'htn_standard_management':
    case 'htn_bp_control':
    case 'dm_standard_management':
    case 'dm_glucose_control': {
      const programme = code.startsWith('htn') ? 'hypertension' : 'diabetes';
      const a: Attribution = { institution: sql`pe.institution_id`, team: sql`pe.team_id`, doctor: sql`pe.doctor_user_id` };
      // Required visits: 4 a year, pro rata to the days under management in the period (at least 1).
      const required = sql`greatest(1, round(${FOLLOW_UPS_PER_YEAR}::numeric * ((least(coalesce(pe.ended_on, ${to}::date), ${to}::date) - greatest(pe.enrolled_on, ${from}::date)) + 1) / 365.0))`;
      const met = code.endsWith('standard_management') ? sql`coalesce(v.face_to_face, 0) >= ${required}` : sql`coalesce(v.last_kpi_controlled, false)`;
      return sql`
        SELECT pe.resident_id, ${groupColumn(a, s)}::text AS group_id, true AS in_den, ${met} AS in_num
          FROM programme_enrolment pe
          LEFT JOIN LATERAL (
            SELECT count(*) FILTER (WHERE f.visit_mode <> 'phone') AS face_to_face,
                   (array_agg(f.kpi_controlled ORDER BY f.visit_date DESC, f.recorded_at DESC))[1] AS last_kpi_controlled
              FROM followup_visit f
             WHERE f.enrolment_id = pe.id AND f.entry_status = 'active' AND f.visit_date BETWEEN ${from}::date AND ${to}::date
          ) v ON true
         WHERE pe.programme = ${programme} AND pe.enrolled_on <= ${to}::date
           AND (pe.ended_on IS NULL OR pe.ended_on >= ${from}::date) AND ${scopeFilter(a, s)}`;
    }
    case 'followup_timeliness': {
      const a: Attribution = { institution: sql`pe.institution_id`, team: sql`pe.team_id`, doctor: sql`pe.doctor_user_id` };
      const until = to < today ? to : today;
      return sql`
        SELECT t.resident_id, ${groupColumn(a, s)}::text AS group_id, true AS in_den,
               (t.status = 'done' AND t.done_on <= t.window_end) AS in_num
          FROM care_task t
          JOIN programme_enrolment pe ON pe.resident_id = t.resident_id AND pe.programme = t.programme AND pe.status = 'active'
         WHERE t.programme IN ('hypertension', 'diabetes') AND t.status <> 'cancelled'
           AND t.window_end BETWEEN ${from}::date AND ${until}::date AND ${scopeFilter(a, s)}`;
    }
    default:
      return populationRows(code, s);
  }
}

/** Indicators over the resident population, attributed by home centre and the contract in force at the period end. */
function populationRows(code: IndicatorCode, s: KpiScope) {
  const from = s.from;
  const to = s.to;
  const a: Attribution = { institution: sql`p.institution_id`, team: sql`p.team_id`, doctor: sql`p.doctor_id` };
  const population = sql`
    SELECT r.id AS resident_id, r.birth_date, coalesce(i.parent_id, i.id) AS institution_id, c.team_id, c.gp_user_id AS doctor_id
      FROM resident r
      LEFT JOIN institution i ON i.id = r.home_institution_id
      LEFT JOIN contract c ON c.resident_id = r.id AND c.start_date <= ${to}::date AND c.end_date > ${to}::date
                          AND (c.status = 'active' OR c.ended_at >= (${to}::date + 1))
     WHERE r.status = 'active' AND r.created_at < (${to}::date + 1)`;
  const elderlyBorn = addYears(to, -ELDERLY_MIN_AGE);
  const select = (den: RawBuilder<unknown>, num: RawBuilder<unknown>) =>
    sql`SELECT p.resident_id, ${groupColumn(a, s)}::text AS group_id, true AS in_den, ${num} AS in_num
          FROM (${population}) p WHERE ${den} AND ${scopeFilter(a, s)}`;
  switch (code) {
    case 'elderly_management':
      return select(
        sql`p.birth_date <= ${elderlyBorn}::date`,
        sql`(EXISTS (SELECT 1 FROM care_task t WHERE t.resident_id = p.resident_id AND t.programme = 'elderly' AND t.status = 'done' AND t.done_on BETWEEN ${from}::date AND ${to}::date)
             OR EXISTS (SELECT 1 FROM elderly_assessment x WHERE x.resident_id = p.resident_id AND x.entry_status = 'active' AND x.assessed_on BETWEEN ${from}::date AND ${to}::date))`,
      );
    case 'contract_rate':
      return select(sql`true`, sql`p.team_id IS NOT NULL`);
    case 'contract_rate_key_populations':
      return select(
        sql`(p.birth_date <= ${elderlyBorn}::date OR EXISTS (SELECT 1 FROM programme_enrolment pe WHERE pe.resident_id = p.resident_id AND pe.status = 'active' AND pe.programme IN ('hypertension', 'diabetes')))`,
        sql`p.team_id IS NOT NULL`,
      );
    case 'record_usage': {
      const since = addDays(addYears(to, -1), 1);
      return select(
        sql`true`,
        sql`(EXISTS (SELECT 1 FROM followup_visit f WHERE f.resident_id = p.resident_id AND f.entry_status = 'active' AND f.visit_date BETWEEN ${since}::date AND ${to}::date)
             OR EXISTS (SELECT 1 FROM encounter e WHERE e.resident_id = p.resident_id AND e.entry_status = 'active' AND e.started_at >= ${since}::date AND e.started_at < (${to}::date + 1))
             OR EXISTS (SELECT 1 FROM screening x WHERE x.resident_id = p.resident_id AND x.entry_status = 'active' AND x.measured_on BETWEEN ${since}::date AND ${to}::date)
             OR EXISTS (SELECT 1 FROM elderly_assessment x WHERE x.resident_id = p.resident_id AND x.entry_status = 'active' AND x.assessed_on BETWEEN ${since}::date AND ${to}::date))`,
      );
    }
    case 'newborn_visit':
      return select(
        sql`p.birth_date BETWEEN ${from}::date AND ${to}::date`,
        sql`EXISTS (SELECT 1 FROM care_task t WHERE t.resident_id = p.resident_id AND t.programme = 'child' AND t.task_code = 'newborn_home_visit' AND t.status = 'done' AND t.done_on <= t.window_end)`,
      );
    case 'early_pregnancy_registration':
    case 'postpartum_visit': {
      // Numerator counts mothers, denominator counts live births: the rows of each are separate.
      const taskCode = code === 'early_pregnancy_registration' ? 'antenatal_registration' : 'postpartum_home_visit';
      const onTime =
        code === 'early_pregnancy_registration'
          ? sql`t.done_on <= t.window_end`
          : sql`t.done_on <= (coalesce(pe.details->>'dischargeDate', pe.details->>'deliveryDate')::date + 28)`;
      return sql`
        SELECT p.resident_id, ${groupColumn(a, s)}::text AS group_id, true AS in_den, false AS in_num
          FROM (${population}) p WHERE p.birth_date BETWEEN ${from}::date AND ${to}::date AND ${scopeFilter(a, s)}
        UNION ALL
        SELECT p.resident_id, ${groupColumn(a, s)}::text AS group_id, false AS in_den, true AS in_num
          FROM (${population}) p
          JOIN programme_enrolment pe ON pe.resident_id = p.resident_id AND pe.programme = 'maternal'
         WHERE (pe.details->>'deliveryDate')::date BETWEEN ${from}::date AND ${to}::date AND ${scopeFilter(a, s)}
           AND EXISTS (SELECT 1 FROM care_task t WHERE t.resident_id = pe.resident_id AND t.programme = 'maternal'
                        AND t.task_code = ${taskCode} AND t.status = 'done' AND ${onTime})`;
    }
    default:
      throw new Error(`no SQL for indicator ${code}`);
  }
}

const rate = (num: number, den: number) => (den === 0 ? null : Math.round((num / den) * 10_000) / 10_000);

async function groupNames(db: Kysely<DB>, level: KpiLevel, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows =
    level === 'institution'
      ? await db.selectFrom('institution').select(['id', 'name']).where('id', 'in', ids).execute()
      : level === 'team'
        ? await db.selectFrom('team').select(['id', 'name']).where('id', 'in', ids).execute()
        : await db.selectFrom('app_user').select(['id', 'display_name as name']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

export function validatePeriod(from: string, to: string) {
  if (from > to) throw badRequest('querystring.from', 'is after to');
  if (addYears(from, 5) < to) throw badRequest('querystring.to', 'a period spans at most 5 years');
}

/** Who may see KPIs at which level: administrators any aggregate; staff their institution, team and themselves. */
function requireKpiAccess(ctx: CareContext, s: KpiScope) {
  const a = ctx.actor;
  if (a.role === 'commission_admin' || a.role === 'insurance_admin') return;
  if (a.role === 'resident') throw forbidden('KPIs are for staff and administrators');
  if (s.level === 'region') return;
  if (s.level === 'institution' && s.id === a.institutionId) return;
  if (s.level === 'team' && s.id && a.teamIds.includes(s.id)) return;
  if (s.level === 'doctor' && s.id === a.userId) return;
  if (a.role === 'institution_admin' && s.level !== 'institution') return;
  throw forbidden('Outside your institution or team');
}

export async function computeKpis(ctx: CareContext, s: KpiScope, codes: readonly IndicatorCode[] = INDICATOR_CODES) {
  if (s.level !== 'region' && !s.id) throw badRequest('querystring.id', `is required for level ${s.level}`);
  validatePeriod(s.from, s.to);
  requireKpiAccess(ctx, s);
  const today = todayIso();
  const results = await Promise.all(
    codes.map(async (code) => {
      const { rows } = await sql<{ group_id: string | null; den: number; num: number }>`
        SELECT group_id, count(*) FILTER (WHERE in_den)::int AS den, count(*) FILTER (WHERE in_num)::int AS num
          FROM (${indicatorRows(code, s, today)}) x GROUP BY group_id`.execute(ctx.db);
      return { code, rows };
    }),
  );
  const childLevel = CHILD_LEVEL[s.level];
  const groupIds = [...new Set(results.flatMap((r) => r.rows.map((g) => g.group_id)).filter((g): g is string => g !== null))];
  const names = await groupNames(ctx.db, childLevel, groupIds);
  await ctx.audit({ action: 'aggregate', resource: 'kpi', detail: { level: s.level, id: s.id, from: s.from, to: s.to } });
  const indicators = results.map(({ code, rows }) => {
    const numerator = rows.reduce((n, r) => n + r.num, 0);
    const denominator = rows.reduce((n, r) => n + r.den, 0);
    const def = INDICATORS[code];
    return { code, nameZh: def.nameZh, nameEn: def.nameEn, numerator, denominator, rate: rate(numerator, denominator), target: def.target };
  });
  const breakdown =
    s.level === 'doctor'
      ? []
      : groupIds
          .map((id) => ({
            id,
            name: names.get(id) ?? id,
            indicators: Object.fromEntries(
              results.map(({ code, rows }) => {
                const g = rows.find((r) => r.group_id === id);
                return [code, { numerator: g?.num ?? 0, denominator: g?.den ?? 0, rate: rate(g?.num ?? 0, g?.den ?? 0) }];
              }),
            ),
          }))
          .sort((x, y) => x.name.localeCompare(y.name, 'zh-CN'));
  return { period: { from: s.from, to: s.to }, level: s.level, id: s.id, breakdownLevel: childLevel, indicators, breakdown };
}

export const DRILL_SETS = ['numerator', 'denominator', 'gap'] as const;

/**
 * The residents behind a number. Names are personal data: only members of the team (or the doctor
 * themself) drill down, and only at team or doctor level; every resident listed is audited.
 */
export async function drillDown(ctx: CareContext, s: KpiScope, code: IndicatorCode, set: (typeof DRILL_SETS)[number], limit: number) {
  if (!isClinical(ctx.actor)) throw forbidden('Drill-down to residents is for the care team; administrators see aggregates');
  if (s.level !== 'team' && s.level !== 'doctor') throw badRequest('querystring.level', 'drill-down is at team or doctor level');
  if (!s.id) throw badRequest('querystring.id', 'is required');
  validatePeriod(s.from, s.to);
  if (s.level === 'team' && !ctx.actor.teamIds.includes(s.id)) throw forbidden('Not a member of this team');
  if (s.level === 'doctor' && s.id !== ctx.actor.userId) {
    const shared = await ctx.db.selectFrom('team_member').select('team_id').where('user_id', '=', s.id).where('team_id', 'in', ctx.actor.teamIds.length ? ctx.actor.teamIds : ['00000000-0000-0000-0000-000000000000']).executeTakeFirst();
    if (!shared) throw forbidden('Not a colleague of this doctor');
  }
  const filter = set === 'numerator' ? sql`in_num` : set === 'denominator' ? sql`in_den` : sql`in_den AND NOT in_num`;
  const { rows } = await sql<{ id: string; name: string; sex: string; birth_date: string; national_id_masked: string | null; units: number }>`
    SELECT r.id, r.name, r.sex, r.birth_date, r.national_id_masked, count(*)::int AS units
      FROM (${indicatorRows(code, s, todayIso())}) x JOIN resident r ON r.id = x.resident_id
     WHERE ${filter}
     GROUP BY r.id, r.name, r.sex, r.birth_date, r.national_id_masked
     ORDER BY r.name LIMIT ${limit}`.execute(ctx.db);
  await ctx.audit(rows.map((r) => ({ action: 'read' as const, resource: 'kpi.drilldown', residentId: r.id, fields: ['name'], accessBasis: 'care_team', detail: { code, set } })));
  return rows.map((r) => ({ id: r.id, name: r.name, sex: r.sex, birthDate: r.birth_date, nationalIdMasked: r.national_id_masked, units: r.units }));
}

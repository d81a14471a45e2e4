import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import type { CareContext, SharedDB } from '../http/care-context.js';
import { contractInForce, type AccessBasis } from '../access/care-relationship.js';
import { badRequest, forbidden } from '../http/errors.js';
import { isClinical } from '../auth/actor.js';
import { isSmallCell, suppressSmallCells } from '../access/small-cells.js';
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
 * Where each indicator's rows come from. Indicators of one source are counted in one pass over it
 * (a dashboard is four queries, whatever the number of indicators), and the drill-down filters the
 * same rows with the same predicates, so a number and its residents cannot disagree.
 */
type Source = 'hypertension' | 'diabetes' | 'timeliness' | 'population' | 'referral' | 'referral_suggested' | 'test_order';

interface IndicatorSql {
  source: Source;
  /** Predicates over the source's row (alias x). */
  den: RawBuilder<unknown>;
  num: RawBuilder<unknown>;
}

const INDICATOR_SQL: Record<IndicatorCode, IndicatorSql> = {
  htn_standard_management: { source: 'hypertension', den: sql`true`, num: sql`x.standard` },
  htn_bp_control: { source: 'hypertension', den: sql`true`, num: sql`x.controlled` },
  dm_standard_management: { source: 'diabetes', den: sql`true`, num: sql`x.standard` },
  dm_glucose_control: { source: 'diabetes', den: sql`true`, num: sql`x.controlled` },
  followup_timeliness: { source: 'timeliness', den: sql`true`, num: sql`x.on_time` },
  elderly_management: { source: 'population', den: sql`x.elderly`, num: sql`x.elderly AND x.elderly_done` },
  contract_rate: { source: 'population', den: sql`true`, num: sql`x.contracted` },
  contract_rate_key_populations: { source: 'population', den: sql`(x.elderly OR x.chronic)`, num: sql`(x.elderly OR x.chronic) AND x.contracted` },
  record_usage: { source: 'population', den: sql`true`, num: sql`x.dynamic_entry` },
  newborn_visit: { source: 'population', den: sql`x.born_in_period`, num: sql`x.born_in_period AND x.newborn_visited` },
  // Numerator counts mothers, denominator live births: different rows of the same population.
  early_pregnancy_registration: { source: 'population', den: sql`x.born_in_period`, num: sql`x.delivered_registered_early` },
  postpartum_visit: { source: 'population', den: sql`x.born_in_period`, num: sql`x.delivered_visited_postpartum` },
  referral_timely: { source: 'referral', den: sql`x.up AND x.timely_due`, num: sql`x.up AND x.timely_due AND x.seen_in_a_day` },
  referral_green_channel_share: { source: 'referral', den: sql`x.up`, num: sql`x.up AND x.green` },
  up_referral_rate: { source: 'referral_suggested', den: sql`true`, num: sql`x.referred` },
  down_referral_rate: { source: 'referral', den: sql`x.up AND x.completed`, num: sql`x.up AND x.completed AND x.down_referred` },
  discharge_tasks_on_time: { source: 'referral', den: sql`x.discharge_due`, num: sql`x.discharge_due AND x.discharge_on_time` },
  repeat_test_rate: { source: 'test_order', den: sql`true`, num: sql`x.repeated` },
};

/** Rows of a source for a scope: resident_id, group_id and the flags the predicates read. */
function sourceRows(source: Source, s: KpiScope, today: string): RawBuilder<unknown> {
  const { from, to } = s;
  if (source === 'hypertension' || source === 'diabetes') {
    const a: Attribution = { institution: sql`pe.institution_id`, team: sql`pe.team_id`, doctor: sql`pe.doctor_user_id` };
    // Required visits: 4 a year, pro rata to the days under management in the period (at least 1).
    const required = sql`greatest(1, round(${FOLLOW_UPS_PER_YEAR}::numeric * ((least(coalesce(pe.ended_on, ${to}::date), ${to}::date) - greatest(pe.enrolled_on, ${from}::date)) + 1) / 365.0))`;
    return sql`
      SELECT pe.resident_id, ${groupColumn(a, s)} AS group_id,
             coalesce(v.face_to_face, 0) >= ${required} AS standard,
             coalesce(v.last_kpi_controlled, false) AS controlled
        FROM programme_enrolment pe
        LEFT JOIN (
          -- The latest visit's control flag without sorting each patient's visits: the max of one
          -- bigint key ordered by (visit date, time recorded) whose lowest bit is the flag.
          SELECT f.enrolment_id, count(*) FILTER (WHERE f.visit_mode <> 'phone') AS face_to_face,
                 max((((f.visit_date - DATE '2000-01-01')::bigint << 31) + extract(epoch FROM f.recorded_at)::bigint) * 2
                     + f.kpi_controlled::int) % 2 = 1 AS last_kpi_controlled
            FROM followup_visit f
           WHERE f.programme = ${source} AND f.entry_status = 'active' AND f.visit_date BETWEEN ${from}::date AND ${to}::date
           GROUP BY f.enrolment_id
        ) v ON v.enrolment_id = pe.id
       WHERE pe.programme = ${source} AND pe.enrolled_on <= ${to}::date
         AND (pe.ended_on IS NULL OR pe.ended_on >= ${from}::date) AND ${scopeFilter(a, s)}`;
  }
  if (source === 'referral') {
    // Attributed to the community end (the sender of an up-referral, the receiver of a down one) and
    // the team and GP of the contract in force at the period's end.
    const a: Attribution = { institution: sql`CASE f.direction WHEN 'up' THEN f.from_institution_id ELSE f.to_institution_id END`, team: sql`c.team_id`, doctor: sql`c.gp_user_id` };
    const until = to < today ? to : today;
    return sql`
      SELECT f.resident_id, ${groupColumn(a, s)} AS group_id,
             f.direction = 'up' AS up,
             f.urgency = 'green_channel' AS green,
             (f.status NOT IN ('cancelled', 'rejected') AND (f.seen_at IS NOT NULL OR f.requested_at < now() - interval '1 day')) AS timely_due,
             coalesce(f.seen_at <= f.requested_at + interval '1 day', false) AS seen_in_a_day,
             f.status = 'completed' AS completed,
             EXISTS (SELECT 1 FROM referral d WHERE d.parent_referral_id = f.id AND d.direction = 'down') AS down_referred,
             (f.direction = 'down' AND dt.n > 0 AND dt.last_window <= ${until}::date) AS discharge_due,
             coalesce(dt.n = dt.on_time, false) AS discharge_on_time
        FROM referral f
        LEFT JOIN contract c ON c.resident_id = f.resident_id AND ${contractInForce('c', to)}
        LEFT JOIN LATERAL (
          SELECT count(*)::int AS n, count(*) FILTER (WHERE t.status = 'done' AND t.done_on <= t.window_end)::int AS on_time, max(t.window_end) AS last_window
            FROM care_task t WHERE t.referral_id = f.id AND t.task_code LIKE 'discharge:%' AND t.status <> 'cancelled') dt ON f.direction = 'down'
       WHERE f.requested_at >= (${from}::date::timestamp - interval '8 hours') AT TIME ZONE 'UTC'
         AND f.requested_at < ((${to}::date + 1)::timestamp - interval '8 hours') AT TIME ZONE 'UTC'
         AND ${scopeFilter(a, s)}`;
  }
  if (source === 'referral_suggested') {
    // Follow-ups classified urgent or refer, and whether an up-referral followed within 14 days: the
    // period's up-referrals are hashed once per resident (China dates), not probed per visit.
    const a: Attribution = { institution: sql`v.institution_id`, team: sql`v.team_id`, doctor: sql`v.recorded_by` };
    return sql`
      SELECT v.resident_id, ${groupColumn(a, s)} AS group_id,
             coalesce(EXISTS (SELECT 1 FROM unnest(rr.days) d WHERE d BETWEEN v.visit_date AND v.visit_date + 14), false) AS referred
        FROM followup_visit v
        LEFT JOIN (
          SELECT resident_id, array_agg((requested_at AT TIME ZONE 'UTC' + interval '8 hours')::date) AS days
            FROM referral
           WHERE direction = 'up'
             AND requested_at >= (${from}::date::timestamp - interval '8 hours') AT TIME ZONE 'UTC'
             AND requested_at < ((${to}::date + 15)::timestamp - interval '8 hours') AT TIME ZONE 'UTC'
           GROUP BY resident_id) rr ON rr.resident_id = v.resident_id
       WHERE (v.urgent OR v.referral_suggested) AND v.entry_status = 'active'
         AND v.visit_date BETWEEN ${from}::date AND ${to}::date AND ${scopeFilter(a, s)}`;
  }
  if (source === 'test_order') {
    // Orders that met a recognised result inside its window: reused or repeated.
    const a: Attribution = { institution: sql`o.institution_id`, team: sql`c.team_id`, doctor: sql`o.ordered_by` };
    return sql`
      SELECT o.resident_id, ${groupColumn(a, s)} AS group_id, o.decision = 'repeated' AS repeated
        FROM test_order o
        LEFT JOIN contract c ON c.resident_id = o.resident_id AND ${contractInForce('c', to)}
       WHERE o.decision <> 'new'
         AND o.ordered_at >= (${from}::date::timestamp - interval '8 hours') AT TIME ZONE 'UTC'
         AND o.ordered_at < ((${to}::date + 1)::timestamp - interval '8 hours') AT TIME ZONE 'UTC'
         AND ${scopeFilter(a, s)}`;
  }
  if (source === 'timeliness') {
    // Attributed through the task's team (its centre, its GP): no join to the enrolments needed.
    const a: Attribution = { institution: sql`tm.institution_id`, team: sql`t.team_id`, doctor: sql`gp.user_id` };
    const until = to < today ? to : today;
    return sql`
      SELECT t.resident_id, ${groupColumn(a, s)} AS group_id, (t.status = 'done' AND t.done_on <= t.window_end) AS on_time
        FROM care_task t
        JOIN team tm ON tm.id = t.team_id
        LEFT JOIN team_member gp ON gp.team_id = t.team_id AND gp.team_role = 'gp'
       WHERE t.programme IN ('hypertension', 'diabetes') AND t.status <> 'cancelled'
         AND t.window_end BETWEEN ${from}::date AND ${until}::date AND ${scopeFilter(a, s)}`;
  }
  const a: Attribution = { institution: sql`coalesce(i.parent_id, i.id)`, team: sql`c.team_id`, doctor: sql`c.gp_user_id` };
  const since = addDays(addYears(to, -1), 1);
  const elderlyBorn = addYears(to, -ELDERLY_MIN_AGE);
  // Each set is read from a narrow covering index and hashed once; every resident is probed in one pass.
  const dynamicEntry = sql`
    SELECT resident_id FROM followup_visit WHERE entry_status = 'active' AND visit_date BETWEEN ${since}::date AND ${to}::date
    UNION ALL SELECT resident_id FROM encounter WHERE entry_status = 'active' AND started_at >= ${since}::date AND started_at < (${to}::date + 1)
    UNION ALL SELECT resident_id FROM screening WHERE entry_status = 'active' AND measured_on BETWEEN ${since}::date AND ${to}::date
    UNION ALL SELECT resident_id FROM elderly_assessment WHERE entry_status = 'active' AND assessed_on BETWEEN ${since}::date AND ${to}::date`;
  const elderlyDone = sql`
    SELECT resident_id FROM care_task WHERE programme = 'elderly' AND status = 'done' AND done_on BETWEEN ${from}::date AND ${to}::date
    UNION ALL SELECT resident_id FROM elderly_assessment WHERE entry_status = 'active' AND assessed_on BETWEEN ${from}::date AND ${to}::date`;
  const chronic = sql`SELECT resident_id FROM programme_enrolment WHERE status = 'active' AND programme IN ('hypertension', 'diabetes')`;
  const newbornVisited = sql`
    SELECT resident_id FROM care_task WHERE programme = 'child' AND status = 'done' AND task_code = 'newborn_home_visit' AND done_on <= window_end`;
  return sql`
    WITH mothers AS (
           SELECT pe.resident_id,
                  bool_or(t.task_code = 'antenatal_registration' AND t.done_on <= t.window_end) AS registered_early,
                  bool_or(t.task_code = 'postpartum_home_visit'
                          AND t.done_on <= (coalesce(pe.details->>'dischargeDate', pe.details->>'deliveryDate')::date + 28)) AS visited_postpartum
             FROM programme_enrolment pe
             JOIN care_task t ON t.resident_id = pe.resident_id AND t.programme = 'maternal' AND t.status = 'done'
            WHERE pe.programme = 'maternal' AND (pe.details->>'deliveryDate')::date BETWEEN ${from}::date AND ${to}::date
            GROUP BY pe.resident_id)
    SELECT r.id AS resident_id, ${groupColumn(a, s)} AS group_id,
           r.birth_date <= ${elderlyBorn}::date AS elderly,
           c.team_id IS NOT NULL AS contracted,
           r.id IN (${chronic}) AS chronic,
           -- resident_activity answers when its latest date is inside the period's reach; only a
           -- period ending before the resident's latest entry goes back to the source tables.
           CASE WHEN ra.last_elderly_check_on IS NULL OR ra.last_elderly_check_on < ${from}::date THEN false
                WHEN ra.last_elderly_check_on <= ${to}::date THEN true
                ELSE r.id IN (${elderlyDone}) END AS elderly_done,
           CASE WHEN ra.last_entry_on IS NULL OR ra.last_entry_on < ${since}::date THEN false
                WHEN ra.last_entry_on <= ${to}::date THEN true
                ELSE r.id IN (${dynamicEntry}) END AS dynamic_entry,
           r.birth_date BETWEEN ${from}::date AND ${to}::date AS born_in_period,
           r.id IN (${newbornVisited}) AS newborn_visited,
           coalesce(m.registered_early, false) AS delivered_registered_early,
           coalesce(m.visited_postpartum, false) AS delivered_visited_postpartum
      FROM resident r
      LEFT JOIN institution i ON i.id = r.home_institution_id
      LEFT JOIN contract c ON c.resident_id = r.id AND ${contractInForce('c', to)}
      LEFT JOIN mothers m ON m.resident_id = r.id
      LEFT JOIN resident_activity ra ON ra.resident_id = r.id
     WHERE r.status = 'active' AND r.created_at < (${to}::date + 1) AND ${scopeFilter(a, s)}`;
}

/**
 * A district pass hashes hundreds of thousands of ids: give it the memory to do so without
 * spilling. The sources already run side by side on the pool; only the population pass, the
 * longest, also gets parallel workers.
 */
async function withKpiSettings<T>(db: Kysely<DB>, parallelWorkers: number, work: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await sql`SET LOCAL work_mem = '256MB'`.execute(trx);
    await sql.raw(`SET LOCAL max_parallel_workers_per_gather = ${Number(parallelWorkers)}`).execute(trx);
    return work(trx);
  });
}

const rate = (num: number, den: number) => (den === 0 ? null : Math.round((num / den) * 10_000) / 10_000);


export interface KpiCell {
  numerator: number | null;
  denominator: number | null;
  rate: number | null;
  suppressed: boolean;
}
const exactCell = (num: number, den: number): KpiCell => ({ numerator: num, denominator: den, rate: rate(num, den), suppressed: false });
/** A cell whose numerator or denominator is 1–4 is withheld whole (shown as <5): the rate would give it away. */
export const smallCellSafe = (num: number, den: number): KpiCell =>
  isSmallCell(num) || isSmallCell(den) ? { numerator: null, denominator: null, rate: null, suppressed: true } : exactCell(num, den);

async function groupNames(db: Kysely<SharedDB>, level: KpiLevel, ids: string[]): Promise<Map<string, string>> {
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
export function requireKpiAccess(ctx: CareContext, s: KpiScope) {
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
  const sources = [...new Set(codes.map((c) => INDICATOR_SQL[c].source))];
  const { results, names, groupIds } = await ctx.aggregate({ action: 'aggregate', resource: 'kpi', detail: { level: s.level, id: s.id, from: s.from, to: s.to } }, async (db) => {
    const perSource = await Promise.all(
      sources.map(async (source) => {
        const mine = codes.filter((c) => INDICATOR_SQL[c].source === source);
        const counts = mine.flatMap((c, k) => [
          sql`count(*) FILTER (WHERE ${INDICATOR_SQL[c].den})::int AS ${sql.ref(`den_${k}`)}`,
          sql`count(*) FILTER (WHERE ${INDICATOR_SQL[c].num})::int AS ${sql.ref(`num_${k}`)}`,
        ]);
        const { rows } = await withKpiSettings(db, source === 'population' ? 2 : 0, (trx) =>
          sql<Record<string, number> & { group_id: string | null }>`
            SELECT x.group_id::text AS group_id, ${sql.join(counts)} FROM (${sourceRows(source, s, today)}) x GROUP BY x.group_id`.execute(trx),
        );
        return mine.map((code, k) => ({ code, rows: rows.map((r) => ({ group_id: r.group_id, den: r[`den_${k}`]!, num: r[`num_${k}`]! })) }));
      }),
    );
    const byCode = new Map(perSource.flat().map((r) => [r.code, r]));
    const results = codes.map((code) => byCode.get(code)!);
    const groupIds = [...new Set(results.flatMap((r) => r.rows.map((g) => g.group_id)).filter((g): g is string => g !== null))];
    const names = await groupNames(ctx.shared, CHILD_LEVEL[s.level], groupIds);
    return { results, names, groupIds };
  });
  const childLevel = CHILD_LEVEL[s.level];
  // Aggregate-only roles never see a count that could point at a few people (1–4), at any level.
  const cell = suppressSmallCells(ctx.actor.role) ? smallCellSafe : exactCell;
  const indicators = results.map(({ code, rows }) => {
    const numerator = rows.reduce((n, r) => n + r.num, 0);
    const denominator = rows.reduce((n, r) => n + r.den, 0);
    const def = INDICATORS[code];
    return { code, nameZh: def.nameZh, nameEn: def.nameEn, ...cell(numerator, denominator), target: def.target };
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
                return [code, cell(g?.num ?? 0, g?.den ?? 0)];
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
    const shared = await ctx.shared.selectFrom('team_member').select('team_id').where('user_id', '=', s.id).where('team_id', 'in', ctx.actor.teamIds.length ? ctx.actor.teamIds : ['00000000-0000-0000-0000-000000000000']).executeTakeFirst();
    if (!shared) throw forbidden('Not a colleague of this doctor');
  }
  const def = INDICATOR_SQL[code];
  const filter = set === 'numerator' ? def.num : set === 'denominator' ? def.den : sql`(${def.den}) AND NOT (${def.num})`;
  // The residents behind the number, joined against the care-relationship query: a resident who
  // left the team's care leaves the list; each one shown is audited with the basis found.
  const rows = await ctx.listResidents({ resource: 'kpi.drilldown', fields: ['name'], detail: { code, set } }, async (accessible, db, today) => {
    const { rows } = await sql<{ resident_id: string; access_basis: AccessBasis; name: string; sex: string; birth_date: string; national_id_masked: string | null; units: number }>`
      SELECT r.id AS resident_id, acc.basis AS access_basis, r.name, r.sex, r.birth_date, r.national_id_masked, count(*)::int AS units
        FROM (${sourceRows(def.source, s, today)}) x
        JOIN ${accessible} acc ON acc.resident_id = x.resident_id
        JOIN resident r ON r.id = x.resident_id
       WHERE ${filter}
       GROUP BY r.id, acc.basis, r.name, r.sex, r.birth_date, r.national_id_masked
       ORDER BY r.name LIMIT ${limit}`.execute(db);
    return rows;
  });
  return rows.map((r) => ({ id: r.resident_id, name: r.name, sex: r.sex, birthDate: r.birth_date, nationalIdMasked: r.national_id_masked, units: r.units }));
}

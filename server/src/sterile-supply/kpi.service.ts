import { sql } from 'kysely';
import type { CareContext } from '../http/care-context.js';
import { badRequest } from '../http/errors.js';
import { todayIso } from '../shared/dates.js';
import { supplyScope } from './access.js';

/**
 * The module's KPIs, per centre and month, computed live:
 * - sterilisation pass rate (department-wide; the seed reports 100 % without numerator or denominator — ours is loads
 *   whose physical record passed, with no failed biological indicator and no failed external chemical indicator, over
 *   loads with a result recorded);
 * - on-time delivery: stops of runs due by today whose issue was done on the run date no later than the planned time
 *   + ON_TIME_GRACE_MINUTES, over those stops;
 * - discrepancy rate: collections that differed from the 换物单 (open or resolved) over collections counted;
 * - packs expired unused: packs whose expiry fell in the month (and has passed) while still in store or at a centre;
 * - recalls: packs recalled (by the centre holding them) and recalls opened.
 */
export const ON_TIME_GRACE_MINUTES = 30;
export const KPI_CODES = ['passRate', 'onTimeDelivery', 'discrepancyRate', 'expiredUnused', 'recalledPacks'] as const;

interface Fraction {
  numerator: number;
  denominator: number;
  rate: number | null;
}
const frac = (numerator: number, denominator: number): Fraction => ({ numerator, denominator, rate: denominator ? Math.round((numerator / denominator) * 1000) / 10 : null });

function months(from: string, to: string): string[] {
  const out: string[] = [];
  let [y, m] = from.split('-').map(Number) as [number, number];
  const [ty, tm] = to.split('-').map(Number) as [number, number];
  while (y < ty || (y === ty && m <= tm)) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    m += 1;
    if (m > 12) {
      m = 1;
      y += 1;
    }
  }
  return out;
}

export async function supplyKpis(ctx: CareContext, q: { from: string; to: string; departmentId?: string | undefined }) {
  const scope = await supplyScope(ctx, ['cssd_staff', 'cssd_centre_nurse', 'institution_admin', 'commission_admin'], q.departmentId);
  if (q.from > q.to) throw badRequest('querystring.from', 'is after to');
  const list = months(q.from, q.to);
  if (list.length > 24) throw badRequest('querystring.to', 'a period spans at most 24 months');
  const start = `${q.from}-01`;
  const [ty, tm] = q.to.split('-').map(Number) as [number, number];
  const end = tm === 12 ? `${ty + 1}-01-01` : `${ty}-${String(tm + 1).padStart(2, '0')}-01`;
  const today = todayIso();
  const dept = scope.departmentId;
  const db = ctx.shared;
  const month = (col: string) => sql<string>`to_char(${sql.ref(col)}, 'YYYY-MM')`;

  const [centres, loads, stops, expired, recalled, opened] = await Promise.all([
    db
      .selectFrom('ss_centre as c')
      .innerJoin('institution as i', 'i.id', 'c.centre_id')
      .select(['c.centre_id', 'i.name'])
      .where('c.department_id', '=', dept)
      .orderBy('c.route_name')
      .orderBy('c.stop_order')
      .execute(),
    db
      .selectFrom('ss_batch as b')
      .select([
        month('b.sterilised_on').as('month'),
        sql<number>`count(*)::int`.as('den'),
        sql<number>`count(*) FILTER (WHERE b.physical_pass
          AND NOT EXISTS (SELECT 1 FROM ss_bi_test t WHERE t.batch_id = b.id AND t.result = 'fail')
          AND NOT EXISTS (SELECT 1 FROM ss_pack p WHERE p.batch_id = b.id AND p.chemical_external = 'fail'))::int`.as('num'),
      ])
      .where('b.department_id', '=', dept)
      .where('b.status', 'in', ['completed', 'released', 'failed'])
      .where('b.sterilised_on', '>=', start)
      .where('b.sterilised_on', '<', end)
      .groupBy(sql`1`)
      .execute(),
    db
      .selectFrom('ss_stop as s')
      .innerJoin('ss_run as r', 'r.id', 's.run_id')
      .select([
        's.centre_id',
        month('r.run_date').as('month'),
        sql<number>`count(*) FILTER (WHERE r.run_date <= ${today}::date)::int`.as('due'),
        sql<number>`count(*) FILTER (WHERE s.progress = 8
          AND ((s.issued_at AT TIME ZONE 'UTC') + interval '8 hours')::date = r.run_date
          AND ((s.issued_at AT TIME ZONE 'UTC') + interval '8 hours')::time <= s.planned_time::time + make_interval(mins => ${ON_TIME_GRACE_MINUTES}))::int`.as('on_time'),
        sql<number>`count(*) FILTER (WHERE s.collection_status <> 'pending')::int`.as('collected'),
        sql<number>`count(*) FILTER (WHERE s.collection_status IN ('discrepancy','resolved'))::int`.as('discrepant'),
      ])
      .where('r.department_id', '=', dept)
      .where('r.run_date', '>=', start)
      .where('r.run_date', '<', end)
      .groupBy(['s.centre_id', sql`2`])
      .execute(),
    db
      .selectFrom('ss_pack as p')
      .select(['p.issued_centre_id as centre_id', month('p.expires_on').as('month'), sql<number>`count(*)::int`.as('n')])
      .where('p.department_id', '=', dept)
      .where('p.status', 'in', ['in_store', 'issued'])
      .where('p.expires_on', '<', today)
      .where('p.expires_on', '>=', start)
      .where('p.expires_on', '<', end)
      .groupBy(['p.issued_centre_id', sql`2`])
      .execute(),
    db
      .selectFrom('ss_recall_item as i')
      .innerJoin('ss_recall as r', 'r.id', 'i.recall_id')
      .select(['i.centre_id', month('r.opened_on').as('month'), sql<number>`count(*)::int`.as('packs'), sql<number>`count(DISTINCT r.id)::int`.as('recalls')])
      .where('r.department_id', '=', dept)
      .where('r.opened_on', '>=', start)
      .where('r.opened_on', '<', end)
      .groupBy(['i.centre_id', sql`2`])
      .execute(),
    db
      .selectFrom('ss_recall as r')
      .select([month('r.opened_on').as('month'), sql<number>`count(*)::int`.as('n')])
      .where('r.department_id', '=', dept)
      .where('r.opened_on', '>=', start)
      .where('r.opened_on', '<', end)
      .groupBy(sql`1`)
      .execute(),
  ]);

  const visible = scope.centreId ? centres.filter((c) => c.centre_id === scope.centreId) : centres;
  const rows = [];
  for (const m of list) {
    const sum = (arr: { month: string }[], pick: (x: never) => number, centre?: string | null) =>
      arr.filter((x) => x.month === m && (centre === undefined || (x as unknown as { centre_id: string | null }).centre_id === centre)).reduce((a, x) => a + pick(x as never), 0);
    if (!scope.centreId) {
      const load = loads.find((l) => l.month === m);
      rows.push({
        month: m,
        centreId: null,
        centreName: null,
        passRate: frac(load?.num ?? 0, load?.den ?? 0),
        onTimeDelivery: frac(sum(stops, (x: { on_time: number }) => x.on_time), sum(stops, (x: { due: number }) => x.due)),
        discrepancyRate: frac(sum(stops, (x: { discrepant: number }) => x.discrepant), sum(stops, (x: { collected: number }) => x.collected)),
        expiredUnused: sum(expired, (x: { n: number }) => x.n),
        recalledPacks: sum(recalled, (x: { packs: number }) => x.packs),
        recalls: opened.find((x) => x.month === m)?.n ?? 0,
      });
    }
    for (const c of visible) {
      rows.push({
        month: m,
        centreId: c.centre_id,
        centreName: c.name,
        passRate: null,
        onTimeDelivery: frac(sum(stops, (x: { on_time: number }) => x.on_time, c.centre_id), sum(stops, (x: { due: number }) => x.due, c.centre_id)),
        discrepancyRate: frac(sum(stops, (x: { discrepant: number }) => x.discrepant, c.centre_id), sum(stops, (x: { collected: number }) => x.collected, c.centre_id)),
        expiredUnused: sum(expired, (x: { n: number }) => x.n, c.centre_id),
        recalledPacks: sum(recalled, (x: { packs: number }) => x.packs, c.centre_id),
        recalls: sum(recalled, (x: { recalls: number }) => x.recalls, c.centre_id),
      });
    }
  }
  return { from: q.from, to: q.to, onTimeGraceMinutes: ON_TIME_GRACE_MINUTES, rows };
}

/**
 * The KPI dashboard through the real API (GET /api/kpi): the district for the current year (all
 * indicators, broken down by institution) as the health commission — target < 2 s — then one
 * institution (by team) and one team (by doctor). Dashboards load one at a time, so the default
 * concurrency here is 1. Run: npm run bench:kpi [-- --requests N --concurrency C].
 */
import { sql } from 'kysely';
import { todayIso } from '../server/src/shared/dates.js';
import { runBench, type BenchCase } from './support.js';

const today = todayIso();
const yearStart = `${today.slice(0, 4)}-01-01`;
const lastYear = { from: `${Number(today.slice(0, 4)) - 1}-01-01`, to: `${Number(today.slice(0, 4)) - 1}-12-31` };
const hasIndicators = (body: unknown) => (body as { indicators: { denominator: number }[] }).indicators.some((i) => i.denominator > 0);

if (!process.argv.includes('--concurrency') && !process.env.BENCH_CONCURRENCY) process.env.BENCH_CONCURRENCY = '1';
if (!process.argv.includes('--warmup') && !process.env.BENCH_WARMUP) process.env.BENCH_WARMUP = '2';

await runBench({
  name: 'kpi',
  notes: { endpoint: 'GET /api/kpi', target: 'district year < 2 s', period: { from: yearStart, to: today } },
  user: (env) => env.userWithRole('commission_admin', 'commission1'),
  cases: async (env) => {
    const { rows: inst } = await sql<{ id: string }>`SELECT id FROM institution WHERE kind = 'community_health_centre' ORDER BY code LIMIT 1`.execute(env.db);
    const { rows: team } = await sql<{ team_id: string; username: string }>`
      SELECT m.team_id, u.username FROM team_member m JOIN app_user u ON u.id = m.user_id
       WHERE m.team_role = 'gp' ORDER BY u.username LIMIT 1`.execute(env.db);
    const cases: BenchCase[] = [
      { label: 'district, this year, all indicators', urls: [`/api/kpi?level=region&from=${yearStart}&to=${today}`], requests: 20, check: hasIndicators },
      { label: 'district, last calendar year', urls: [`/api/kpi?level=region&from=${lastYear.from}&to=${lastYear.to}`], requests: 10, check: hasIndicators },
      { label: 'one centre, this year, by team', urls: [`/api/kpi?level=institution&id=${inst[0]!.id}&from=${yearStart}&to=${today}`], requests: 20, check: hasIndicators },
    ];
    if (team[0]) {
      cases.push({ label: 'one team (its GP), this year', user: team[0].username, urls: [`/api/kpi?level=team&id=${team[0].team_id}&from=${yearStart}&to=${today}`], requests: 30, check: hasIndicators });
    }
    return cases;
  },
});

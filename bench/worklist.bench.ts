/**
 * Team worklists through the real API (GET /api/worklist) at district scale. The team with the most
 * open tasks is measured (the worst case), logged in as its health manager, for every bucket and sort;
 * a second case cycles through the health managers of 12 other teams. Target: p99 < 300 ms.
 * Run: npm run bench:worklist [-- --requests N --concurrency C].
 */
import { sql } from 'kysely';
import { runBench, type BenchCase } from './support.js';

interface WorklistBody {
  items: unknown[];
  counts: Record<string, number>;
}
const nonEmpty = (body: unknown) => (body as WorklistBody).items.length > 0;

await runBench({
  name: 'worklist',
  notes: { endpoint: 'GET /api/worklist', target: 'p99 < 300 ms', team: 'the team with the most open tasks; page size 100' },
  user: async (env) => {
    const { rows } = await sql<{ username: string }>`
      SELECT u.username FROM care_task t
        JOIN team_member m ON m.team_id = t.team_id AND m.team_role = 'health_manager'
        JOIN app_user u ON u.id = m.user_id
       WHERE t.status = 'open'
       GROUP BY u.username ORDER BY count(*) DESC LIMIT 1`.execute(env.db);
    if (!rows[0]) throw new Error('no open tasks: generate a district first');
    return rows[0].username;
  },
  cases: async (env) => {
    const { rows: team } = await sql<{ team_id: string; open: number }>`
      SELECT t.team_id, count(*)::int AS open FROM care_task t WHERE t.status = 'open' AND t.team_id IS NOT NULL
       GROUP BY t.team_id ORDER BY count(*) DESC LIMIT 1`.execute(env.db);
    const teamId = team[0]!.team_id;
    console.log(`  worst-case team ${teamId}: ${team[0]!.open} open tasks`);
    const { rows: others } = await sql<{ username: string; team_id: string }>`
      SELECT u.username, m.team_id FROM team_member m JOIN app_user u ON u.id = m.user_id
       WHERE m.team_role = 'health_manager' AND m.team_id <> ${teamId}::uuid ORDER BY u.username LIMIT 12`.execute(env.db);
    const url = (bucket: string, sort = 'due', team = teamId) => `/api/worklist?teamId=${team}&bucket=${bucket}&sort=${sort}&limit=100`;
    const cases: BenchCase[] = [
      { label: 'due this week', urls: [url('due_this_week')], check: nonEmpty },
      { label: 'overdue, most overdue first', urls: [url('overdue', 'overdue')], check: nonEmpty },
      { label: 'urgent', urls: [url('urgent', 'priority')] },
      { label: 'all open, by colour', urls: [url('open', 'colour')], check: nonEmpty },
      { label: 'all open, page 5', urls: [`${url('open')}&offset=400`] },
      { label: 'referred back', urls: [url('referred_back')] },
      { label: 'hypertension only, red', urls: [`${url('open')}&programme=hypertension&colour=red`] },
    ];
    for (const o of others.slice(0, 3)) {
      cases.push({ label: `other team (${o.username}), due this week`, user: o.username, urls: [url('due_this_week', 'due', o.team_id)], requests: 300 });
    }
    return cases;
  },
});

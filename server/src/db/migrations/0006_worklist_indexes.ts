import { sql, type Kysely } from 'kysely';

/**
 * Worklists at district scale (bench:worklist): a team's open tasks are a few thousand rows spread
 * over the whole table, so the bucket counts and pages are served by index-only scans of partial
 * covering indexes on open tasks; "referred back" starts from the team's active contracts.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
DROP INDEX care_task_team_idx;
DROP INDEX care_task_assignee_idx;
CREATE INDEX care_task_team_open_idx ON care_task(team_id, due_date) INCLUDE (window_end, priority, programme) WHERE status = 'open';
CREATE INDEX care_task_assignee_open_idx ON care_task(assignee_user_id, due_date) INCLUDE (window_end, priority, programme, team_id) WHERE status = 'open';
CREATE INDEX contract_team_active_idx ON contract(team_id) INCLUDE (resident_id) WHERE status = 'active';
CREATE INDEX referral_returned_idx ON referral(resident_id, (coalesce(returned_at, updated_at))) WHERE direction = 'down' OR status = 'returned';
`,
    )
    .execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only; restore from backup to go back.');
}

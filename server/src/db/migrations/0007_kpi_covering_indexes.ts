import { sql, type Kysely } from 'kysely';

/**
 * KPIs are computed live over the whole district (bench:kpi). Visits, encounters, tasks and the
 * resident list are wide rows; these covering indexes let each KPI pass read narrow index-only
 * scans instead of the tables themselves.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
DROP INDEX followup_visit_kpi_idx;
CREATE INDEX followup_visit_kpi_idx ON followup_visit(programme, visit_date)
  INCLUDE (enrolment_id, kpi_controlled, visit_mode, recorded_at, resident_id) WHERE entry_status = 'active';
CREATE INDEX followup_visit_activity_idx ON followup_visit(visit_date) INCLUDE (resident_id) WHERE entry_status = 'active';
CREATE INDEX encounter_activity_idx ON encounter(started_at) INCLUDE (resident_id) WHERE entry_status = 'active';
CREATE INDEX screening_activity_idx ON screening(measured_on) INCLUDE (resident_id) WHERE entry_status = 'active';
CREATE INDEX elderly_assessment_activity_idx ON elderly_assessment(assessed_on) INCLUDE (resident_id) WHERE entry_status = 'active';
DROP INDEX care_task_kpi_idx;
CREATE INDEX care_task_kpi_idx ON care_task(programme, window_end) INCLUDE (resident_id, team_id, status, done_on, task_code);
CREATE INDEX care_task_done_idx ON care_task(programme, done_on) INCLUDE (resident_id, task_code, window_end) WHERE status = 'done';
CREATE INDEX resident_kpi_idx ON resident(status) INCLUDE (id, home_institution_id, birth_date, created_at);
CREATE INDEX contract_kpi_idx ON contract(end_date) INCLUDE (resident_id, start_date, status, ended_at, team_id, gp_user_id);
CREATE INDEX programme_enrolment_chronic_idx ON programme_enrolment(programme, status) INCLUDE (resident_id);
`,
    )
    .execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only; restore from backup to go back.');
}

import { sql, type Kysely } from 'kysely';

/**
 * resident_activity keeps, per resident, the date of the latest dynamic record entry (follow-up,
 * encounter, screening, assessment) and of the latest elderly annual check. It is derived data,
 * kept exact by statement-level triggers on every table that feeds it (any insert, and updates such
 * as a cancellation or a merge moving rows), so the district KPIs need not scan those tables.
 * 健康档案使用率 and 老年人健康管理率 read it; periods ending before a resident's latest entry fall
 * back to the source tables.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
CREATE INDEX care_task_resident_idx ON care_task(resident_id, programme) INCLUDE (status, done_on);
CREATE INDEX screening_resident_active_idx ON screening(resident_id, measured_on) WHERE entry_status = 'active';

CREATE TABLE resident_activity (
  resident_id uuid PRIMARY KEY REFERENCES resident(id),
  last_entry_on date,
  last_elderly_check_on date
);

CREATE FUNCTION refresh_resident_activity(ids uuid[]) RETURNS void LANGUAGE sql AS $fn$
  INSERT INTO resident_activity (resident_id, last_entry_on, last_elderly_check_on)
  SELECT r.id,
         greatest(
           (SELECT max(f.visit_date) FROM followup_visit f WHERE f.resident_id = r.id AND f.entry_status = 'active'),
           (SELECT max(e.started_at)::date FROM encounter e WHERE e.resident_id = r.id AND e.entry_status = 'active'),
           (SELECT max(s.measured_on) FROM screening s WHERE s.resident_id = r.id AND s.entry_status = 'active'),
           (SELECT max(a.assessed_on) FROM elderly_assessment a WHERE a.resident_id = r.id AND a.entry_status = 'active')),
         greatest(
           (SELECT max(t.done_on) FROM care_task t WHERE t.resident_id = r.id AND t.programme = 'elderly' AND t.status = 'done'),
           (SELECT max(a.assessed_on) FROM elderly_assessment a WHERE a.resident_id = r.id AND a.entry_status = 'active'))
    FROM (SELECT DISTINCT unnest(ids) AS id) r
  ON CONFLICT (resident_id) DO UPDATE
    SET last_entry_on = excluded.last_entry_on, last_elderly_check_on = excluded.last_elderly_check_on;
$fn$;

CREATE FUNCTION resident_activity_after_insert() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM refresh_resident_activity(ARRAY(SELECT resident_id FROM new_rows));
  RETURN NULL;
END $fn$;

CREATE FUNCTION resident_activity_after_update() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM refresh_resident_activity(ARRAY(SELECT resident_id FROM new_rows UNION SELECT resident_id FROM old_rows));
  RETURN NULL;
END $fn$;
`,
    )
    .execute(db);
  for (const table of ['followup_visit', 'encounter', 'screening', 'elderly_assessment', 'care_task']) {
    await sql
      .raw(
        `
CREATE TRIGGER ${table}_activity_insert AFTER INSERT ON ${table}
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION resident_activity_after_insert();
CREATE TRIGGER ${table}_activity_update AFTER UPDATE ON ${table}
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION resident_activity_after_update();
`,
      )
      .execute(db);
  }
  // Existing data: one refresh over every resident that has any entry.
  await sql
    .raw(
      `SELECT refresh_resident_activity(ARRAY(
         SELECT resident_id FROM followup_visit UNION SELECT resident_id FROM encounter UNION SELECT resident_id FROM screening
         UNION SELECT resident_id FROM elderly_assessment UNION SELECT resident_id FROM care_task WHERE programme = 'elderly'));`,
    )
    .execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only; restore from backup to go back.');
}

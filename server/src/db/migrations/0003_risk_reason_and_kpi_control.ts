import { sql, type Kysely } from 'kysely';

/**
 * The colour's reason travels with the enrolment (shown on the record and the worklist in both
 * languages), and every visit carries its KPI control flag. Visits stored before this migration
 * were classified against the national target already (no custom targets existed), so their
 * `controlled` is their KPI control.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
ALTER TABLE programme_enrolment ADD COLUMN risk_reason text, ADD COLUMN risk_reason_en text;
UPDATE followup_visit SET kpi_controlled = controlled WHERE kpi_controlled IS NULL;
ALTER TABLE followup_visit ALTER COLUMN kpi_controlled SET NOT NULL;
`,
    )
    .execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only; restore from backup to go back.');
}

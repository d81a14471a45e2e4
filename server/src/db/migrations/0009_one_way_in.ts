import { sql, type Kysely } from 'kysely';

/**
 * One way in to personal data:
 * - lists are joined against the care-relationship query, whose referral branch is looked up by
 *   institution (both ends);
 * - break-the-glass leaves a notice task for the home team ('access' programme) and its emergency
 *   note is an emergency encounter tied to the access;
 * - an administrator's identity correction (a national ID entered in error) is kept with its reason,
 *   so that two records with different national IDs can then be merged.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
CREATE INDEX referral_from_institution_idx ON referral(from_institution_id, status) INCLUDE (resident_id);
CREATE INDEX referral_to_institution_idx ON referral(to_institution_id, status) INCLUDE (resident_id);
CREATE INDEX contract_team_in_force_idx ON contract(team_id, resident_id) INCLUDE (start_date, end_date, status, ended_at);

ALTER TABLE care_task DROP CONSTRAINT care_task_programme_check;
ALTER TABLE care_task ADD CONSTRAINT care_task_programme_check
  CHECK (programme IN ('hypertension','diabetes','elderly','child','maternal','screening','referral','access'));

ALTER TABLE encounter ADD COLUMN break_glass_id uuid REFERENCES break_glass(id);
CREATE INDEX break_glass_resident_idx ON break_glass(resident_id, created_at DESC);

CREATE TABLE identity_correction (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  resident_id uuid NOT NULL REFERENCES resident(id),
  field text NOT NULL CHECK (field IN ('national_id')),
  previous_enc bytea,
  previous_masked text,
  reason text NOT NULL CHECK (length(reason) >= 5),
  corrected_by uuid NOT NULL REFERENCES app_user(id),
  corrected_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX identity_correction_resident_idx ON identity_correction(resident_id);
`,
    )
    .execute(db);
}

export async function down(): Promise<void> {
  throw new Error('forward-only');
}

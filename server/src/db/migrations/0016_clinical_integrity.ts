import { sql, type Kysely } from 'kysely';

/**
 * Clinical integrity (issue 12), first increment:
 *
 * - Nothing the follow-up form accepts is dropped: random glucose, the hypoglycaemia reaction and the
 *   other-symptoms text get their own columns (other symptoms were folded into the note).
 * - Reminders the rules raise at a visit (the green-channel referral reminder) are stored on it.
 * - A screening keeps the BMI it was judged with and its findings (e.g. the 65+ diabetes high-risk
 *   verdict of seed 003).
 * - One follow-up per resident, programme and day unless the clinician confirms a separate visit:
 *   a unique index among active visits not marked separate. Existing same-day visits (all but the
 *   first recorded) are marked separate so the index can be built on an existing database.
 * - A care task remembers the entry whose recording opened it (care_task.opened_by), so cancelling a
 *   follow-up (注销) cancels exactly the tasks it opened and reopens the ones it completed (done_ref).
 * - Screenings and self-care assessments can be cancelled like the other entries: who, when, why.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
ALTER TABLE followup_visit
  ADD COLUMN random_glucose numeric(4,1) CHECK (random_glucose > 0),
  ADD COLUMN hypoglycaemia_reaction text CHECK (hypoglycaemia_reaction IN ('none', 'occasional', 'frequent')),
  ADD COLUMN other_symptoms text,
  ADD COLUMN reminders text[] NOT NULL DEFAULT '{}',
  ADD COLUMN separate_visit boolean NOT NULL DEFAULT false;

ALTER TABLE screening
  ADD COLUMN bmi numeric(4,1),
  ADD COLUMN findings text[] NOT NULL DEFAULT '{}';

ALTER TABLE care_task ADD COLUMN opened_by uuid;

ALTER TABLE screening
  ADD COLUMN cancelled_at timestamptz, ADD COLUMN cancelled_by uuid REFERENCES app_user(id), ADD COLUMN cancel_reason text;
ALTER TABLE elderly_assessment
  ADD COLUMN cancelled_at timestamptz, ADD COLUMN cancelled_by uuid REFERENCES app_user(id), ADD COLUMN cancel_reason text;

UPDATE followup_visit f SET separate_visit = true
 WHERE f.entry_status = 'active'
   AND EXISTS (
     SELECT 1 FROM followup_visit o
      WHERE o.resident_id = f.resident_id AND o.programme = f.programme AND o.visit_date = f.visit_date
        AND o.entry_status = 'active' AND o.id <> f.id
        AND (o.recorded_at, o.id) < (f.recorded_at, f.id));

CREATE UNIQUE INDEX followup_visit_same_day_uq ON followup_visit(resident_id, programme, visit_date)
  WHERE entry_status = 'active' AND NOT separate_visit;
`,
    )
    .execute(db);
}

import { sql, type Kysely } from 'kysely';

/**
 * Races are the database's job. Two constraints decide them, whatever the number of connections:
 *
 * - One contract in force per resident: no two ACTIVE contracts of a resident may cover the same
 *   day (an exclusion constraint over the [start, end) date range, btree_gist for the uuid). A
 *   renewal queued from the old end date touches but does not overlap, so it stays allowed. Active
 *   contracts that already overlap (left by the race this closes, or a new signing back-dated over a
 *   lapsed one) are kept once: the latest signed stays, earlier ones are marked superseded with the
 *   reason, so the constraint can be added to an existing database.
 * - Identical follow-ups are one visit: followup_visit.content_hash fingerprints the resident and
 *   the whole form (programme, visit date, values), unique among active visits; an
 *   Idempotency-Key sent by the client is unique per recording user.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
CREATE EXTENSION IF NOT EXISTS btree_gist SCHEMA public;

UPDATE contract c
   SET status = 'superseded', end_reason = 'duplicate active contract (migration 0011)', ended_at = now()
 WHERE c.status = 'active'
   AND EXISTS (
     SELECT 1 FROM contract o
      WHERE o.resident_id = c.resident_id AND o.status = 'active' AND o.id <> c.id
        AND daterange(o.start_date, o.end_date) && daterange(c.start_date, c.end_date)
        AND (o.created_at, o.id) > (c.created_at, c.id));

ALTER TABLE contract ADD CONSTRAINT contract_one_active_excl
  EXCLUDE USING gist (resident_id WITH =, daterange(start_date, end_date) WITH &&) WHERE (status = 'active');

ALTER TABLE followup_visit ADD COLUMN content_hash text, ADD COLUMN idempotency_key text;
CREATE UNIQUE INDEX followup_visit_content_uq ON followup_visit(content_hash) WHERE entry_status = 'active';
CREATE UNIQUE INDEX followup_visit_idempotency_uq ON followup_visit(recorded_by, idempotency_key) WHERE idempotency_key IS NOT NULL;
`,
    )
    .execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only; restore from backup to go back.');
}

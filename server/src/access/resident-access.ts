import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { isClinical, type Actor } from '../auth/actor.js';
import { todayIso } from '../shared/dates.js';

export type AccessBasis = 'self' | 'care_team' | 'referral' | 'break_glass';

export const OPEN_REFERRAL_STATUSES = ['requested', 'accepted', 'seen'] as const;
export const BREAK_GLASS_HOURS = 24;

/**
 * The single answer to "may this actor see this resident's record, and why?".
 * Care relationship first (contract of one of the actor's teams, then an open referral touching
 * the actor's institution), then an unexpired break-the-glass. Aggregate-only roles never match.
 */
export async function resolveResidentAccess(db: Kysely<DB>, actor: Actor, residentId: string): Promise<AccessBasis | null> {
  if (actor.role === 'resident') return actor.residentId === residentId ? 'self' : null;
  if (!isClinical(actor)) return null;
  const today = todayIso();
  const row = await sql<{ basis: AccessBasis | null }>`
    SELECT CASE
      WHEN EXISTS (
        SELECT 1 FROM contract c
        WHERE c.resident_id = ${residentId} AND c.status = 'active'
          AND c.start_date <= ${today}::date AND c.end_date > ${today}::date
          AND c.team_id::text = ANY(${actor.teamIds}::text[])
      ) THEN 'care_team'
      WHEN ${actor.institutionId}::uuid IS NOT NULL AND EXISTS (
        SELECT 1 FROM referral r
        WHERE r.resident_id = ${residentId} AND r.status = ANY(${[...OPEN_REFERRAL_STATUSES]}::text[])
          AND (r.from_institution_id = ${actor.institutionId}::uuid OR r.to_institution_id = ${actor.institutionId}::uuid)
      ) THEN 'referral'
      WHEN EXISTS (
        SELECT 1 FROM break_glass b
        WHERE b.user_id = ${actor.userId} AND b.resident_id = ${residentId} AND b.expires_at > now()
      ) THEN 'break_glass'
    END AS basis`.execute(db);
  return row.rows[0]?.basis ?? null;
}

import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { isClinical, type Actor } from '../auth/actor.js';
import { todayIso } from '../shared/dates.js';

export type AccessBasis = 'self' | 'care_team' | 'referral' | 'break_glass';

export const OPEN_REFERRAL_STATUSES = ['requested', 'accepted', 'seen'] as const;
export const BREAK_GLASS_HOURS = 24;

/**
 * The single answer to "may this actor see these residents' records, and why?".
 * Care relationship first (contract of one of the actor's teams, then an open referral touching
 * the actor's institution), then an unexpired break-the-glass. Aggregate-only roles never match.
 * One query for any number of residents (a record read asks for one, a search page for twenty).
 */
export async function resolveResidentsAccess(db: Kysely<DB>, actor: Actor, residentIds: readonly string[]): Promise<Map<string, AccessBasis>> {
  const result = new Map<string, AccessBasis>();
  if (residentIds.length === 0) return result;
  if (actor.role === 'resident') {
    if (actor.residentId && residentIds.includes(actor.residentId)) result.set(actor.residentId, 'self');
    return result;
  }
  if (!isClinical(actor)) return result;
  const today = todayIso();
  const { rows } = await sql<{ id: string; basis: AccessBasis | null }>`
    SELECT x.id, CASE
      WHEN EXISTS (
        SELECT 1 FROM contract c
        WHERE c.resident_id = x.id AND c.status = 'active'
          AND c.start_date <= ${today}::date AND c.end_date > ${today}::date
          AND c.team_id::text = ANY(${actor.teamIds}::text[])
      ) THEN 'care_team'
      WHEN ${actor.institutionId}::uuid IS NOT NULL AND EXISTS (
        SELECT 1 FROM referral r
        WHERE r.resident_id = x.id AND r.status = ANY(${[...OPEN_REFERRAL_STATUSES]}::text[])
          AND (r.from_institution_id = ${actor.institutionId}::uuid OR r.to_institution_id = ${actor.institutionId}::uuid)
      ) THEN 'referral'
      WHEN EXISTS (
        SELECT 1 FROM break_glass b
        WHERE b.user_id = ${actor.userId} AND b.resident_id = x.id AND b.expires_at > now()
      ) THEN 'break_glass'
    END AS basis
    FROM unnest(${[...residentIds]}::uuid[]) AS x(id)`.execute(db);
  for (const r of rows) if (r.basis) result.set(r.id, r.basis);
  return result;
}

export async function resolveResidentAccess(db: Kysely<DB>, actor: Actor, residentId: string): Promise<AccessBasis | null> {
  return (await resolveResidentsAccess(db, actor, [residentId])).get(residentId) ?? null;
}

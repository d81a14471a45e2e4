import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DB } from '../db/schema.js';
import { isClinical, type Actor } from '../auth/actor.js';

/**
 * The one definition of "who may see which residents, on what basis, as of a date (China time)".
 * Everything that reads resident data goes through these fragments: the single-record check, search,
 * worklists, KPI drill-downs, duplicate lists, merge — and later referrals, FHIR search and devices.
 */
export type AccessBasis = 'self' | 'care_team' | 'referral' | 'break_glass';

/** Bases that make a care relationship; break-the-glass is time-boxed read access, not one. */
export const CARE_RELATIONSHIP_BASES: readonly AccessBasis[] = ['self', 'care_team', 'referral'];

/** A referral under way (FHIR Task states, see referrals/referral-rules.ts OPEN_STATUSES). */
export const OPEN_REFERRAL_STATUSES = ['requested', 'received', 'accepted', 'in_progress', 'on_hold'] as const;
export const BREAK_GLASS_HOURS = 24;

/** Start of the calendar day after `asOf` in China time, as an instant (for timestamptz columns). */
const chinaDayEnd = (asOf: string) => sql`((${asOf}::date + 1)::timestamp - interval '8 hours') AT TIME ZONE 'UTC'`;

/**
 * A family-doctor contract in force on a calendar date: started, not yet at its end date, and not
 * ended early (terminated or superseded) on or before that date. The same words hold for today and
 * for a past date (a KPI period's end), so the access check and the KPIs cannot disagree.
 */
export function contractInForce(alias: string, asOf: string): RawBuilder<boolean> {
  const c = sql.ref(alias);
  return sql<boolean>`(${c}.start_date <= ${asOf}::date AND ${c}.end_date > ${asOf}::date
    AND (${c}.status = 'active' OR ${c}.ended_at >= ${chinaDayEnd(asOf)}))`;
}

/**
 * The residents an actor may see, one row per (resident, basis) with a rank (lower wins):
 * self, care team (a contract in force with one of the actor's teams), referral (an open referral
 * from or to the actor's institution), break-the-glass (unexpired, the actor's own). Aggregate-only
 * roles (commission, insurance, institution administrators) match nothing.
 * A UNION ALL of indexed branches (index-only for lists), so a filter on resident_id is pushed into
 * every branch. A NULL institution matches no referral.
 */
function accessibleResidentRows(actor: Actor, asOf: string): RawBuilder<{ resident_id: string; basis: AccessBasis; rank: number }> {
  if (actor.role === 'resident') {
    return sql`(SELECT ${actor.residentId}::uuid AS resident_id, 'self'::text AS basis, 0 AS rank WHERE ${actor.residentId}::uuid IS NOT NULL)`;
  }
  if (!isClinical(actor)) return sql`(SELECT NULL::uuid AS resident_id, NULL::text AS basis, 0 AS rank WHERE false)`;
  return sql`(
    SELECT c.resident_id, 'care_team'::text AS basis, 1 AS rank FROM contract c
     WHERE c.team_id = ANY(${actor.teamIds}::uuid[]) AND ${contractInForce('c', asOf)}
    UNION ALL
    SELECT f.resident_id, 'referral'::text, 2 FROM referral f
     WHERE f.from_institution_id = ${actor.institutionId}::uuid AND f.status = ANY(${[...OPEN_REFERRAL_STATUSES]}::text[])
    UNION ALL
    SELECT f.resident_id, 'referral'::text, 2 FROM referral f
     WHERE f.to_institution_id = ${actor.institutionId}::uuid AND f.status = ANY(${[...OPEN_REFERRAL_STATUSES]}::text[])
    UNION ALL
    SELECT b.resident_id, 'break_glass'::text, 3 FROM break_glass b
     WHERE b.user_id = ${actor.userId}::uuid AND b.expires_at > now()
  )`;
}

/**
 * One row per resident the actor may see, with the strongest basis: the relation to join a list
 * against (alias it, e.g. `JOIN ${accessibleResidents(actor, today)} acc ON acc.resident_id = t.resident_id`).
 */
export function accessibleResidents(actor: Actor, asOf: string): RawBuilder<{ resident_id: string; basis: AccessBasis }> {
  return sql`(SELECT a.resident_id, (array_agg(a.basis ORDER BY a.rank))[1] AS basis
                FROM ${accessibleResidentRows(actor, asOf)} a GROUP BY a.resident_id)`;
}

/** The basis (or nothing) for each of the given residents: one query for one record or a page. */
export async function resolveResidentsAccess(db: Kysely<DB>, actor: Actor, residentIds: readonly string[], asOf: string): Promise<Map<string, AccessBasis>> {
  const result = new Map<string, AccessBasis>();
  if (residentIds.length === 0) return result;
  // The filter on the grouping column is pushed through the GROUP BY into every branch.
  const { rows } = await sql<{ resident_id: string; basis: AccessBasis }>`
    SELECT g.resident_id, g.basis FROM ${accessibleResidents(actor, asOf)} g
     WHERE g.resident_id = ANY(${[...residentIds]}::uuid[])`.execute(db);
  for (const r of rows) result.set(r.resident_id, r.basis);
  return result;
}

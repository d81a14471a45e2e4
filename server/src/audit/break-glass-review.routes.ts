import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { text } from '../http/schema-primitives.js';
import { careContext } from '../http/care-context.js';
import { conflict, errorResponses, notFound } from '../http/errors.js';
import { sql } from 'kysely';
import { contractInForce } from '../access/care-relationship.js';
import { todayIso } from '../shared/dates.js';
import { access } from '../http/route-access.js';

/**
 * Which break-the-glass accesses (alias b, its accessor u, its resident r) an institution reviews:
 * those of its staff, and those on residents at home in it or under a contract in force with one of
 * its teams. The list and the review use this one predicate.
 */
function reviewableBy(institutionId: string | null, today: string) {
  return sql<boolean>`(u.institution_id = ${institutionId}::uuid
    OR r.home_institution_id = ${institutionId}::uuid
    OR EXISTS (SELECT 1 FROM contract c JOIN team t ON t.id = c.team_id
                WHERE c.resident_id = b.resident_id AND t.institution_id = ${institutionId}::uuid AND ${contractInForce('c', today)}))`;
}

/**
 * Every break-the-glass is flagged for review by both institutions: the administrator sees those
 * made by their staff and those on residents in their institution's care (who, when, why — the resident only by masked ID) and records a judgement.
 */
export const breakGlassReviewRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/audit/break-glass', {
    config: access('oversight', () => ({ query: { status: 'all' } })),
    schema: {
      tags: ['access'],
      summary: 'Break-the-glass accesses by this institution’s staff, for review',
      querystring: z.strictObject({ status: z.enum(['pending', 'reviewed', 'all']).default('pending') }),
      response: {
        200: z.object({
          items: z.array(
            z.object({
              id: z.string().uuid(),
              createdAt: z.string(),
              actorName: z.string(),
              actorRole: z.string(),
              actorInstitutionName: z.string().nullable(),
              residentInstitutionName: z.string().nullable(),
              side: z.enum(['accessor', 'patient']).describe('accessor: your staff broke the glass; patient: the resident is in your care'),
              expiresAt: z.string(),
              emergencyNote: z.string().nullable(),
              residentIdMasked: z.string().nullable(),
              reason: z.string(),
              reviewOutcome: z.enum(['justified', 'unjustified']).nullable(),
              reviewedAt: z.string().nullable(),
            }),
          ),
        }),
        ...errorResponses,
      },
    },
  }, async (request) => {
    const ctx = careContext(request);
    const today = todayIso();
    const rows = await ctx.oversee(async (db) => {
      const { rows } = await sql<{
        id: string; created_at: Date; expires_at: Date; display_name: string; role: string; national_id_masked: string | null; reason: string;
        review_outcome: string | null; reviewed_at: Date | null; actor_institution_id: string | null; actor_institution: string | null;
        resident_institution: string | null; emergency_note: string | null;
      }>`
        SELECT b.id, b.created_at, b.expires_at, u.display_name, u.role, r.national_id_masked, b.reason, b.review_outcome, b.reviewed_at,
               u.institution_id AS actor_institution_id, ai.name AS actor_institution, hi.name AS resident_institution,
               (SELECT e.summary FROM encounter e WHERE e.break_glass_id = b.id AND e.entry_status = 'active' ORDER BY e.started_at DESC LIMIT 1) AS emergency_note
          FROM break_glass b
          JOIN app_user u ON u.id = b.user_id
          JOIN resident r ON r.id = b.resident_id
          LEFT JOIN institution ai ON ai.id = u.institution_id
          LEFT JOIN institution hi ON hi.id = r.home_institution_id
         WHERE ${reviewableBy(ctx.actor.institutionId, today)}
           AND ${request.query.status === 'pending' ? sql`b.reviewed_at IS NULL` : request.query.status === 'reviewed' ? sql`b.reviewed_at IS NOT NULL` : sql`true`}
         ORDER BY b.created_at DESC
         LIMIT 500`.execute(db);
      return rows;
    });
    await ctx.audit({ action: 'read', resource: 'break_glass', detail: { count: rows.length } });
    return {
      items: rows.map((r) => ({
        id: r.id,
        createdAt: new Date(r.created_at).toISOString(),
        expiresAt: new Date(r.expires_at).toISOString(),
        actorName: r.display_name,
        actorRole: r.role,
        actorInstitutionName: r.actor_institution,
        residentInstitutionName: r.resident_institution,
        side: r.actor_institution_id === ctx.actor.institutionId ? ('accessor' as const) : ('patient' as const),
        residentIdMasked: r.national_id_masked,
        reason: r.reason,
        emergencyNote: r.emergency_note,
        reviewOutcome: r.review_outcome as 'justified' | 'unjustified' | null,
        reviewedAt: r.reviewed_at ? new Date(r.reviewed_at).toISOString() : null,
      })),
    };
  });

  app.post('/audit/break-glass/:id/review', {
    config: access('oversight', (w) => ({ params: { id: w.breakGlassId }, body: { outcome: 'justified' } })),
    schema: {
      tags: ['access'],
      summary: 'Record the review of a break-the-glass access',
      params: z.strictObject({ id: z.string().uuid() }),
      body: z.strictObject({ outcome: z.enum(['justified', 'unjustified']), note: text(500, 0).optional() }),
      response: { 204: z.null(), ...errorResponses },
    },
  }, async (request, reply) => {
    const ctx = careContext(request);
    const today = todayIso();
    // Either institution reviews: the accessor's (their staff) or the patient's (their resident).
    await ctx.oversee((db) =>
      db.transaction().execute(async (trx) => {
        const { rows } = await sql<{ id: string; reviewed_at: Date | null; resident_id: string }>`
          SELECT b.id, b.reviewed_at, b.resident_id FROM break_glass b
            JOIN app_user u ON u.id = b.user_id JOIN resident r ON r.id = b.resident_id
           WHERE b.id = ${request.params.id}::uuid AND ${reviewableBy(ctx.actor.institutionId, today)}
           FOR UPDATE OF b`.execute(trx);
        const row = rows[0];
        if (!row) throw notFound('Break-the-glass access');
        if (row.reviewed_at) throw conflict('Already reviewed', 'already_reviewed');
        await trx.updateTable('break_glass').set({ reviewed_by: ctx.actor.userId, reviewed_at: new Date(), review_outcome: request.body.outcome }).where('id', '=', row.id).where('reviewed_at', 'is', null).execute();
        await ctx.audit({ action: 'review', resource: 'break_glass', residentId: row.resident_id, reason: request.body.note ?? null, accessBasis: 'administration', detail: { breakGlassId: row.id, outcome: request.body.outcome } }, trx);
      }),
    );
    return reply.status(204).send(null);
  });
};

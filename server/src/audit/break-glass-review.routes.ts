import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { text } from '../http/schema-primitives.js';
import { careContext } from '../http/care-context.js';
import { conflict, errorResponses, notFound } from '../http/errors.js';

/**
 * Every break-the-glass is flagged for review: the institution administrator sees those made by
 * their staff (who, when, why — the resident only by masked ID) and records a judgement.
 */
export const breakGlassReviewRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/audit/break-glass', {
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
    ctx.requireRole('institution_admin');
    let q = ctx.db
      .selectFrom('break_glass as b')
      .innerJoin('app_user as u', 'u.id', 'b.user_id')
      .innerJoin('resident as r', 'r.id', 'b.resident_id')
      .select(['b.id', 'b.created_at', 'u.display_name', 'u.role', 'r.national_id_masked', 'b.reason', 'b.review_outcome', 'b.reviewed_at'])
      .where('u.institution_id', '=', ctx.actor.institutionId)
      .orderBy('b.created_at', 'desc')
      .limit(500);
    if (request.query.status === 'pending') q = q.where('b.reviewed_at', 'is', null);
    if (request.query.status === 'reviewed') q = q.where('b.reviewed_at', 'is not', null);
    const rows = await q.execute();
    await ctx.audit({ action: 'read', resource: 'break_glass', detail: { count: rows.length } });
    return {
      items: rows.map((r) => ({
        id: r.id,
        createdAt: new Date(r.created_at).toISOString(),
        actorName: r.display_name,
        actorRole: r.role,
        residentIdMasked: r.national_id_masked,
        reason: r.reason,
        reviewOutcome: r.review_outcome as 'justified' | 'unjustified' | null,
        reviewedAt: r.reviewed_at ? new Date(r.reviewed_at).toISOString() : null,
      })),
    };
  });

  app.post('/audit/break-glass/:id/review', {
    schema: {
      tags: ['access'],
      summary: 'Record the review of a break-the-glass access',
      params: z.strictObject({ id: z.string().uuid() }),
      body: z.strictObject({ outcome: z.enum(['justified', 'unjustified']), note: text(500, 0).optional() }),
      response: { 204: z.null(), ...errorResponses },
    },
  }, async (request, reply) => {
    const ctx = careContext(request);
    ctx.requireRole('institution_admin');
    const row = await ctx.db
      .selectFrom('break_glass as b')
      .innerJoin('app_user as u', 'u.id', 'b.user_id')
      .select(['b.id', 'b.reviewed_at', 'b.resident_id'])
      .where('b.id', '=', request.params.id)
      .where('u.institution_id', '=', ctx.actor.institutionId)
      .executeTakeFirst();
    if (!row) throw notFound('Break-the-glass access');
    if (row.reviewed_at) throw conflict('Already reviewed');
    await ctx.db.transaction().execute(async (trx) => {
      await trx.updateTable('break_glass').set({ reviewed_by: ctx.actor.userId, reviewed_at: new Date(), review_outcome: request.body.outcome }).where('id', '=', row.id).execute();
      await ctx.audit({ action: 'review', resource: 'break_glass', residentId: row.resident_id, reason: request.body.note ?? null, detail: { breakGlassId: row.id, outcome: request.body.outcome } }, trx);
    });
    return reply.status(204).send(null);
  });
};

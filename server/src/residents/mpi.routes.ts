import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { z } from 'zod';
import { text } from '../http/schema-primitives.js';
import { careContext, type CareContext } from '../http/care-context.js';
import { badRequest, conflict, errorResponses, forbidden, notFound } from '../http/errors.js';
import { isClinical } from '../auth/actor.js';
import { DuplicateCandidate, ResidentIdParams } from './resident.schemas.js';
import { findDuplicateCandidates } from './duplicates.js';

/** Tables whose rows belong to one resident and move with a merge (and back with an unmerge). */
const RESIDENT_OWNED_TABLES = [
  'condition',
  'encounter',
  'observation',
  'medication',
  'immunization',
  'screening',
  'followup_visit',
  'programme_enrolment',
  'care_task',
  'elderly_assessment',
  'contract',
  'referral',
  'resident_identifier',
] as const;
type OwnedTable = (typeof RESIDENT_OWNED_TABLES)[number];
type MovedEntries = { table: OwnedTable; ids: string[] }[];

async function mergeResidents(ctx: CareContext, a: string, b: string, reason: string, score: number | null) {
  if (!isClinical(ctx.actor)) throw forbidden('Only clinical staff merge records');
  if (a === b) throw badRequest('body.residentB', 'must differ from residentA');
  // Both records must be within the actor's reach; each check is audited.
  await ctx.requireResidentAccess(a, { action: 'read', resource: 'resident', fields: ['merge_check'] });
  await ctx.requireResidentAccess(b, { action: 'read', resource: 'resident', fields: ['merge_check'] });
  return ctx.db.transaction().execute(async (trx) => {
    const rows = await trx.selectFrom('resident').select(['id', 'created_at', 'status']).where('id', 'in', [a, b]).forUpdate().execute();
    if (rows.some((r) => r.status === 'merged')) throw conflict('One of the records is already merged');
    // WS/T 517 §6.1: a duplicate merges into the earlier record.
    const [survivor, merged] = [...rows].sort((x, y) => +new Date(x.created_at) - +new Date(y.created_at) || x.id.localeCompare(y.id));
    // One active enrolment per programme: two running programmes must be reconciled (one ended) first.
    const clash = await trx
      .selectFrom('programme_enrolment')
      .select('programme')
      .where('resident_id', 'in', [a, b])
      .where('status', '=', 'active')
      .groupBy('programme')
      .having((eb) => eb.fn.countAll(), '>', 1)
      .executeTakeFirst();
    if (clash) throw conflict(`Both records are enrolled in ${clash.programme} management: end one enrolment before merging`);
    // One contract in force per person (contract_one_active_excl): the merged record's contracts that
    // overlap the survivor's end here as superseded (an unmerge does not revive them).
    await sql`
      UPDATE contract m SET status = 'superseded', end_reason = 'merged', ended_at = now()
       WHERE m.resident_id = ${merged!.id} AND m.status = 'active'
         AND EXISTS (SELECT 1 FROM contract s WHERE s.resident_id = ${survivor!.id} AND s.status = 'active'
                       AND daterange(s.start_date, s.end_date) && daterange(m.start_date, m.end_date))`.execute(trx);
    const moved: MovedEntries = [];
    for (const table of RESIDENT_OWNED_TABLES) {
      const ids = await trx
        .updateTable(table)
        .set({ resident_id: survivor!.id } as never)
        .where('resident_id', '=', merged!.id)
        .returning('id')
        .execute();
      if (ids.length) moved.push({ table, ids: ids.map((r) => (r as { id: string }).id) });
    }
    await trx.updateTable('resident').set({ status: 'merged', merged_into_id: survivor!.id, updated_at: new Date() }).where('id', '=', merged!.id).execute();
    const merge = await trx
      .insertInto('resident_merge')
      .values({ survivor_id: survivor!.id, merged_id: merged!.id, score, reason, moved_entries: JSON.stringify(moved), merged_by: ctx.actor.userId })
      .returning('id')
      .executeTakeFirstOrThrow();
    await ctx.audit(
      [
        { action: 'merge', resource: 'resident', residentId: survivor!.id, reason, detail: { mergeId: merge.id, mergedId: merged!.id } },
        { action: 'merge', resource: 'resident', residentId: merged!.id, reason, detail: { mergeId: merge.id, survivorId: survivor!.id } },
      ],
      trx,
    );
    return { mergeId: merge.id, survivorId: survivor!.id, mergedId: merged!.id, movedEntries: moved.reduce((n, m) => n + m.ids.length, 0) };
  });
}

async function unmerge(ctx: CareContext, mergeId: string, reason: string) {
  if (!isClinical(ctx.actor)) throw forbidden('Only clinical staff unmerge records');
  const merge = await ctx.db.selectFrom('resident_merge').selectAll().where('id', '=', mergeId).executeTakeFirst();
  if (!merge) throw notFound('Merge');
  if (merge.unmerged_at) throw conflict('Already unmerged');
  await ctx.requireResidentAccess(merge.survivor_id, { action: 'read', resource: 'resident', fields: ['unmerge_check'] });
  await ctx.db.transaction().execute(async (trx) => {
    for (const { table, ids } of merge.moved_entries as MovedEntries) {
      await trx.updateTable(table).set({ resident_id: merge.merged_id } as never).where('id', 'in', ids).execute();
    }
    await trx.updateTable('resident').set({ status: 'active', merged_into_id: null, updated_at: new Date() }).where('id', '=', merge.merged_id).execute();
    await trx
      .updateTable('resident_merge')
      .set({ unmerged_at: new Date(), unmerged_by: ctx.actor.userId, unmerge_reason: reason })
      .where('id', '=', mergeId)
      .execute();
    await ctx.audit(
      [
        { action: 'unmerge', resource: 'resident', residentId: merge.survivor_id, reason, detail: { mergeId } },
        { action: 'unmerge', resource: 'resident', residentId: merge.merged_id, reason, detail: { mergeId } },
      ],
      trx,
    );
  });
  return { survivorId: merge.survivor_id, restoredId: merge.merged_id };
}


export const mpiRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/residents/:id/duplicates',
    {
      schema: {
        tags: ['master index'],
        summary: 'Probable duplicates of this resident (name + birth date + sex + phone, scored)',
        params: ResidentIdParams,
        response: { 200: z.object({ items: z.array(DuplicateCandidate) }), ...errorResponses },
      },
    },
    async (request) => {
      const ctx = careContext(request);
      await ctx.requireResidentAccess(request.params.id, { action: 'read', resource: 'resident', fields: ['duplicates'] });
      const r = await ctx.db.selectFrom('resident').select(['name', 'birth_date', 'sex', 'phone_enc']).where('id', '=', request.params.id).executeTakeFirstOrThrow();
      const phone = r.phone_enc ? ctx.crypto.decrypt(r.phone_enc) : null;
      const items = await findDuplicateCandidates(ctx.db, ctx.crypto, { name: r.name, birthDate: r.birth_date, sex: r.sex, phone }, request.params.id);
      return { items };
    },
  );

  app.post(
    '/mpi/merges',
    {
      schema: {
        tags: ['master index'],
        summary: 'Merge two records of one person into the earlier one, with provenance',
        body: z.strictObject({
          residentA: z.string().uuid(),
          residentB: z.string().uuid(),
          reason: text(500, 5),
          score: z.number().min(0).max(1).optional(),
        }),
        response: {
          201: z.object({ mergeId: z.string().uuid(), survivorId: z.string().uuid(), mergedId: z.string().uuid(), movedEntries: z.number().int() }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const b = request.body;
      return reply.status(201).send(await mergeResidents(careContext(request), b.residentA, b.residentB, b.reason, b.score ?? null));
    },
  );

  app.post(
    '/mpi/merges/:mergeId/unmerge',
    {
      schema: {
        tags: ['master index'],
        summary: 'Undo a merge: the entries that moved go back to the restored record',
        params: z.strictObject({ mergeId: z.string().uuid() }),
        body: z.strictObject({ reason: text(500, 5) }),
        response: { 200: z.object({ survivorId: z.string().uuid(), restoredId: z.string().uuid() }), ...errorResponses },
      },
    },
    async (request) => unmerge(careContext(request), request.params.mergeId, request.body.reason),
  );
};

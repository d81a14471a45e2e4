import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { careContext, type CareContext } from '../http/care-context.js';
import { badRequest, conflict, errorResponses, notFound } from '../http/errors.js';
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
  'referral_event',
  'slot_booking',
  'test_order',
  'resident_identifier',
] as const;
type OwnedTable = (typeof RESIDENT_OWNED_TABLES)[number];
type MovedEntries = { table: OwnedTable; ids: string[] }[];

/**
 * Merges two records of one person. Needs a care relationship with both (break-the-glass never
 * becomes one through a merge) and refuses two different national IDs: those are two people, unless
 * an administrator has recorded that one was entered in error (an identity correction).
 */
async function mergeResidents(ctx: CareContext, a: string, b: string, reason: string, score: number | null) {
  ctx.requireClinical('Merging records');
  if (a === b) throw badRequest('body.residentB', 'must differ from residentA');
  return ctx.writeForResidents([a, b], { action: 'merge', resource: 'resident', reason, fields: ['merge'] }, async (trx) => {
    const rows = await trx.selectFrom('resident').select(['id', 'created_at', 'status', 'national_id_bidx']).where('id', 'in', [a, b]).forUpdate().execute();
    if (rows.some((r) => r.status === 'merged')) throw conflict('One of the records is already merged', 'already_merged');
    if (rows[0]!.national_id_bidx && rows[1]!.national_id_bidx && rows[0]!.national_id_bidx !== rows[1]!.national_id_bidx) {
      throw conflict('The two records carry different national IDs: they are two people. An administrator must record an identity correction first.', 'different_national_ids');
    }
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
    if (clash) throw conflict(`Both records are enrolled in ${clash.programme} management: end one enrolment before merging`, 'programme_clash');
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
    // The merged-away record keeps its national ID (search by it answers with the survivor); the
    // survivor takes it over when it has none.
    await trx.updateTable('resident').set({ status: 'merged', merged_into_id: survivor!.id, updated_at: new Date() }).where('id', '=', merged!.id).execute();
    const merge = await trx
      .insertInto('resident_merge')
      .values({ survivor_id: survivor!.id, merged_id: merged!.id, score, reason, moved_entries: JSON.stringify(moved), merged_by: ctx.actor.userId })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { mergeId: merge.id, survivorId: survivor!.id, mergedId: merged!.id, movedEntries: moved.reduce((n, m) => n + m.ids.length, 0) };
  });
}

async function unmerge(ctx: CareContext, mergeId: string, reason: string) {
  ctx.requireClinical('Unmerging records');
  const survivorId = await ctx.ownerOf('resident_merge', mergeId);
  return ctx.writeForResidents([survivorId], { action: 'unmerge', resource: 'resident', reason, detail: { mergeId } }, async (trx) => {
    const merge = await trx.selectFrom('resident_merge').selectAll().where('id', '=', mergeId).forUpdate().executeTakeFirstOrThrow();
    if (merge.unmerged_at) throw conflict('Already unmerged', 'already_unmerged');
    for (const { table, ids } of merge.moved_entries as MovedEntries) {
      await trx.updateTable(table).set({ resident_id: merge.merged_id } as never).where('id', 'in', ids).execute();
    }
    const restored = await trx
      .updateTable('resident')
      .set({ status: 'active', merged_into_id: null, updated_at: new Date() })
      .where('id', '=', merge.merged_id)
      .where('status', '=', 'merged')
      .returning('id')
      .executeTakeFirst();
    if (!restored) throw conflict('The merged record is no longer merged', 'already_unmerged');
    await trx
      .updateTable('resident_merge')
      .set({ unmerged_at: new Date(), unmerged_by: ctx.actor.userId, unmerge_reason: reason })
      .where('id', '=', mergeId)
      .where('unmerged_at', 'is', null)
      .execute();
    await ctx.audit({ action: 'unmerge', resource: 'resident', residentId: merge.merged_id, reason, detail: { mergeId } }, trx);
    return { survivorId: merge.survivor_id, restoredId: merge.merged_id };
  });
}

/**
 * An administrator of the resident's home institution records that the national ID on a record was
 * entered in error: the value leaves the record (kept encrypted in the correction, with the reason),
 * so the record can then be merged with the person's true record.
 */
async function correctNationalId(ctx: CareContext, residentId: string, reason: string) {
  return ctx.oversee(async (db) => {
    return db.transaction().execute(async (trx) => {
      const r = await trx
        .selectFrom('resident')
        .select(['id', 'national_id_enc', 'national_id_masked', 'home_institution_id'])
        .where('id', '=', residentId)
        .where('status', '<>', 'merged')
        .forUpdate()
        .executeTakeFirst();
      if (!r || r.home_institution_id !== ctx.actor.institutionId) throw notFound('Resident of this institution');
      if (!r.national_id_enc) throw conflict('The record has no national ID to correct', 'no_national_id');
      const row = await trx
        .insertInto('identity_correction')
        .values({ resident_id: residentId, field: 'national_id', previous_enc: r.national_id_enc, previous_masked: r.national_id_masked, reason, corrected_by: ctx.actor.userId })
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx.updateTable('resident').set({ national_id_enc: null, national_id_bidx: null, national_id_masked: null, updated_at: new Date() }).where('id', '=', residentId).execute();
      await trx
        .insertInto('change_log')
        .values({ resident_id: residentId, table_name: 'resident.national_id', row_id: residentId, changed_by: ctx.actor.userId, reason, before: JSON.stringify({ masked: r.national_id_masked }), after: JSON.stringify({ masked: null }) })
        .execute();
      await ctx.audit({ action: 'update', resource: 'resident.national_id', residentId, reason, accessBasis: 'administration', fields: ['national_id'], detail: { correctionId: row.id } }, trx);
      return { id: row.id };
    });
  });
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
      const r = await ctx.readResident(request.params.id, { action: 'read', resource: 'resident', fields: ['duplicates'] }, (db) =>
        db.selectFrom('resident').select(['name', 'birth_date', 'sex', 'phone_enc', 'national_id_bidx']).where('id', '=', request.params.id).executeTakeFirstOrThrow(),
      );
      const phone = r.phone_enc ? ctx.crypto.decrypt(r.phone_enc) : null;
      const items = await findDuplicateCandidates(ctx, { name: r.name, birthDate: r.birth_date, sex: r.sex, phone, nationalIdBidx: r.national_id_bidx }, request.params.id);
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
          reason: z.string().trim().min(5).max(500),
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
        body: z.strictObject({ reason: z.string().trim().min(5).max(500) }),
        response: { 200: z.object({ survivorId: z.string().uuid(), restoredId: z.string().uuid() }), ...errorResponses },
      },
    },
    async (request) => unmerge(careContext(request), request.params.mergeId, request.body.reason),
  );

  app.post(
    '/mpi/residents/:id/identity-corrections',
    {
      schema: {
        tags: ['master index'],
        summary: 'Administrator: record that the national ID on this record was entered in error (it leaves the record, kept with the reason)',
        params: ResidentIdParams,
        body: z.strictObject({ field: z.literal('national_id'), reason: z.string().trim().min(5).max(500) }),
        response: { 201: z.object({ id: z.string().uuid() }), ...errorResponses },
      },
    },
    async (request, reply) => reply.status(201).send(await correctNationalId(careContext(request), request.params.id, request.body.reason)),
  );
};

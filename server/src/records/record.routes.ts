import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Transaction } from 'kysely';
import { z } from 'zod';
import type { DB } from '../db/schema.js';
import { careContext, type CareContext } from '../http/care-context.js';
import { badRequest, conflict, errorResponses, forbidden, notFound } from '../http/errors.js';
import { ResidentIdParams } from '../residents/resident.schemas.js';
import { calendarDate, clinicalDate, clinicalDateTime, dateTime, endNotBefore, text } from '../http/schema-primitives.js';
import { VITAL_SIGNS, VITAL_SIGN_CODES } from './vital-signs.js';
import { access } from '../http/route-access.js';
import { tagEncounterPathway } from '../referrals/referral.service.js';
import { cancelFollowUp } from '../followups/followup.service.js';

const isoDate = clinicalDate();
const isoDateTime = clinicalDateTime();

export const ConditionBody = z.strictObject({
  icd10: z.string().regex(/^[A-Z][0-9]{2}(\.[0-9A-Z]{1,4})?$/, 'must be an ICD-10 code such as I10 or E11.9'),
  display: text(200),
  clinicalStatus: z.enum(['active', 'resolved', 'suspected']).default('active'),
  onsetDate: isoDate.optional(),
  diagnosedOn: isoDate,
  note: text(1000, 0).optional(),
}).superRefine(endNotBefore('onsetDate', 'diagnosedOn'));

export const EncounterBody = z.strictObject({
  kind: z.enum(['outpatient', 'inpatient', 'emergency', 'home_visit', 'follow_up', 'health_check', 'teleconsultation']),
  startedAt: isoDateTime,
  // An encounter may be recorded while still open, so its end may be later today.
  endedAt: dateTime().optional(),
  department: text(100).optional(),
  practitionerName: text(100).optional(),
  reason: text(500).optional(),
  diagnosisText: text(500).optional(),
  summary: text(4000, 0).optional(),
}).superRefine(endNotBefore('startedAt', 'endedAt'));

export const ObservationBody = z.strictObject({
  loinc: z.enum(VITAL_SIGN_CODES),
  value: z.number().finite(),
  unit: text(20, 0),
  effectiveAt: isoDateTime,
  encounterId: z.string().uuid().optional(),
});

export const MedicationBody = z.strictObject({
  drugName: text(200),
  atcCode: z.string().regex(/^[A-Z][0-9]{2}[A-Z]{2}[0-9]{2}$/, 'must be a 7-character ATC code').optional(),
  dose: text(100).optional(),
  frequency: text(100).optional(),
  route: text(50).optional(),
  startDate: isoDate,
  // A course of treatment may be planned to end in the future.
  endDate: calendarDate().optional(),
  prescriberName: text(100).optional(),
}).superRefine(endNotBefore('startDate', 'endDate'));

export const ImmunizationBody = z.strictObject({
  vaccineCode: text(20),
  vaccineName: text(200),
  doseNumber: z.number().int().min(1).max(10).optional(),
  occurredOn: isoDate,
  lotNumber: text(50).optional(),
});

const ENTRY_TABLES = ['condition', 'encounter', 'observation', 'medication', 'immunization'] as const;
type EntryTable = (typeof ENTRY_TABLES)[number];
/** Entries that can be cancelled here; a follow-up's cancellation also recomputes its enrolment (followups/). */
const CANCELLABLE_TABLES = [...ENTRY_TABLES, 'followup_visit', 'screening', 'elderly_assessment'] as const;

const created = { 201: z.object({ id: z.string().uuid() }), ...errorResponses };

function requireStaff(ctx: CareContext) {
  if (ctx.actor.role === 'resident') throw forbidden('Residents add readings through the portal, not the clinical record');
}

async function insertEntry(ctx: CareContext, residentId: string, table: EntryTable, values: Record<string, unknown>, fields: string[]) {
  requireStaff(ctx);
  return ctx.writeForResident(residentId, { action: 'create', resource: table, fields }, async (trx: Transaction<DB>) => {
    const row = await trx
      .insertInto(table)
      .values({ resident_id: residentId, institution_id: ctx.actor.institutionId, recorded_by: ctx.actor.userId, ...values } as never)
      .returning('id')
      .executeTakeFirstOrThrow();
    // Every encounter carries its reimbursement pathway and ratio.
    if (table === 'encounter') await tagEncounterPathway(trx, (row as { id: string }).id, residentId, ctx.actor.institutionId);
    return { id: (row as { id: string }).id };
  });
}

export const recordRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/residents/:id/conditions',
    {
      config: access('resident-write', (w) => ({ params: { id: w.residentId }, body: { icd10: 'I10', display: '原发性高血压', diagnosedOn: w.today } })),
      schema: { tags: ['record'], summary: 'Add a diagnosis (ICD-10)', params: ResidentIdParams, body: ConditionBody, response: created } },
    async (request, reply) => {
      const b = request.body;
      const out = await insertEntry(careContext(request), request.params.id, 'condition', {
        icd10: b.icd10,
        display: b.display,
        clinical_status: b.clinicalStatus,
        onset_date: b.onsetDate ?? null,
        diagnosed_on: b.diagnosedOn,
        note: b.note ?? null,
      }, Object.keys(b));
      return reply.status(201).send(out);
    },
  );

  app.post(
    '/residents/:id/encounters',
    {
      config: access('resident-write', (w) => ({ params: { id: w.residentId }, body: { kind: 'outpatient', startedAt: `${w.today}T00:00:00+08:00` } })),
      schema: { tags: ['record'], summary: 'Add an encounter', params: ResidentIdParams, body: EncounterBody, response: created } },
    async (request, reply) => {
      const b = request.body;
      const out = await insertEntry(careContext(request), request.params.id, 'encounter', {
        kind: b.kind,
        started_at: b.startedAt,
        ended_at: b.endedAt ?? null,
        department: b.department ?? null,
        practitioner_name: b.practitionerName ?? null,
        reason: b.reason ?? null,
        diagnosis_text: b.diagnosisText ?? null,
        summary: b.summary ?? null,
      }, Object.keys(b));
      return reply.status(201).send(out);
    },
  );

  app.post(
    '/residents/:id/observations',
    {
      config: access('resident-write', (w) => ({ params: { id: w.residentId }, body: { loinc: '8867-4', value: 72, unit: '/min', effectiveAt: `${w.today}T00:00:00+08:00` } })),
      schema: { tags: ['record'], summary: 'Add a measurement (LOINC code, UCUM unit)', params: ResidentIdParams, body: ObservationBody, response: created } },
    async (request, reply) => {
      const b = request.body;
      const sign = VITAL_SIGNS[b.loinc];
      if (b.unit !== sign.unit) throw badRequest('body.unit', `must be ${sign.unit} for LOINC ${b.loinc}`);
      if (b.value < sign.min || b.value > sign.max) throw badRequest('body.value', `must be between ${sign.min} and ${sign.max} ${sign.unit}`);
      const out = await insertEntry(careContext(request), request.params.id, 'observation', {
        loinc: b.loinc,
        display: sign.display,
        value_numeric: b.value,
        unit: b.unit,
        effective_at: b.effectiveAt,
        encounter_id: b.encounterId ?? null,
      }, Object.keys(b));
      return reply.status(201).send(out);
    },
  );

  app.post(
    '/residents/:id/medications',
    {
      config: access('resident-write', (w) => ({ params: { id: w.residentId }, body: { drugName: '氨氯地平', startDate: w.today } })),
      schema: { tags: ['record'], summary: 'Add a medication', params: ResidentIdParams, body: MedicationBody, response: created } },
    async (request, reply) => {
      const b = request.body;
      const out = await insertEntry(careContext(request), request.params.id, 'medication', {
        drug_name: b.drugName,
        atc_code: b.atcCode ?? null,
        dose: b.dose ?? null,
        frequency: b.frequency ?? null,
        route: b.route ?? null,
        start_date: b.startDate,
        end_date: b.endDate ?? null,
        prescriber_name: b.prescriberName ?? null,
      }, Object.keys(b));
      return reply.status(201).send(out);
    },
  );

  app.post(
    '/residents/:id/immunizations',
    {
      config: access('resident-write', (w) => ({ params: { id: w.residentId }, body: { vaccineCode: 'FLU', vaccineName: '流感疫苗', occurredOn: w.today } })),
      schema: { tags: ['record'], summary: 'Add an immunisation', params: ResidentIdParams, body: ImmunizationBody, response: created } },
    async (request, reply) => {
      const b = request.body;
      const out = await insertEntry(careContext(request), request.params.id, 'immunization', {
        vaccine_code: b.vaccineCode,
        vaccine_name: b.vaccineName,
        dose_number: b.doseNumber ?? null,
        occurred_on: b.occurredOn,
        lot_number: b.lotNumber ?? null,
      }, Object.keys(b));
      return reply.status(201).send(out);
    },
  );

  app.post(
    '/residents/:id/entries/:table/:entryId/cancel',
    {
      config: access('resident-write', (w) => ({ params: { id: w.residentId, table: w.entry.table, entryId: w.entry.id }, body: { reason: '录入错误' } })),
      schema: {
        tags: ['record'],
        summary: 'Cancel (注销) a confirmed entry with a reason; it stays in the record, struck through',
        params: z.strictObject({ id: z.string().uuid(), table: z.enum(CANCELLABLE_TABLES), entryId: z.string().uuid() }),
        body: z.strictObject({ reason: text(500, 2) }),
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const ctx = careContext(request);
      requireStaff(ctx);
      const { id: residentId, table, entryId } = request.params;
      if (table === 'followup_visit') {
        await cancelFollowUp(ctx, residentId, entryId, request.body.reason);
        return reply.status(204).send(null);
      }
      await ctx.writeForResident(residentId, { action: 'cancel', resource: table, reason: request.body.reason }, async (trx) => {
        const before = await trx
          .selectFrom(table)
          .selectAll()
          .where('id', '=', entryId)
          .where('resident_id', '=', residentId)
          .executeTakeFirst();
        if (!before) throw notFound('Entry');
        if (before.entry_status === 'cancelled') throw conflict('Entry is already cancelled', 'already_cancelled');
        await trx
          .updateTable(table)
          .set({ entry_status: 'cancelled', cancelled_at: new Date(), cancelled_by: ctx.actor.userId, cancel_reason: request.body.reason } as never)
          .where('id', '=', entryId)
          .execute();
        await trx
          .insertInto('change_log')
          .values({
            resident_id: residentId,
            table_name: table,
            row_id: entryId,
            changed_by: ctx.actor.userId,
            reason: request.body.reason,
            before: JSON.stringify({ entry_status: 'active' }),
            after: JSON.stringify({ entry_status: 'cancelled' }),
          })
          .execute();
      });
      return reply.status(204).send(null);
    },
  );
};

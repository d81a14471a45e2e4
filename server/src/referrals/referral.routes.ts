import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { careContext } from '../http/care-context.js';
import { errorResponses } from '../http/errors.js';
import { ResidentIdParams } from '../residents/resident.schemas.js';
import { todayIso } from '../shared/dates.js';
import { addDays, addYears } from '../chronic/rules/age.js';
import { DISCHARGE_TEMPLATES, expandTemplate, REFERRAL_ACTIONS, REFERRAL_STATUSES, REIMBURSEMENT_PATHWAYS } from './referral-rules.js';
import {
  bookReferral,
  changeReferralState,
  createReferral,
  downRefer,
  getReferral,
  listReferrals,
  referralDraft,
  REFERRAL_BOXES,
  returnResults,
} from './referral.service.js';
import { createSession, departments, getPolicy, listSessions, setPolicy } from './schedule.service.js';
import { catalogue, checkOrders, orderTest } from './recognition.service.js';
import { completeTask, rescheduleTask } from './task.service.js';
import { referralTime } from './referral-kpi.js';
import { KPI_LEVELS } from '../kpi/kpi.service.js';
import { badRequest } from '../http/errors.js';
import { calendarDate, clinicalDate, endNotBefore, text } from '../http/schema-primitives.js';
import { access } from '../http/route-access.js';

const IdParams = z.strictObject({ id: z.string().uuid() });
const isoDate = calendarDate();
/** Optional free text (may be empty after trimming). */
const note = (max: number) => text(max, 0).optional();
const time = z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'must be HH:MM');
const Status = z.enum(REFERRAL_STATUSES);

const Summary = z.object({
  vitals: z.array(z.object({ loinc: z.string(), display: z.string(), value: z.number().nullable(), unit: z.string().nullable(), at: z.string() })),
  problems: z.array(z.object({ icd10: z.string().nullable(), display: z.string() })),
  medications: z.array(z.object({ drugName: z.string(), dose: z.string().nullable(), frequency: z.string().nullable() })),
  results: z.array(z.object({ loinc: z.string(), display: z.string(), value: z.number().nullable(), valueText: z.string().nullable(), unit: z.string().nullable(), at: z.string(), institution: z.string().nullable() })),
});

const Session = z.object({
  id: z.string().uuid(),
  institutionId: z.string().uuid(),
  institution: z.string(),
  departmentId: z.string().uuid(),
  department: z.string(),
  specialty: z.string().nullable(),
  doctorUserId: z.string().uuid().nullable(),
  doctor: z.string().nullable(),
  clinicName: z.string().nullable(),
  date: z.string(),
  startTime: z.string(),
  endTime: z.string(),
  capacity: z.number().int(),
  reserved: z.number().int(),
  openBooked: z.number().int(),
  reservedBooked: z.number().int(),
  openLeft: z.number().int(),
  reservedLeft: z.number().int(),
  releaseAt: z.string(),
  released: z.boolean(),
  member: z.boolean(),
  bookableByYou: z.boolean(),
  bookableGreenChannel: z.boolean(),
});

const Booking = z.object({ pool: z.enum(['reserved', 'open']), sessionDate: z.string() });
const Policy = z.object({ institutionId: z.string().uuid(), reservedShare: z.number(), releaseHours: z.number().int() });

const ReferralListItem = z.object({
  id: z.string().uuid(),
  residentId: z.string().uuid(),
  residentName: z.string(),
  sex: z.string(),
  birthDate: z.string(),
  direction: z.string(),
  urgency: z.string(),
  status: Status,
  reason: z.string(),
  requestedAt: z.string(),
  fromInstitution: z.string(),
  toInstitution: z.string(),
  department: z.string().nullable(),
  sessionDate: z.string().nullable(),
  sessionStart: z.string().nullable(),
  resultsReturnedAt: z.string().nullable(),
});

const DischargeTask = z.object({ id: z.string().uuid(), code: z.string(), label: z.string(), labelEn: z.string(), dueDate: z.string(), windowEnd: z.string(), status: z.string(), doneOn: z.string().nullable() });

const ReferralDetail = z.object({
  id: z.string().uuid(),
  accessBasis: z.string(),
  residentId: z.string().uuid(),
  residentName: z.string(),
  sex: z.string(),
  birthDate: z.string(),
  direction: z.string(),
  urgency: z.string(),
  status: Status,
  statusReason: z.string().nullable(),
  reason: z.string(),
  fromInstitutionId: z.string().uuid(),
  fromInstitution: z.string(),
  toInstitutionId: z.string().uuid(),
  toInstitution: z.string(),
  departmentId: z.string().uuid().nullable(),
  department: z.string().nullable(),
  requestedBy: z.string().nullable(),
  requestedAt: z.string(),
  receivedAt: z.string().nullable(),
  acceptedAt: z.string().nullable(),
  arrivedAt: z.string().nullable(),
  resultsReturnedAt: z.string().nullable(),
  completedAt: z.string().nullable(),
  session: z.object({ id: z.string().uuid(), date: z.string(), start: z.string(), clinic: z.string().nullable() }).nullable(),
  summary: Summary.nullable(),
  findings: z.string().nullable(),
  diagnosis: z.string().nullable(),
  dischargePackage: z.record(z.string(), z.unknown()).nullable(),
  reimbursement: z.object({ pathway: z.enum(REIMBURSEMENT_PATHWAYS), ratio: z.number() }).nullable(),
  parentReferralId: z.string().uuid().nullable(),
  children: z.array(z.object({ id: z.string().uuid(), direction: z.string(), status: z.string() })),
  events: z.array(z.object({ action: z.string(), fromStatus: z.string().nullable(), toStatus: z.string(), reason: z.string().nullable(), at: z.string(), by: z.string().nullable() })),
  results: z.array(z.object({ loinc: z.string(), display: z.string(), value: z.number().nullable(), valueText: z.string().nullable(), unit: z.string().nullable(), at: z.string() })),
  dischargeTasks: z.array(DischargeTask),
});

const DatedTask = z.object({ code: z.string(), label: z.string(), labelEn: z.string(), dueDate: z.string(), windowEnd: z.string(), priority: z.enum(['urgent', 'high', 'normal']) });

const EarlierResult = z.object({
  loinc: z.string(), name: z.string(), validityDays: z.number().int(), observationId: z.string().uuid(), display: z.string(), value: z.number().nullable(), valueText: z.string().nullable(),
  unit: z.string().nullable(), at: z.string(), institutionId: z.string().uuid().nullable(), institution: z.string().nullable(), validUntil: z.string(),
});

type PeriodQuery = { from?: string | undefined; to?: string | undefined };

/** A refused period names the field the client sent (the other one took its default). */
function periodError(q: PeriodQuery, message: string) {
  return badRequest(q.to !== undefined ? 'querystring.to' : 'querystring.from', message);
}

/** Sessions listed: from today (or `from`) over two weeks unless `to` is given, at most 62 days. */
function sessionPeriod(q: PeriodQuery): { from: string; to: string } {
  const from = q.from ?? todayIso();
  const to = q.to ?? addDays(from, 13);
  if (from > to) throw periodError(q, q.to !== undefined ? 'is before from' : 'is after to');
  if (addDays(from, 62) < to) throw periodError(q, 'a listing spans at most 62 days');
  return { from, to };
}

/** A KPI period: 1 January of the year of `to` (today when absent) to `to`, at most 5 years. */
function kpiPeriod(q: PeriodQuery): { from: string; to: string } {
  const to = q.to ?? todayIso();
  const from = q.from ?? `${to.slice(0, 4)}-01-01`;
  if (from > to) throw periodError(q, q.to !== undefined ? 'is before from' : 'is after today (to, when absent)');
  if (addYears(from, 5) < to) throw periodError(q, 'a period spans at most 5 years');
  return { from, to };
}

export const referralRoutes: FastifyPluginAsyncZod = async (app) => {
  // ------------------------------------------------------------------ sessions and quotas
  app.get('/referral-departments', {
    config: access('session'),
    schema: {
      tags: ['referral'],
      summary: 'Hospital departments that receive referrals (optionally of one hospital or specialty)',
      querystring: z.strictObject({ institutionId: z.string().uuid().optional(), specialty: text(40).optional() }),
      response: { 200: z.object({ items: z.array(z.object({ id: z.string().uuid(), name: z.string(), nameEn: z.string(), specialty: z.string().nullable(), institutionId: z.string().uuid(), institution: z.string() })) }), ...errorResponses },
    },
  }, async (request) => ({ items: await departments(careContext(request), request.query.institutionId, request.query.specialty) }));

  app.get('/specialist-sessions', {
    config: access('session'),
    schema: {
      tags: ['referral'],
      summary: 'Hospital specialist sessions (号源) with counts and what your institution may book',
      querystring: z.strictObject({
        institutionId: z.string().uuid().optional(),
        departmentId: z.string().uuid().optional(),
        specialty: text(40).optional(),
        from: isoDate.optional().describe('first day; today when absent'),
        to: isoDate.optional().describe('last day; 13 days after from when absent'),
      }).superRefine(endNotBefore('from', 'to')),
      response: { 200: z.object({ items: z.array(Session) }), ...errorResponses },
    },
  }, async (request) => ({ items: await listSessions(careContext(request), { ...request.query, ...sessionPeriod(request.query) }) }));

  app.post('/specialist-sessions', {
    config: access('session'),
    schema: {
      tags: ['referral'],
      summary: 'Publish a session; the reserved share and release time follow the hospital policy',
      body: z.strictObject({
        departmentId: z.string().uuid(),
        doctorUserId: z.string().uuid().optional(),
        clinicName: text(100).optional(),
        date: isoDate,
        startTime: time,
        endTime: time,
        capacity: z.number().int().min(1).max(500),
      }),
      response: { 201: Session, ...errorResponses },
    },
  }, async (request, reply) => reply.status(201).send(await createSession(careContext(request), request.body)));

  app.get('/referral-policies/:id', {
    config: access('session'),
    schema: { tags: ['referral'], summary: 'A hospital reserved-quota policy (share, release lead time)', params: IdParams, response: { 200: Policy, ...errorResponses } },
  }, async (request) => getPolicy(careContext(request), request.params.id));

  app.put('/referral-policies/:id', {
    config: access('session'),
    schema: {
      tags: ['referral'],
      summary: 'Set the share reserved for member primary-care institutions and its release lead time',
      params: IdParams,
      body: z.strictObject({ reservedShare: z.number().min(0).max(1), releaseHours: z.number().int().min(0).max(720) }),
      response: { 200: Policy, ...errorResponses },
    },
  }, async (request) => setPolicy(careContext(request), request.params.id, request.body));

  // ------------------------------------------------------------------ referrals
  app.get('/referrals/draft', {
    config: access('resident', (w) => ({ query: { residentId: w.residentId } })),
    schema: {
      tags: ['referral'],
      summary: 'A prefilled up-referral (from a follow-up classified urgent or refer, or from the record)',
      querystring: z.strictObject({ residentId: z.string().uuid(), followupVisitId: z.string().uuid().optional() }),
      response: {
        200: z.object({
          residentId: z.string().uuid(), followupVisitId: z.string().uuid().nullable(), urgency: z.enum(['routine', 'urgent', 'green_channel']), reason: z.string(),
          reasons: z.array(z.string()), specialty: z.string().nullable(), summary: Summary,
        }),
        ...errorResponses,
      },
    },
  }, async (request) => referralDraft(careContext(request), request.query.residentId, request.query.followupVisitId));

  app.post('/referrals', {
    config: access('resident-write', (w) => ({ body: { residentId: w.residentId, toInstitutionId: w.hospitalId, departmentId: w.departmentId, urgency: 'routine', reason: '血压控制不佳，请专科会诊', sessionId: w.specialistSessionId } })),
    schema: {
      tags: ['referral'],
      summary: 'Send an up-referral; with a sessionId the slot is booked in the same transaction',
      body: z.strictObject({
        residentId: z.string().uuid(),
        followupVisitId: z.string().uuid().optional(),
        toInstitutionId: z.string().uuid(),
        departmentId: z.string().uuid(),
        urgency: z.enum(['routine', 'urgent', 'green_channel']),
        reason: text(500),
        sessionId: z.string().uuid().optional(),
      }),
      response: { 201: z.object({ id: z.string().uuid(), status: Status, booking: Booking.nullable() }), ...errorResponses },
    },
  }, async (request, reply) => reply.status(201).send(await createReferral(careContext(request), request.body)));

  app.get('/referrals', {
    config: access('list', () => [{ query: { box: 'outgoing' } }, { query: { box: 'incoming', open: 'true' } }]),
    schema: {
      tags: ['referral'],
      summary: 'Incoming queue (receiving institution) or outgoing referrals (referring institution)',
      querystring: z.strictObject({
        box: z.enum(REFERRAL_BOXES).default('outgoing'),
        status: Status.optional(),
        departmentId: z.string().uuid().optional(),
        open: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
        limit: z.coerce.number().int().min(1).max(200).default(50),
        offset: z.coerce.number().int().min(0).max(100_000).default(0),
      }),
      response: { 200: z.object({ items: z.array(ReferralListItem) }), ...errorResponses },
    },
  }, async (request) => ({ items: await listReferrals(careContext(request), request.query) }));

  app.get('/referrals/:id', {
    config: access('resident', (w) => ({ params: { id: w.referralId } })),
    schema: { tags: ['referral'], summary: 'A referral with its summary, history, booking, results and discharge tasks', params: IdParams, response: { 200: ReferralDetail, ...errorResponses } },
  }, async (request) => getReferral(careContext(request), request.params.id));

  app.post('/referrals/:id/book', {
    config: access('resident-write', (w) => ({ params: { id: w.referralId }, body: { sessionId: w.specialistSessionId } })),
    schema: {
      tags: ['referral'],
      summary: 'Book (or move to) a session: atomic, reserved quota for members until release',
      params: IdParams,
      body: z.strictObject({ sessionId: z.string().uuid() }),
      response: { 200: Booking, ...errorResponses },
    },
  }, async (request) => bookReferral(careContext(request), request.params.id, request.body.sessionId));

  app.post('/referrals/:id/transition', {
    config: access('resident-write', (w) => [{ params: { id: w.referralId }, body: { action: 'receive' } }, { params: { id: w.referralId }, body: { action: 'cancel', reason: '患者选择暂不转诊' } }]),
    schema: {
      tags: ['referral'],
      summary: 'Move a referral by the FHIR Task state machine (409 naming the current state when not allowed)',
      params: IdParams,
      body: z.strictObject({ action: z.enum(REFERRAL_ACTIONS), reason: note(500) }),
      response: { 200: z.object({ id: z.string().uuid(), status: Status }), ...errorResponses },
    },
  }, async (request) => changeReferralState(careContext(request), request.params.id, request.body.action, request.body.reason ?? null));

  app.post('/referrals/:id/results', {
    config: access('resident-write', (w) => ({ params: { id: w.inProgressReferralId }, body: { findings: '心电图示左室肥厚', diagnosis: '高血压3级', results: [{ loinc: '2093-3', display: '总胆固醇', value: 5.2, unit: 'mmol/L' }] } })),
    schema: {
      tags: ['referral'],
      summary: 'The specialist returns findings, diagnosis and results to the community record',
      params: IdParams,
      body: z.strictObject({
        findings: text(4000),
        diagnosis: text(500),
        results: z
          .array(z.strictObject({ loinc: z.string().regex(/^[0-9]{1,7}-[0-9]$/, 'must be a LOINC code'), display: text(200), value: z.number().finite().optional(), valueText: text(500).optional(), unit: text(20).optional() }))
          .max(50)
          .default([]),
      }),
      response: { 200: z.object({ id: z.string().uuid(), status: Status, resultsReturned: z.number().int() }), ...errorResponses },
    },
  }, async (request) => returnResults(careContext(request), request.params.id, request.body));

  app.get('/discharge-templates', {
    config: access('session'),
    schema: {
      tags: ['referral'],
      summary: 'Discharge-order templates, expanded from a discharge date when one is given',
      querystring: z.strictObject({ dischargeDate: isoDate.optional() }),
      response: {
        200: z.object({ items: z.array(z.object({ code: z.string(), name: z.string(), nameEn: z.string(), icd10Prefixes: z.array(z.string()), monitoring: z.array(z.string()), tasks: z.array(DatedTask) })) }),
        ...errorResponses,
      },
    },
  }, async (request) => ({
    items: Object.values(DISCHARGE_TEMPLATES).map((t) => ({
      code: t.code, name: t.name, nameEn: t.nameEn, icd10Prefixes: t.icd10Prefixes, monitoring: t.monitoring,
      tasks: request.query.dischargeDate ? expandTemplate(t, request.query.dischargeDate) : [],
    })),
  }));

  app.post('/referrals/:id/down-referral', {
    config: access('resident-write', (w) => ({ params: { id: w.inProgressReferralId }, body: { dischargeDate: w.today, diagnosis: '高血压3级', template: Object.keys(DISCHARGE_TEMPLATES)[0] } })),
    schema: {
      tags: ['referral'],
      summary: 'Down-refer with the discharge package; it expands into dated community tasks (editable)',
      params: IdParams,
      body: z.strictObject({
        dischargeDate: isoDate,
        diagnosis: text(500),
        icd10: z.string().regex(/^[A-Z][0-9]{2}(\.[0-9A-Z]{1,4})?$/, 'must be an ICD-10 code').optional(),
        template: z.enum(Object.keys(DISCHARGE_TEMPLATES) as [string, ...string[]]).optional(),
        medications: z.array(z.strictObject({ drugName: text(100), change: z.enum(['start', 'stop', 'dose']), dose: text(50).optional(), frequency: text(50).optional() })).max(30).default([]),
        rehabPlan: note(2000),
        monitoring: z.array(text(200)).max(20).default([]),
        followUpPlan: note(2000),
        warningSigns: z.array(text(200)).max(20).default([]),
        tasks: z.array(z.strictObject({ code: z.string().regex(/^[a-z0-9_]{1,40}$/), label: text(200), labelEn: text(200).optional(), dueDate: isoDate, windowEnd: isoDate })).max(60).optional(),
      }),
      response: { 201: z.object({ upReferralId: z.string().uuid(), downReferralId: z.string().uuid(), tasks: z.number().int() }), ...errorResponses },
    },
  }, async (request, reply) => reply.status(201).send(await downRefer(careContext(request), request.params.id, request.body)));

  // ------------------------------------------------------------------ care tasks (discharge calendar)
  app.post('/care-tasks/:id/complete', {
    config: access('resident-write', (w) => ({ params: { id: w.taskId }, body: { doneOn: w.today } })),
    schema: {
      tags: ['referral'],
      summary: 'Complete an open care task; the last discharge task completes its down-referral',
      params: IdParams,
      body: z.strictObject({ doneOn: clinicalDate().optional(), note: note(500) }),
      response: { 200: z.object({ id: z.string().uuid(), status: z.string(), doneOn: z.string(), onTime: z.boolean() }), ...errorResponses },
    },
  }, async (request) => completeTask(careContext(request), request.params.id, request.body));

  app.patch('/care-tasks/:id', {
    config: access('resident-write', (w) => ({ params: { id: w.taskId }, body: { dueDate: w.today, windowEnd: addDays(w.today, 14) } })),
    schema: {
      tags: ['referral'],
      summary: 'Move an open task (the discharge calendar is editable)',
      params: IdParams,
      body: z.strictObject({ dueDate: isoDate, windowEnd: isoDate }),
      response: { 200: z.object({ id: z.string().uuid(), dueDate: z.string(), windowEnd: z.string() }), ...errorResponses },
    },
  }, async (request) => rescheduleTask(careContext(request), request.params.id, request.body));

  app.get('/kpi/referral-time', {
    config: access('aggregate', (w) => [{ query: {} }, { query: { level: 'team', id: w.teamId } }]),
    schema: {
      tags: ['kpi'],
      summary: 'Referral time (request → seen): median and mean hours against the 1-day target',
      querystring: z.strictObject({
        level: z.enum(KPI_LEVELS).default('region'),
        id: z.string().uuid().optional(),
        from: isoDate.optional().describe('first day; 1 January of the year of `to` when absent'),
        to: isoDate.optional().describe('last day; today when absent'),
      }).superRefine(endNotBefore('from', 'to')),
      response: {
        200: z.object({
          period: z.object({ from: z.string(), to: z.string() }), level: z.enum(KPI_LEVELS), id: z.string().nullable(), seen: z.number().int().nullable(),
          medianHours: z.number().nullable(), meanHours: z.number().nullable(), withinTargetRate: z.number().nullable(), targetHours: z.number(), suppressed: z.boolean(),
        }),
        ...errorResponses,
      },
    },
  }, async (request) => referralTime(careContext(request), { level: request.query.level, id: request.query.id ?? null, ...kpiPeriod(request.query) }));

  // ------------------------------------------------------------------ mutual recognition
  app.get('/recognised-tests', {
    config: access('session'),
    schema: {
      tags: ['referral'],
      summary: 'Mutually recognised tests (互认) of a region: LOINC code and validity window',
      querystring: z.strictObject({ regionCode: z.string().regex(/^[0-9]{6}$/).optional() }),
      response: { 200: z.object({ items: z.array(z.object({ loinc: z.string(), name: z.string(), nameEn: z.string(), kind: z.enum(['lab', 'imaging']), validityDays: z.number().int(), regionCode: z.string() })) }), ...errorResponses },
    },
  }, async (request) => ({ items: await catalogue(careContext(request), request.query.regionCode ?? null) }));

  app.post('/residents/:id/test-orders/check', {
    config: access('resident', (w) => ({ params: { id: w.residentId }, body: { loinc: ['2093-3', '4548-4'] } })),
    schema: {
      tags: ['referral'],
      summary: 'Before ordering: recognised results still inside their window',
      params: ResidentIdParams,
      body: z.strictObject({ loinc: z.array(z.string().regex(/^[0-9]{1,7}-[0-9]$/, 'must be a LOINC code')).min(1).max(30) }),
      response: { 200: z.object({ items: z.array(z.object({ loinc: z.string(), recognised: z.boolean(), validityDays: z.number().int().nullable(), earlier: EarlierResult.nullable() })) }), ...errorResponses },
    },
  }, async (request) => ({ items: await checkOrders(careContext(request), request.params.id, request.body.loinc) }));

  app.post('/residents/:id/test-orders', {
    config: access('resident-write', (w) => ({ params: { id: w.residentId }, body: { loinc: '4548-4' } })),
    schema: {
      tags: ['referral'],
      summary: 'Order a test; inside a recognised window, reuse the earlier result or repeat with a reason',
      params: ResidentIdParams,
      body: z.strictObject({
        loinc: z.string().regex(/^[0-9]{1,7}-[0-9]$/, 'must be a LOINC code'),
        decision: z.enum(['reuse', 'repeat']).optional(),
        reason: note(500),
        referralId: z.string().uuid().optional(),
      }),
      response: { 201: z.object({ id: z.string().uuid(), loinc: z.string(), decision: z.enum(['new', 'reused', 'repeated']), earlier: EarlierResult.nullable() }), ...errorResponses },
    },
  }, async (request, reply) => reply.status(201).send(await orderTest(careContext(request), request.params.id, request.body)));
};

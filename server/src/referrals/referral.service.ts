import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import type { CareContext, SharedDB } from '../http/care-context.js';
import type { AccessBasis } from '../access/care-relationship.js';
import { badRequest, conflict, forbidden, notFound, type HttpError } from '../http/errors.js';
import { todayIso } from '../shared/dates.js';
import { addDays } from '../chronic/rules/age.js';
import { openTasks, responsibleTeam } from '../care-tasks/care-tasks.js';
import { FOLLOW_UP_MESSAGES } from '../chronic/rules/index.js';
import {
  DISCHARGE_TEMPLATES,
  expandTemplate,
  greenChannelDateOk,
  isAllianceMember,
  OPEN_STATUSES,
  reimbursementPathway,
  reimbursementRatio,
  templateForDiagnosis,
  transition,
  type DatedTask,
  type ReferralAction,
  type ReferralStatus,
  type ReimbursementPathway,
  type Side,
} from './referral-rules.js';

type Trx = Transaction<DB>;

/** The specialty a programme's patients are referred to (department.specialty). */
export const PROGRAMME_SPECIALTY: Record<string, string> = { hypertension: 'cardiology', diabetes: 'endocrinology' };

export interface ReferralRow {
  id: string;
  resident_id: string;
  direction: string;
  from_institution_id: string;
  to_institution_id: string;
  department_id: string | null;
  urgency: string;
  reason: string;
  status: ReferralStatus;
  session_id: string | null;
  returned_at: Date | null;
}

const REFERRAL_COLUMNS = [
  'id',
  'resident_id',
  'direction',
  'from_institution_id',
  'to_institution_id',
  'department_id',
  'urgency',
  'reason',
  'status',
  'session_id',
  'returned_at',
] as const;

async function loadReferral(db: Kysely<DB> | Trx, id: string): Promise<ReferralRow> {
  const row = await db.selectFrom('referral').select([...REFERRAL_COLUMNS]).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Referral');
  return row as ReferralRow;
}

/** Which end of the referral the actor's institution is (null: neither). */
function sideOf(ctx: CareContext, r: Pick<ReferralRow, 'from_institution_id' | 'to_institution_id'>): Side | null {
  if (ctx.actor.institutionId === r.to_institution_id) return 'receiver';
  if (ctx.actor.institutionId === r.from_institution_id) return 'sender';
  return null;
}

async function institution(shared: Kysely<SharedDB>, id: string) {
  const row = await shared.selectFrom('institution').select(['id', 'kind', 'region_code', 'name', 'name_en']).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Institution');
  return row;
}

async function recordEvent(trx: Trx, ctx: CareContext, r: { id: string; resident_id: string }, action: string, from: string | null, to: string, reason?: string | null) {
  await trx
    .insertInto('referral_event')
    .values({ referral_id: r.id, resident_id: r.resident_id, action, from_status: from, to_status: to, reason: reason ?? null, actor_user_id: ctx.actor.userId, at: sql`clock_timestamp()` })
    .execute();
}

/**
 * Moves a referral by the state machine with a conditional UPDATE (only from the states the rule
 * allows), so two coordinators racing cannot both move it; a refusal is a 409 naming the state.
 */
async function applyTransition(trx: Trx, ctx: CareContext, r: ReferralRow, action: ReferralAction, side: Side, reason: string | null, extra: Record<string, unknown> = {}) {
  const t = transition(r.status, action, side, reason);
  if (!t.ok) throw transitionError(t.error, t.message);
  const stamp: Record<string, unknown> = {
    received: { received_at: sql`now()` },
    accepted: action === 'accept' ? { accepted_at: sql`now()` } : {},
    in_progress: { seen_at: sql`now()` },
    completed: { completed_at: sql`now()`, closed_at: sql`now()` },
    rejected: { closed_at: sql`now()` },
    cancelled: { closed_at: sql`now()` },
    failed: { closed_at: sql`now()` },
    on_hold: {},
  }[t.to as Exclude<ReferralStatus, 'requested'>];
  const updated = await trx
    .updateTable('referral')
    .set({ status: t.to, updated_at: sql`now()`, status_reason: reason, ...stamp, ...extra })
    .where('id', '=', r.id)
    .where('status', '=', r.status)
    .returning('status')
    .executeTakeFirst();
  if (!updated) {
    const now = await loadReferral(trx, r.id);
    throw transitionError('invalid_transition', `Cannot ${action}: the referral is ${now.status}`);
  }
  await recordEvent(trx, ctx, r, action, r.status, t.to, reason);
  return t.to;
}

function transitionError(code: 'invalid_transition' | 'reason_required' | 'wrong_side', message: string): HttpError {
  if (code === 'reason_required') return badRequest('body.reason', message);
  if (code === 'wrong_side') return forbidden(message);
  return conflict(message, 'invalid_transition');
}

// ------------------------------------------------------------------------------------ slots

/**
 * Holds a slot of a session for a referral: conditional UPDATEs of the session's counters, each
 * succeeding only while its pool has room (PostgreSQL re-checks the condition on the locked row),
 * in the order `choosePool` states — never read-then-write. The CHECKs on specialist_session make an
 * oversell impossible even if this code were wrong.
 */
export async function bookSlot(trx: Trx, ctx: CareContext, r: ReferralRow, sessionId: string): Promise<{ pool: 'reserved' | 'open'; sessionDate: string }> {
  const session = await trx
    .selectFrom('specialist_session as s')
    .innerJoin('department as d', 'd.id', 's.department_id')
    .innerJoin('institution as i', 'i.id', 's.institution_id')
    // The referring institution, in the same round trip: membership decides the pools.
    .innerJoin('institution as fi', (j) => j.on('fi.id', '=', r.from_institution_id))
    .select(['s.id', 's.institution_id', 's.department_id', 's.session_date', 's.status', 's.release_at', 'd.name as department_name', 'i.region_code', 'fi.kind as from_kind', 'fi.region_code as from_region'])
    .where('s.id', '=', sessionId)
    .executeTakeFirst();
  if (!session) throw notFound('Session');
  if (session.status !== 'open') throw conflict('This session is cancelled', 'session_cancelled');
  if (session.institution_id !== r.to_institution_id) throw conflict('This session belongs to another institution than the referral', 'institution_mismatch');
  if (r.department_id && session.department_id !== r.department_id) {
    const wanted = await trx.selectFrom('department').select('name').where('id', '=', r.department_id).executeTakeFirst();
    throw conflict(`This session is for ${session.department_name}; the referral is for ${wanted?.name ?? 'another department'}`, 'department_mismatch');
  }
  const today = todayIso();
  if (session.session_date < today) throw conflict(`This session was on ${session.session_date}`, 'session_past');
  const green = r.urgency === 'green_channel';
  if (green && !greenChannelDateOk(session.session_date, today)) {
    throw conflict('A green-channel referral is seen the same day or the next: pick a session today or tomorrow', 'green_channel_window');
  }
  const member = isAllianceMember({ kind: session.from_kind, regionCode: session.from_region }, { regionCode: session.region_code });
  const mayReserved = member || green;
  const takeReserved = () =>
    trx
      .updateTable('specialist_session')
      .set({ reserved_booked: sql`reserved_booked + 1` })
      .where('id', '=', sessionId)
      .where(sql<boolean>`reserved_booked < reserved`)
      .where(mayReserved ? sql<boolean>`true` : sql<boolean>`now() >= release_at`)
      .returning('id')
      .executeTakeFirst();
  const takeOpen = () =>
    trx
      .updateTable('specialist_session')
      .set({ open_booked: sql`open_booked + 1` })
      .where('id', '=', sessionId)
      .where(sql<boolean>`open_booked < capacity - reserved`)
      .returning('id')
      .executeTakeFirst();
  let pool: 'reserved' | 'open' | null = null;
  if (mayReserved && (await takeReserved())) pool = 'reserved';
  else if (await takeOpen()) pool = 'open';
  else if (!mayReserved && (await takeReserved())) pool = 'reserved';
  if (!pool) {
    const released = new Date(session.release_at) <= new Date();
    throw conflict(
      released || mayReserved
        ? 'No slot left in this session'
        : `No open slot left in this session; the reserved quota for member institutions is released at ${new Date(session.release_at).toISOString()}`,
      'slot_unavailable',
    );
  }
  await trx.insertInto('slot_booking').values({ session_id: sessionId, referral_id: r.id, resident_id: r.resident_id, pool, booked_by: ctx.actor.userId }).execute();
  await trx.updateTable('referral').set({ session_id: sessionId, updated_at: sql`now()` }).where('id', '=', r.id).execute();
  await recordEvent(trx, ctx, r, 'book', r.status, r.status, `session ${session.session_date} (${pool})`);
  return { pool, sessionDate: session.session_date };
}

/** Frees the referral's booked slot, if any (cancel, reject, reschedule). */
async function releaseSlot(trx: Trx, referralId: string): Promise<void> {
  const freed = await trx
    .updateTable('slot_booking')
    .set({ status: 'cancelled', cancelled_at: sql`now()` })
    .where('referral_id', '=', referralId)
    .where('status', '=', 'booked')
    .returning(['session_id', 'pool'])
    .executeTakeFirst();
  if (!freed) return;
  await trx
    .updateTable('specialist_session')
    .set(freed.pool === 'reserved' ? { reserved_booked: sql`reserved_booked - 1` } : { open_booked: sql`open_booked - 1` })
    .where('id', '=', freed.session_id)
    .execute();
  await trx.updateTable('referral').set({ session_id: null }).where('id', '=', referralId).execute();
}

// ------------------------------------------------------------------------------------ draft and create

/**
 * The prefilled referral: reason and the classification's reasons (from a follow-up), latest
 * vitals, active problems, medications and recent results — what travels with the referral.
 */
export async function referralDraft(ctx: CareContext, residentId: string, followupVisitId: string | undefined) {
  ctx.requireClinical('Referral');
  return ctx.readResident(residentId, { action: 'read', resource: 'referral.draft', fields: ['vitals', 'conditions', 'medications', 'results'] }, async (db) => {
    const summary = await clinicalSummary(db, residentId);
    let visit = null as null | { id: string; programme: string; visit_date: string; classification: string; urgent: boolean; referral_suggested: boolean; reasons: string[]; sbp: number | null; dbp: number | null };
    if (followupVisitId) {
      visit = (await db
        .selectFrom('followup_visit')
        .select(['id', 'programme', 'visit_date', 'classification', 'urgent', 'referral_suggested', 'reasons', 'sbp', 'dbp'])
        .where('id', '=', followupVisitId)
        .where('resident_id', '=', residentId)
        .executeTakeFirst()) ?? null;
      if (!visit) throw notFound('Follow-up visit');
    }
    const programme = visit?.programme ?? null;
    const urgency: 'green_channel' | 'routine' = visit?.urgent ? 'green_channel' : 'routine';
    // The reason in words: the visit's values and the national rule's advice for its classification.
    let reason = '';
    if (visit) {
      const messages = FOLLOW_UP_MESSAGES[visit.programme as 'hypertension' | 'diabetes'] as Record<string, { zh: string }> | undefined;
      const advice = messages?.[visit.classification]?.zh ?? visit.classification;
      const bp = visit.sbp && visit.dbp ? `血压${visit.sbp}/${visit.dbp}mmHg。` : '';
      reason = `${visit.urgent ? '随访紧急转诊' : '随访建议转诊'}（${visit.visit_date}）：${bp}${advice}`.slice(0, 500);
    }
    return {
      residentId,
      followupVisitId: visit?.id ?? null,
      urgency,
      reason,
      reasons: visit?.reasons ?? [],
      specialty: programme ? (PROGRAMME_SPECIALTY[programme] ?? null) : null,
      summary,
    };
  });
}

export interface ClinicalSummary {
  vitals: { loinc: string; display: string; value: number | null; unit: string | null; at: string }[];
  problems: { icd10: string | null; display: string }[];
  medications: { drugName: string; dose: string | null; frequency: string | null }[];
  results: { loinc: string; display: string; value: number | null; valueText: string | null; unit: string | null; at: string; institution: string | null }[];
}

const VITAL_LOINC = ['8480-6', '8462-4', '8867-4', '29463-7', '39156-5', '8310-5'];

async function clinicalSummary(db: Kysely<DB> | Trx, residentId: string): Promise<ClinicalSummary> {
  const since = new Date(Date.now() - 180 * 86_400_000);
  const [obs, problems, meds] = await Promise.all([
    db
      .selectFrom('observation as o')
      .leftJoin('institution as i', 'i.id', 'o.institution_id')
      .select(['o.loinc', 'o.display', 'o.value_numeric', 'o.value_text', 'o.unit', 'o.effective_at', 'i.name as institution'])
      .where('o.resident_id', '=', residentId)
      .where('o.entry_status', '=', 'active')
      .where('o.effective_at', '>=', since)
      .orderBy('o.effective_at', 'desc')
      .limit(60)
      .execute(),
    db.selectFrom('condition').select(['icd10', 'display']).where('resident_id', '=', residentId).where('entry_status', '=', 'active').where('clinical_status', '=', 'active').execute(),
    db
      .selectFrom('medication')
      .select(['drug_name', 'dose', 'frequency'])
      .where('resident_id', '=', residentId)
      .where('entry_status', '=', 'active')
      .where((eb) => eb.or([eb('end_date', 'is', null), eb('end_date', '>=', todayIso())]))
      .execute(),
  ]);
  const latest = new Map<string, (typeof obs)[number]>();
  for (const o of obs) if (VITAL_LOINC.includes(o.loinc) && !latest.has(o.loinc)) latest.set(o.loinc, o);
  return {
    vitals: [...latest.values()].map((o) => ({ loinc: o.loinc, display: o.display, value: o.value_numeric, unit: o.unit, at: new Date(o.effective_at).toISOString() })),
    problems: problems.map((p) => ({ icd10: p.icd10, display: p.display })),
    medications: meds.map((m) => ({ drugName: m.drug_name, dose: m.dose, frequency: m.frequency })),
    results: obs
      .filter((o) => !VITAL_LOINC.includes(o.loinc))
      .slice(0, 20)
      .map((o) => ({ loinc: o.loinc, display: o.display, value: o.value_numeric, valueText: o.value_text, unit: o.unit, at: new Date(o.effective_at).toISOString(), institution: o.institution })),
  };
}

export interface NewReferral {
  residentId: string;
  followupVisitId?: string | undefined;
  toInstitutionId: string;
  departmentId: string;
  urgency: 'routine' | 'urgent' | 'green_channel';
  reason: string;
  sessionId?: string | undefined;
}

/** An up-referral from the community, optionally booking a session in the same transaction. */
export async function createReferral(ctx: CareContext, body: NewReferral) {
  ctx.requireClinical('Referral');
  const from = ctx.actor.institutionId;
  if (!from) throw forbidden('A referral is sent by an institution');
  const [to, dept] = await Promise.all([
    institution(ctx.shared, body.toInstitutionId),
    ctx.shared.selectFrom('department').select(['id', 'institution_id']).where('id', '=', body.departmentId).executeTakeFirst(),
  ]);
  // Checked once the write is granted: a write the actor may not make is refused as such first.
  return ctx.writeForResident(body.residentId, { action: 'create', resource: 'referral', fields: ['referral', 'summary'] }, async (trx) => {
    if (!dept || dept.institution_id !== to.id) throw badRequest('body.departmentId', 'is not a department of the receiving institution');
    if (to.id === from) throw badRequest('body.toInstitutionId', 'is your own institution');
    if (body.followupVisitId) {
      const v = await trx.selectFrom('followup_visit').select('id').where('id', '=', body.followupVisitId).where('resident_id', '=', body.residentId).executeTakeFirst();
      if (!v) throw badRequest('body.followupVisitId', 'is not a follow-up of this resident');
    }
    const summary = await clinicalSummary(trx, body.residentId);
    const row = await trx
      .insertInto('referral')
      .values({
        resident_id: body.residentId,
        direction: 'up',
        from_institution_id: from,
        to_institution_id: to.id,
        department_id: dept.id,
        urgency: body.urgency,
        reason: body.reason,
        requested_by: ctx.actor.userId,
        followup_visit_id: body.followupVisitId ?? null,
        summary: JSON.stringify(summary),
        reimbursement_pathway: 'referred',
        reimbursement_ratio: await ratioFor(trx, 'referred'),
      })
      .returning([...REFERRAL_COLUMNS])
      .executeTakeFirstOrThrow();
    await recordEvent(trx, ctx, row, 'request', null, 'requested', null);
    let booking = null;
    if (body.sessionId) booking = await bookSlot(trx, ctx, row as ReferralRow, body.sessionId);
    return { id: row.id, status: row.status as ReferralStatus, booking };
  });
}

async function ratioFor(db: Kysely<DB> | Trx, pathway: ReimbursementPathway): Promise<number> {
  const rates = await db.selectFrom('reimbursement_rate').select(['pathway', 'ratio']).execute();
  return reimbursementRatio(pathway, Object.fromEntries(rates.map((r) => [r.pathway, Number(r.ratio)])));
}

/** Books (or reschedules to) a session: the referring GP or the receiving coordinator. */
export async function bookReferral(ctx: CareContext, referralId: string, sessionId: string) {
  ctx.requireClinical('Booking');
  const residentId = await ctx.ownerOf('referral', referralId);
  return ctx.writeForResident(residentId, { action: 'update', resource: 'referral.booking', fields: ['session'], detail: { referralId, sessionId } }, async (trx) => {
    const r = await lockReferral(trx, referralId);
    if (!sideOf(ctx, r)) throw forbidden('Only the referring or the receiving institution books for a referral');
    if (r.direction !== 'up') throw conflict('Down-referrals are not booked into hospital sessions', 'invalid_transition');
    if (!['requested', 'received', 'accepted', 'on_hold'].includes(r.status)) throw conflict(`Cannot book: the referral is ${r.status}`, 'invalid_transition');
    if (r.session_id) await releaseSlot(trx, r.id);
    return bookSlot(trx, ctx, r, sessionId);
  });
}

async function lockReferral(trx: Trx, id: string): Promise<ReferralRow> {
  const row = await trx.selectFrom('referral').select([...REFERRAL_COLUMNS]).where('id', '=', id).forUpdate().executeTakeFirst();
  if (!row) throw notFound('Referral');
  return row as ReferralRow;
}

// ------------------------------------------------------------------------------------ workflow

/**
 * A state change by the state machine: accept / receive / reject / hold / resume / arrive / complete
 * / cancel / fail, each timestamped, attributed (referral_event) and audited through the gate.
 */
export async function changeReferralState(ctx: CareContext, referralId: string, action: ReferralAction, reason: string | null) {
  ctx.requireClinical('Referral work');
  const residentId = await ctx.ownerOf('referral', referralId);
  return ctx.writeForResident(residentId, { action: 'update', resource: 'referral', fields: ['status'], reason, detail: { referralId, action } }, async (trx) => {
    const r = await lockReferral(trx, referralId);
    const side = sideOf(ctx, r);
    if (!side) throw forbidden('Only the referring or the receiving institution works this referral');
    // The state is named first: a refused move says what the referral is.
    const check = transition(r.status, action, side, reason);
    if (!check.ok && check.error === 'invalid_transition') throw transitionError(check.error, check.message);
    if (action === 'complete' && r.direction === 'up' && !r.returned_at) throw conflict('Return the results before completing the referral', 'results_required');
    const extra: Record<string, unknown> = {};
    if (action === 'arrive' && r.direction === 'up') extra.encounter_id = await arrivalEncounter(trx, ctx, r);
    const to = await applyTransition(trx, ctx, r, action, side, reason, extra);
    if ((to === 'cancelled' || to === 'rejected') && r.session_id) await releaseSlot(trx, r.id);
    return { id: r.id, status: to };
  });
}

/** The hospital visit the patient arrives for, tagged with its reimbursement pathway. */
async function arrivalEncounter(trx: Trx, ctx: CareContext, r: ReferralRow): Promise<string> {
  const [to, dept] = await Promise.all([
    trx.selectFrom('institution').select('kind').where('id', '=', r.to_institution_id).executeTakeFirstOrThrow(),
    r.department_id ? trx.selectFrom('department').select('name').where('id', '=', r.department_id).executeTakeFirst() : Promise.resolve(undefined),
  ]);
  const pathway = reimbursementPathway(to.kind, true);
  const e = await trx
    .insertInto('encounter')
    .values({
      resident_id: r.resident_id,
      institution_id: r.to_institution_id,
      recorded_by: ctx.actor.userId,
      source: 'hospital',
      kind: r.urgency === 'green_channel' ? 'emergency' : 'outpatient',
      started_at: sql`now()`,
      department: dept?.name ?? null,
      practitioner_name: ctx.actor.displayName,
      reason: `社区转诊：${r.reason}`.slice(0, 500),
      reimbursement_pathway: pathway,
      reimbursement_ratio: await ratioFor(trx, pathway),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return e.id;
}

export interface ResultsBody {
  findings: string;
  diagnosis: string;
  results: { loinc: string; display: string; value?: number | undefined; valueText?: string | undefined; unit?: string | undefined }[];
}

/** The specialist's findings, diagnosis and results: on the community record, and the referring team is told. */
export async function returnResults(ctx: CareContext, referralId: string, body: ResultsBody) {
  ctx.requireClinical('Results');
  const residentId = await ctx.ownerOf('referral', referralId);
  return ctx.writeForResident(residentId, { action: 'update', resource: 'referral.results', fields: ['findings', 'diagnosis', 'results'], detail: { referralId } }, async (trx) => {
    const r = await lockReferral(trx, referralId);
    if (sideOf(ctx, r) !== 'receiver') throw forbidden('Results are returned by the receiving institution');
    if (r.status !== 'in_progress') throw conflict(`Cannot return results: the referral is ${r.status}`, 'invalid_transition');
    const enc = await trx.selectFrom('referral').select('encounter_id').where('id', '=', r.id).executeTakeFirstOrThrow();
    if (body.results.length) {
      await trx
        .insertInto('observation')
        .values(
          body.results.map((x) => ({
            resident_id: r.resident_id,
            institution_id: r.to_institution_id,
            recorded_by: ctx.actor.userId,
            source: 'hospital',
            encounter_id: enc.encounter_id,
            loinc: x.loinc,
            display: x.display,
            value_numeric: x.value ?? null,
            value_text: x.valueText ?? null,
            unit: x.unit ?? null,
            effective_at: sql`now()`,
          })),
        )
        .execute();
    }
    if (enc.encounter_id) await trx.updateTable('encounter').set({ diagnosis_text: body.diagnosis, summary: body.findings }).where('id', '=', enc.encounter_id).execute();
    await trx.updateTable('referral').set({ findings: body.findings, diagnosis: body.diagnosis, returned_at: sql`now()`, updated_at: sql`now()` }).where('id', '=', r.id).execute();
    await recordEvent(trx, ctx, r, 'return_results', r.status, r.status, null);
    // The referring GP's team is notified on its worklist.
    const team = await responsibleTeam(trx, r.resident_id, todayIso());
    const today = todayIso();
    await openTasks(
      trx,
      [{ residentId: r.resident_id, programme: 'referral', taskCode: `referral_result:${r.id}`, label: `转诊结果已返回：${body.diagnosis}`.slice(0, 200), labelEn: `Referral results returned: ${body.diagnosis}`.slice(0, 200), dueDate: today, windowEnd: addDays(today, 7), priority: 'high', reason: body.findings.slice(0, 500), referralId: r.id }],
      team,
    );
    return { id: r.id, status: r.status, resultsReturned: body.results.length };
  });
}

export interface DownReferralBody {
  dischargeDate: string;
  diagnosis: string;
  icd10?: string | undefined;
  template?: string | undefined;
  medications: { drugName: string; change: 'start' | 'stop' | 'dose'; dose?: string | undefined; frequency?: string | undefined }[];
  rehabPlan?: string | undefined;
  monitoring: string[];
  followUpPlan?: string | undefined;
  warningSigns: string[];
  tasks?: { code: string; label: string; labelEn?: string | undefined; dueDate: string; windowEnd: string }[] | undefined;
}

/** The dated tasks a package expands into (the template's, or the clinician's edited list). */
export function dischargeTasks(body: Pick<DownReferralBody, 'dischargeDate' | 'icd10' | 'template' | 'tasks'>): DatedTask[] {
  if (body.tasks && body.tasks.length) {
    for (const [i, t] of body.tasks.entries()) {
      if (t.windowEnd < t.dueDate) throw badRequest(`body.tasks.${i}.windowEnd`, 'is before dueDate');
      if (t.dueDate < body.dischargeDate) throw badRequest(`body.tasks.${i}.dueDate`, 'is before the discharge date');
    }
    return body.tasks.map((t) => ({ code: t.code, label: t.label, labelEn: t.labelEn ?? t.label, dueDate: t.dueDate, windowEnd: t.windowEnd, priority: 'normal' as const }));
  }
  const template = body.template ? DISCHARGE_TEMPLATES[body.template] : templateForDiagnosis(body.icd10);
  if (!template) throw badRequest('body.template', `is not one of ${Object.keys(DISCHARGE_TEMPLATES).join(', ')}`);
  return expandTemplate(template, body.dischargeDate);
}

/**
 * Down-referral with the discharge package, from a referral in progress at the specialist's
 * hospital: the up-referral completes, the down-referral opens (the hospital keeps the referral
 * basis while it is open), the package expands into dated tasks for the community team and the
 * medication changes reach the record.
 */
export async function downRefer(ctx: CareContext, referralId: string, body: DownReferralBody) {
  ctx.requireClinical('Down-referral');
  const tasks = dischargeTasks(body);
  if (body.dischargeDate > addDays(todayIso(), 30)) throw badRequest('body.dischargeDate', 'is more than 30 days ahead');
  const residentId = await ctx.ownerOf('referral', referralId);
  return ctx.writeForResident(residentId, { action: 'create', resource: 'referral.down', fields: ['discharge_package', 'medications', 'care_tasks'], detail: { referralId } }, async (trx) => {
    const up = await lockReferral(trx, referralId);
    if (up.direction !== 'up' || sideOf(ctx, up) !== 'receiver') {
      throw conflict('The patient is not under your institution’s care through this referral', 'not_under_care');
    }
    if (up.status !== 'in_progress') throw conflict(`Cannot down-refer: the referral is ${up.status}`, 'invalid_transition');
    if (!up.returned_at) {
      await trx.updateTable('referral').set({ findings: body.diagnosis, diagnosis: body.diagnosis, returned_at: sql`now()` }).where('id', '=', up.id).execute();
    }
    await applyTransition(trx, ctx, { ...up, returned_at: up.returned_at ?? new Date() }, 'complete', 'receiver', null);
    const pkg = {
      dischargeDate: body.dischargeDate,
      diagnosis: body.diagnosis,
      icd10: body.icd10 ?? null,
      template: body.template ?? templateForDiagnosis(body.icd10).code,
      medications: body.medications,
      rehabPlan: body.rehabPlan ?? null,
      monitoring: body.monitoring,
      followUpPlan: body.followUpPlan ?? null,
      warningSigns: body.warningSigns,
    };
    const down = await trx
      .insertInto('referral')
      .values({
        resident_id: up.resident_id,
        direction: 'down',
        from_institution_id: up.to_institution_id,
        to_institution_id: up.from_institution_id,
        department_id: up.department_id,
        urgency: 'routine',
        reason: `下转社区：${body.diagnosis}`.slice(0, 500),
        requested_by: ctx.actor.userId,
        parent_referral_id: up.id,
        diagnosis: body.diagnosis,
        discharge_package: JSON.stringify(pkg),
      })
      .returning([...REFERRAL_COLUMNS])
      .executeTakeFirstOrThrow();
    await recordEvent(trx, ctx, down, 'request', null, 'requested', null);
    const team = await responsibleTeam(trx, up.resident_id, todayIso());
    await openTasks(
      trx,
      tasks.map((t) => ({
        residentId: up.resident_id,
        programme: 'referral' as const,
        taskCode: `discharge:${down.id}:${t.code}`,
        label: t.label,
        labelEn: t.labelEn,
        dueDate: t.dueDate,
        windowEnd: t.windowEnd,
        priority: t.priority,
        reason: `出院管理：${body.diagnosis}`.slice(0, 500),
        referralId: down.id,
      })),
      team,
    );
    // The resident's programmes take over the medication changes.
    for (const m of body.medications) {
      if (m.change === 'stop' || m.change === 'dose') {
        await trx
          .updateTable('medication')
          .set({ end_date: body.dischargeDate })
          .where('resident_id', '=', up.resident_id)
          .where('drug_name', '=', m.drugName)
          .where('entry_status', '=', 'active')
          .where((eb) => eb.or([eb('end_date', 'is', null), eb('end_date', '>', body.dischargeDate)]))
          .execute();
      }
      if (m.change === 'start' || m.change === 'dose') {
        await trx
          .insertInto('medication')
          .values({
            resident_id: up.resident_id,
            institution_id: up.to_institution_id,
            recorded_by: ctx.actor.userId,
            source: 'hospital',
            drug_name: m.drugName,
            dose: m.dose ?? null,
            frequency: m.frequency ?? null,
            start_date: body.dischargeDate,
            prescriber_name: ctx.actor.displayName,
          })
          .execute();
      }
    }
    return { upReferralId: up.id, downReferralId: down.id, tasks: tasks.length };
  });
}

/**
 * A discharge task done: when the last one of a down-referral is done, the down-referral completes
 * (the loop is closed). Called inside the task's write gate.
 */
export async function closeDownReferralIfDone(trx: Trx, ctx: CareContext, referralId: string) {
  const left = await trx.selectFrom('care_task').select('id').where('referral_id', '=', referralId).where('status', '=', 'open').where('task_code', 'like', 'discharge:%').executeTakeFirst();
  if (left) return;
  const r = await trx
    .updateTable('referral')
    .set({ status: 'completed', completed_at: sql`now()`, closed_at: sql`now()`, updated_at: sql`now()` })
    .where('id', '=', referralId)
    .where('direction', '=', 'down')
    .where('status', 'in', [...OPEN_STATUSES])
    .returning(['id', 'resident_id'])
    .executeTakeFirst();
  if (r) await recordEvent(trx, ctx, r, 'complete', null, 'completed', 'discharge tasks done');
}

// ------------------------------------------------------------------------------------ reads

export const REFERRAL_BOXES = ['incoming', 'outgoing'] as const;

export interface ReferralListQuery {
  box: (typeof REFERRAL_BOXES)[number];
  status?: ReferralStatus | undefined;
  departmentId?: string | undefined;
  open: boolean;
  limit: number;
  offset: number;
}

/** The incoming queue (hospital) or outgoing list (community), joined against the care relationship. */
export async function listReferrals(ctx: CareContext, q: ReferralListQuery) {
  ctx.requireClinical('Referral lists');
  const inst = ctx.actor.institutionId;
  if (!inst) throw forbidden('Referral lists belong to an institution');
  const end = q.box === 'incoming' ? sql`f.to_institution_id = ${inst}::uuid` : sql`f.from_institution_id = ${inst}::uuid`;
  const rows = await ctx.listResidents({ resource: 'referral.list', fields: ['name', 'referral'], detail: { box: q.box } }, async (accessible, db) => {
    const { rows } = await sql<{
      id: string; resident_id: string; access_basis: AccessBasis; name: string; sex: string; birth_date: string; direction: string; urgency: string; status: ReferralStatus;
      reason: string; requested_at: Date; from_name: string; to_name: string; department: string | null; session_date: string | null; start_time: string | null; returned_at: Date | null;
    }>`
      SELECT f.id, f.resident_id, acc.basis AS access_basis, r.name, r.sex, r.birth_date, f.direction, f.urgency, f.status, f.reason, f.requested_at,
             fi.name AS from_name, ti.name AS to_name, d.name AS department, s.session_date::text AS session_date, s.start_time::text AS start_time, f.returned_at
        FROM referral f
        JOIN ${accessible} acc ON acc.resident_id = f.resident_id
        JOIN resident r ON r.id = f.resident_id
        JOIN institution fi ON fi.id = f.from_institution_id
        JOIN institution ti ON ti.id = f.to_institution_id
        LEFT JOIN department d ON d.id = f.department_id
        LEFT JOIN specialist_session s ON s.id = f.session_id
       WHERE ${end}
         AND ${q.status ? sql`f.status = ${q.status}` : q.open ? sql`f.status = ANY(${[...OPEN_STATUSES]}::text[])` : sql`true`}
         AND ${q.departmentId ? sql`f.department_id = ${q.departmentId}::uuid` : sql`true`}
       ORDER BY CASE f.urgency WHEN 'green_channel' THEN 0 WHEN 'urgent' THEN 1 ELSE 2 END, f.requested_at
       LIMIT ${q.limit} OFFSET ${q.offset}`.execute(db);
    return rows;
  });
  return rows.map((r) => ({
    id: r.id,
    residentId: r.resident_id,
    residentName: r.name,
    sex: r.sex,
    birthDate: r.birth_date,
    direction: r.direction,
    urgency: r.urgency,
    status: r.status,
    reason: r.reason,
    requestedAt: new Date(r.requested_at).toISOString(),
    fromInstitution: r.from_name,
    toInstitution: r.to_name,
    department: r.department,
    sessionDate: r.session_date,
    sessionStart: r.start_time,
    resultsReturnedAt: r.returned_at ? new Date(r.returned_at).toISOString() : null,
  }));
}

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);

/** One referral with its history, booking, summary, results and discharge tasks: read through the resident's gate. */
export async function getReferral(ctx: CareContext, referralId: string) {
  const residentId = await ctx.ownerOf('referral', referralId);
  return ctx.readResident(residentId, { action: 'read', resource: 'referral', fields: ['referral', 'summary', 'results'], detail: { referralId } }, async (db, basis) => {
    const f = await db
      .selectFrom('referral as f')
      .innerJoin('resident as r', 'r.id', 'f.resident_id')
      .innerJoin('institution as fi', 'fi.id', 'f.from_institution_id')
      .innerJoin('institution as ti', 'ti.id', 'f.to_institution_id')
      .leftJoin('department as d', 'd.id', 'f.department_id')
      .leftJoin('specialist_session as s', 's.id', 'f.session_id')
      .leftJoin('app_user as u', 'u.id', 'f.requested_by')
      .selectAll('f')
      .select(['r.name as resident_name', 'r.sex', 'r.birth_date', 'fi.name as from_name', 'ti.name as to_name', 'd.name as department_name', 's.session_date', 's.start_time', 's.clinic_name', 'u.display_name as requested_by_name'])
      .where('f.id', '=', referralId)
      .executeTakeFirstOrThrow();
    const [events, tasks, results, children] = await Promise.all([
      db
        .selectFrom('referral_event as e')
        .leftJoin('app_user as u', 'u.id', 'e.actor_user_id')
        .select(['e.action', 'e.from_status', 'e.to_status', 'e.reason', 'e.at', 'u.display_name'])
        .where('e.referral_id', '=', referralId)
        .orderBy('e.at')
        .execute(),
      db
        .selectFrom('care_task')
        .select(['id', 'task_code', 'label', 'label_en', 'due_date', 'window_end', 'status', 'done_on'])
        .where('referral_id', '=', referralId)
        .where('task_code', 'like', 'discharge:%')
        .orderBy('due_date')
        .execute(),
      f.encounter_id
        ? db.selectFrom('observation').select(['loinc', 'display', 'value_numeric', 'value_text', 'unit', 'effective_at']).where('encounter_id', '=', f.encounter_id).where('entry_status', '=', 'active').execute()
        : Promise.resolve([]),
      db.selectFrom('referral').select(['id', 'direction', 'status']).where('parent_referral_id', '=', referralId).execute(),
    ]);
    return {
      id: f.id,
      accessBasis: basis,
      residentId: f.resident_id,
      residentName: f.resident_name,
      sex: f.sex,
      birthDate: f.birth_date,
      direction: f.direction,
      urgency: f.urgency,
      status: f.status as ReferralStatus,
      statusReason: f.status_reason,
      reason: f.reason,
      fromInstitutionId: f.from_institution_id,
      fromInstitution: f.from_name,
      toInstitutionId: f.to_institution_id,
      toInstitution: f.to_name,
      departmentId: f.department_id,
      department: f.department_name,
      requestedBy: f.requested_by_name,
      requestedAt: iso(f.requested_at)!,
      receivedAt: iso(f.received_at),
      acceptedAt: iso(f.accepted_at),
      arrivedAt: iso(f.seen_at),
      resultsReturnedAt: iso(f.returned_at),
      completedAt: iso(f.completed_at),
      session: f.session_id ? { id: f.session_id, date: f.session_date!, start: f.start_time!, clinic: f.clinic_name } : null,
      summary: (f.summary ?? null) as ClinicalSummary | null,
      findings: f.findings,
      diagnosis: f.diagnosis,
      dischargePackage: (f.discharge_package ?? null) as Record<string, unknown> | null,
      reimbursement: f.reimbursement_pathway ? { pathway: f.reimbursement_pathway as ReimbursementPathway, ratio: Number(f.reimbursement_ratio) } : null,
      parentReferralId: f.parent_referral_id,
      children: children.map((c) => ({ id: c.id, direction: c.direction, status: c.status })),
      events: events.map((e) => ({ action: e.action, fromStatus: e.from_status, toStatus: e.to_status, reason: e.reason, at: iso(e.at)!, by: e.display_name })),
      results: results.map((o) => ({ loinc: o.loinc, display: o.display, value: o.value_numeric, valueText: o.value_text, unit: o.unit, at: iso(o.effective_at)! })),
      dischargeTasks: tasks.map((t) => ({ id: t.id, code: t.task_code.split(':').pop()!, label: t.label, labelEn: t.label_en, dueDate: t.due_date, windowEnd: t.window_end, status: t.status, doneOn: t.done_on })),
    };
  });
}

/**
 * Tags an encounter recorded at an institution with its reimbursement pathway (SPEC 13): a first
 * visit in primary care, a hospital visit on a referral (accepted, under way, or completed in the
 * last 30 days), or an unreferred hospital visit; the configured ratio is stored beside it.
 */
export async function tagEncounterPathway(trx: Trx, encounterId: string, residentId: string, institutionId: string | null): Promise<void> {
  if (!institutionId) return;
  const inst = await trx.selectFrom('institution').select('kind').where('id', '=', institutionId).executeTakeFirst();
  if (!inst) return;
  const referral = await trx
    .selectFrom('referral')
    .select('id')
    .where('resident_id', '=', residentId)
    .where('to_institution_id', '=', institutionId)
    .where('direction', '=', 'up')
    .where((eb) => eb.or([eb('status', 'in', ['accepted', 'in_progress']), eb.and([eb('status', '=', 'completed'), eb('completed_at', '>=', sql<Date>`now() - interval '30 days'`)])]))
    .executeTakeFirst();
  const pathway = reimbursementPathway(inst.kind, Boolean(referral));
  await trx.updateTable('encounter').set({ reimbursement_pathway: pathway, reimbursement_ratio: await ratioFor(trx, pathway) }).where('id', '=', encounterId).execute();
}

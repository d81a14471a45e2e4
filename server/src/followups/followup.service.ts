import { createHash } from 'node:crypto';
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { DB, FollowupVisit } from '../db/schema.js';
import type { CareContext } from '../http/care-context.js';
import { badRequest, conflict, forbidden, isConstraintViolation, notFound, withRequestFields } from '../http/errors.js';
import {
  ageOn,
  computeBmi,
  classifyDiabetesVisit,
  classifyHypertensionVisit,
  diabetesColour,
  hypertensionColour,
  greenChannelReferralReminder,
  hypertensionHighRisk,
  isBpControlledForKpi,
  isFbgControlled,
  type ColourResult,
  type VisitClassification,
} from '../chronic/rules/index.js';
import { todayIso } from '../shared/dates.js';
import { completeOpenTasks, FOLLOW_UP_LABELS, followUpTaskCode, openTasks, responsibleTeam } from '../care-tasks/care-tasks.js';
import { addDays, addMonths } from '../chronic/rules/age.js';
import { COLOUR_DM_LOW_GLUCOSE_MAX, COLOUR_RECENT_EVENT_MONTHS, FBG_PERSISTENT_HIGH_READINGS, FOLLOW_UP_SHORT_DAYS } from '../chronic/thresholds.js';
import { complicationsFrom } from './complications.js';
import type { FollowUpForm } from './followup.schemas.js';
import type { BasicInfo } from '../residents/resident.schemas.js';

type Db = Kysely<DB> | Transaction<DB>;
type Programme = FollowUpForm['programme'];

/** Everything the rules need besides the form: the patient, the enrolment and the visit before this one. */
async function loadClinicalState(db: Db, residentId: string, programme: Programme, visitDate: string) {
  const [resident, enrolment, previous, conditions, lastUrgent, lastLow, lastHba1c, recentFbg] = await Promise.all([
    db.selectFrom('resident').select(['birth_date', 'sex', 'basic_info']).where('id', '=', residentId).executeTakeFirstOrThrow(),
    db
      .selectFrom('programme_enrolment')
      .select(['id', 'custom_target_sbp', 'custom_target_dbp', 'team_id', 'institution_id'])
      .where('resident_id', '=', residentId)
      .where('programme', '=', programme)
      .where('status', '=', 'active')
      .executeTakeFirst(),
    db
      .selectFrom('followup_visit')
      .select(['visit_date', 'controlled', 'classification'])
      .where('resident_id', '=', residentId)
      .where('programme', '=', programme)
      .where('entry_status', '=', 'active')
      .where('visit_date', '<=', visitDate)
      .orderBy('visit_date', 'desc')
      .orderBy('recorded_at', 'desc')
      .executeTakeFirst(),
    db.selectFrom('condition').select('icd10').where('resident_id', '=', residentId).where('entry_status', '=', 'active').where('clinical_status', '=', 'active').execute(),
    db
      .selectFrom('followup_visit')
      .select('visit_date')
      .where('resident_id', '=', residentId)
      .where('programme', '=', programme)
      .where('entry_status', '=', 'active')
      .where('urgent', '=', true)
      .where('visit_date', '<=', visitDate)
      .orderBy('visit_date', 'desc')
      .executeTakeFirst(),
    // Only the diabetes colour reads the low-glucose history: any glucose measured (fasting or random).
    programme === 'diabetes'
      ? db
          .selectFrom('followup_visit')
          .select('visit_date')
          .where('resident_id', '=', residentId)
          .where('programme', '=', 'diabetes')
          .where('entry_status', '=', 'active')
          .where((eb) => eb.or([eb('fbg', '<=', COLOUR_DM_LOW_GLUCOSE_MAX), eb('random_glucose', '<=', COLOUR_DM_LOW_GLUCOSE_MAX)]))
          .where('visit_date', '<=', visitDate)
          .orderBy('visit_date', 'desc')
          .executeTakeFirst()
      : Promise.resolve(undefined),
    // HbA1c "where known": the latest measured at a visit in the colour rule's recent window.
    programme === 'diabetes'
      ? db
          .selectFrom('followup_visit')
          .select(['visit_date', 'hba1c'])
          .where('resident_id', '=', residentId)
          .where('programme', '=', 'diabetes')
          .where('entry_status', '=', 'active')
          .where('hba1c', 'is not', null)
          .where('visit_date', '<=', visitDate)
          .where('visit_date', '>=', addMonths(visitDate, -COLOUR_RECENT_EVENT_MONTHS))
          .orderBy('visit_date', 'desc')
          .orderBy('recorded_at', 'desc')
          .executeTakeFirst()
      : Promise.resolve(undefined),
    // The latest fasting glucose readings before this visit (the green-channel reminder).
    programme === 'diabetes'
      ? db
          .selectFrom('followup_visit')
          .select(['visit_date', 'fbg'])
          .where('resident_id', '=', residentId)
          .where('programme', '=', 'diabetes')
          .where('entry_status', '=', 'active')
          .where('fbg', 'is not', null)
          .where('visit_date', '<=', visitDate)
          .orderBy('visit_date', 'desc')
          .limit(FBG_PERSISTENT_HIGH_READINGS * 4)
          .execute()
      : Promise.resolve([]),
  ]);
  return { resident, enrolment, previous, conditions: conditions.flatMap((c) => (c.icd10 ? [c.icd10] : [])), lastUrgent, lastLow, lastHba1c, recentFbg };
}

type ClinicalState = Awaited<ReturnType<typeof loadClinicalState>>;

/** Reminders a visit can raise besides its classification (stored on the visit, opened as a task). */
export const VISIT_REMINDERS = {
  green_channel_endocrinology: {
    zh: '空腹血糖持续≥7.0mmol/L（近两次随访）：绿色通道转诊内分泌科',
    en: 'Fasting glucose persistently ≥ 7.0 mmol/L (last two visits): green-channel referral to endocrinology',
  },
} as const;
export type VisitReminder = keyof typeof VISIT_REMINDERS;

export interface FollowUpOutcome extends VisitClassification {
  reminders: VisitReminder[];
  bmi: number | null;
  previousVisit: { visitDate: string; controlled: boolean } | null;
  target: { sbp: number; dbp: number } | null;
}

function classify(form: FollowUpForm, state: ClinicalState): FollowUpOutcome {
  const bmi = form.weightKg && form.heightCm ? computeBmi(form.weightKg, form.heightCm) : null;
  const previousVisit = state.previous ? { visitDate: state.previous.visit_date, controlled: state.previous.controlled } : null;
  const ageYears = ageOn(state.resident.birth_date, form.visitDate);
  const common = {
    visitDate: form.visitDate,
    symptoms: form.symptoms,
    adverseReaction: form.adverseReaction,
    newOrWorseComplication: form.newComplication,
    previousVisit,
  };
  if (form.programme === 'hypertension') {
    if (form.sbp === undefined) throw badRequest('body.sbp', 'is required for a hypertension follow-up');
    if (form.dbp === undefined) throw badRequest('body.dbp', 'is required for a hypertension follow-up');
    const e = state.enrolment;
    const customTarget = e?.custom_target_sbp && e.custom_target_dbp ? { sbp: e.custom_target_sbp, dbp: e.custom_target_dbp } : null;
    const r = classifyHypertensionVisit({ ...common, ageYears, sbp: form.sbp, dbp: form.dbp, heartRate: form.heartRate ?? null, customTarget });
    return { ...r, reminders: [], bmi, previousVisit, target: r.target };
  }
  if (form.fbg === undefined) throw badRequest('body.fbg', 'is required for a diabetes follow-up');
  const r = classifyDiabetesVisit({
    ...common,
    fbg: form.fbg,
    randomGlucose: form.randomGlucose ?? null,
    sbp: form.sbp ?? null,
    dbp: form.dbp ?? null,
    heartRate: form.heartRate ?? null,
    temperatureC: form.temperatureC ?? null,
  });
  const readings = [...state.recentFbg.map((v) => ({ date: v.visit_date, fbg: Number(v.fbg) })), { date: form.visitDate, fbg: form.fbg }];
  const reminders: VisitReminder[] = greenChannelReferralReminder(readings) ? ['green_channel_endocrinology'] : [];
  return { ...r, reminders, bmi, previousVisit, target: null };
}

type ColourInputs = Pick<FollowUpOutcome, 'controlled' | 'previousVisit' | 'urgentReferral' | 'bmi'>;

function riskColourAfter(form: FollowUpForm, outcome: ColourInputs, state: ClinicalState): ColourResult {
  const twoConsecutiveUncontrolled = !outcome.controlled && outcome.previousVisit !== null && !outcome.previousVisit.controlled;
  const lastUrgentReferralDate = outcome.urgentReferral ? form.visitDate : (state.lastUrgent?.visit_date ?? null);
  if (form.programme === 'hypertension') {
    const info = state.resident.basic_info as BasicInfo;
    const family = Object.values(info.familyHistory ?? {}).flat().some((d) => d.includes('高血压') || /hypertension/i.test(d));
    const sex = state.resident.sex === 'female' ? 'female' : 'male';
    const risk = hypertensionHighRisk({
      bmi: outcome.bmi,
      waistCm: state.resident.sex === 'unknown' ? null : (form.waistCm ?? null),
      sex,
      familyHistory: family,
      highSaltDiet: form.lifestyle.saltIntake === 'heavy',
      spiritsMlPerDay: form.lifestyle.spiritsMlPerDay ?? null,
      ageYears: ageOn(state.resident.birth_date, form.visitDate),
    });
    const smoking = (form.lifestyle.cigarettesPerDay ?? 0) > 0 ? 1 : 0;
    return hypertensionColour({
      asOf: form.visitDate,
      lastVisit: { visitDate: form.visitDate, sbp: form.sbp!, dbp: form.dbp!, controlled: outcome.controlled },
      twoConsecutiveUncontrolled,
      adverseReaction: form.adverseReaction !== 'none',
      riskFactorCount: risk.factors.filter((f) => f !== 'high_normal_bp').length + smoking,
      complications: complicationsFrom('hypertension', state.conditions),
      lastUrgentReferralDate,
    });
  }
  const lowNow = form.fbg! <= COLOUR_DM_LOW_GLUCOSE_MAX || (form.randomGlucose !== undefined && form.randomGlucose <= COLOUR_DM_LOW_GLUCOSE_MAX);
  return diabetesColour({
    asOf: form.visitDate,
    lastVisit: { visitDate: form.visitDate, fbg: form.fbg! },
    latestHba1c: form.hba1c ?? (state.lastHba1c?.hba1c as number | null | undefined) ?? null,
    twoConsecutiveUncontrolled,
    complications: complicationsFrom('diabetes', state.conditions),
    lastUrgentReferralDate,
    lastLowGlucoseDate: lowNow ? form.visitDate : (state.lastLow?.visit_date ?? null),
  });
}

function checkVisitDate(visitDate: string) {
  if (visitDate > todayIso()) throw badRequest('body.visitDate', 'is in the future');
}

/** The rules' own parameter names for the form's fields (a visit before the birth date is 'onDate' to ageOn). */
const FORM_FIELDS = {
  onDate: 'body.visitDate',
  date: 'body.visitDate',
  visitDate: 'body.visitDate',
  'previousVisit.visitDate': 'body.visitDate',
  newOrWorseComplication: 'body.newComplication',
};

/** Live classification for the form as it is being filled; nothing is stored (the read is audited). */
export async function previewFollowUp(ctx: CareContext, residentId: string, form: FollowUpForm) {
  checkVisitDate(form.visitDate);
  const state = await ctx.readResident(residentId, { action: 'read', resource: 'followup_visit', fields: ['previous_visit'] }, (db) =>
    loadClinicalState(db, residentId, form.programme, form.visitDate),
  );
  const outcome = await withRequestFields(FORM_FIELDS, async () => classify(form, state));
  return { ...outcome, reminders: labelled(outcome.reminders) };
}

const labelled = (codes: readonly string[]) =>
  codes.map((code) => ({ code, ...(Object.hasOwn(VISIT_REMINDERS, code) ? VISIT_REMINDERS[code as VisitReminder] : { zh: code, en: code }) }));

const num = (v: unknown) => (v === null || v === undefined ? undefined : Number(v));
const opt = <T>(v: T | null) => (v === null ? undefined : v);

/** The resident's follow-ups, newest first, with every field of the form as it was recorded. */
export async function listFollowUps(ctx: CareContext, residentId: string, programme?: Programme) {
  const rows = await ctx.readResident(residentId, { action: 'read', resource: 'followup_visit', fields: ['followups'] }, (db) =>
    db
      .selectFrom('followup_visit')
      .selectAll()
      .where('resident_id', '=', residentId)
      .$if(programme !== undefined, (q) => q.where('programme', '=', programme!))
      .orderBy('visit_date', 'desc')
      .orderBy('recorded_at', 'desc')
      .limit(200)
      .execute(),
  );
  return rows.map((r) => ({
    id: r.id,
    status: r.entry_status as 'active' | 'cancelled',
    recordedAt: new Date(r.recorded_at).toISOString(),
    cancelledAt: r.cancelled_at === null ? null : new Date(r.cancelled_at).toISOString(),
    cancelledBy: r.cancelled_by,
    cancelReason: r.cancel_reason,
    ...formFromRow(r),
    separateVisit: r.separate_visit,
    bmi: num(r.bmi) ?? null,
    classification: r.classification as FollowUpOutcome['classification'],
    controlled: r.controlled,
    action: r.action as FollowUpOutcome['action'],
    nextDueDate: r.next_due_date,
    reasons: r.reasons,
    reminders: labelled(r.reminders),
  }));
}

/** The form as it was recorded, from the stored row. */
function formFromRow(r: Selectable<FollowupVisit>) {
  return {
    programme: r.programme as Programme,
    visitDate: r.visit_date,
    visitMode: r.visit_mode as FollowUpForm['visitMode'],
    symptoms: r.symptoms as FollowUpForm['symptoms'],
    otherSymptoms: opt(r.other_symptoms),
    sbp: opt(r.sbp),
    dbp: opt(r.dbp),
    heartRate: opt(r.heart_rate),
    weightKg: num(r.weight_kg),
    heightCm: num(r.height_cm),
    waistCm: num(r.waist_cm),
    fbg: num(r.fbg),
    randomGlucose: num(r.random_glucose),
    hba1c: num(r.hba1c),
    temperatureC: num(r.temperature_c),
    lifestyle: r.lifestyle as FollowUpForm['lifestyle'],
    adherence: opt(r.adherence) as FollowUpForm['adherence'],
    adverseReaction: r.adverse_reaction as FollowUpForm['adverseReaction'],
    adverseReactionDetail: opt(r.adverse_reaction_detail),
    newComplication: r.new_complication,
    complicationDetail: opt(r.complication_detail),
    hypoglycaemiaReaction: opt(r.hypoglycaemia_reaction) as FollowUpForm['hypoglycaemiaReaction'],
    medications: r.medications as FollowUpForm['medications'],
    note: opt(r.note),
  };
}

/**
 * Cancels (注销) a follow-up with a reason: the visit stays, marked cancelled with who, when and why,
 * and change_log records it. The tasks its recording opened are cancelled and those it completed are
 * open again; the enrolment's state (last visit, control, next due date, colour) is recomputed from
 * the remaining visits, as the rules would have left it after the latest of them. KPIs read active
 * visits only, so their flags follow.
 */
export async function cancelFollowUp(ctx: CareContext, residentId: string, visitId: string, reason: string) {
  if (ctx.actor.role === 'resident') throw forbidden('Follow-ups are cancelled by the care team');
  return ctx.writeForResident(residentId, { action: 'cancel', resource: 'followup_visit', reason }, async (trx) => {
    const cancelled = await trx
      .updateTable('followup_visit')
      .set({ entry_status: 'cancelled', cancelled_at: new Date(), cancelled_by: ctx.actor.userId, cancel_reason: reason })
      .where('id', '=', visitId)
      .where('resident_id', '=', residentId)
      .where('entry_status', '=', 'active')
      .returning(['enrolment_id', 'programme'])
      .executeTakeFirst();
    if (!cancelled) {
      const exists = await trx.selectFrom('followup_visit').select('id').where('id', '=', visitId).where('resident_id', '=', residentId).executeTakeFirst();
      throw exists ? conflict('This follow-up is already cancelled', 'already_cancelled') : notFound('Follow-up');
    }
    await trx
      .insertInto('change_log')
      .values({
        resident_id: residentId,
        table_name: 'followup_visit',
        row_id: visitId,
        changed_by: ctx.actor.userId,
        reason,
        before: JSON.stringify({ entry_status: 'active' }),
        after: JSON.stringify({ entry_status: 'cancelled' }),
      })
      .execute();
    // Undo the visit's work on the task list: what it opened goes, what it completed is due again.
    await trx.updateTable('care_task').set({ status: 'cancelled' }).where('opened_by', '=', visitId).where('status', '=', 'open').execute();
    await trx.updateTable('care_task').set({ status: 'open', done_on: null, done_ref: null }).where('done_ref', '=', visitId).where('status', '=', 'done').execute();

    const programme = cancelled.programme as Programme;
    const latest = await trx
      .selectFrom('followup_visit')
      .selectAll()
      .where('enrolment_id', '=', cancelled.enrolment_id)
      .where('entry_status', '=', 'active')
      .orderBy('visit_date', 'desc')
      .orderBy('recorded_at', 'desc')
      .executeTakeFirst();
    if (!latest) {
      const due = await trx
        .selectFrom('care_task')
        .select('window_end')
        .where('resident_id', '=', residentId)
        .where('programme', '=', programme)
        .where('status', '=', 'open')
        .where('task_code', 'like', 'followup:%')
        .orderBy('window_end')
        .executeTakeFirst();
      await trx
        .updateTable('programme_enrolment')
        .set({ last_visit_date: null, last_controlled: null, next_due_date: due?.window_end ?? null, risk_colour: null, risk_rule: null, risk_reason: null, risk_reason_en: null, risk_computed_at: null })
        .where('id', '=', cancelled.enrolment_id)
        .execute();
      return { id: visitId, status: 'cancelled' as const, enrolment: { lastVisitDate: null, nextDueDate: due?.window_end ?? null, riskColour: null, riskRule: null } };
    }
    const form: FollowUpForm = formFromRow(latest);
    const state = await loadClinicalState(trx, residentId, programme, latest.visit_date);
    const colour = riskColourAfter(
      form,
      {
        controlled: latest.controlled,
        // The stored reasons say whether the visit before it was uncontrolled too.
        previousVisit: latest.reasons.includes('previous_visit_uncontrolled') ? { visitDate: latest.visit_date, controlled: false } : null,
        urgentReferral: latest.urgent,
        bmi: num(latest.bmi) ?? null,
      },
      state,
    );
    await trx
      .updateTable('programme_enrolment')
      .set({
        last_visit_date: latest.visit_date,
        last_controlled: latest.controlled,
        next_due_date: latest.next_due_date,
        risk_colour: colour.colour,
        risk_rule: colour.ruleCode,
        risk_reason: colour.reasonZh,
        risk_reason_en: colour.reasonEn,
        risk_computed_at: new Date(),
      })
      .where('id', '=', cancelled.enrolment_id)
      .execute();
    return { id: visitId, status: 'cancelled' as const, enrolment: { lastVisitDate: latest.visit_date, nextDueDate: latest.next_due_date, riskColour: colour.colour, riskRule: colour.ruleCode } };
  });
}

/** JSON with object keys sorted, so that the same form always gives the same text. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The content fingerprint of a follow-up: the resident and the whole validated form (programme,
 * visit date, mode, values, notes). Two submissions with the same fingerprint are the same visit
 * (a double click, a retry, two devices sending the same form); the unique index on it decides.
 */
export function followUpFingerprint(residentId: string, form: FollowUpForm): string {
  return createHash('sha256').update(`${residentId}\n${canonicalJson(form)}`).digest('hex');
}

/** The 409 for a repeated follow-up, naming the visit the first submission created. */
async function duplicateAnswer(ctx: CareContext, residentId: string, contentHash: string, idempotencyKey: string | undefined) {
  return ctx.readResident(residentId, { action: 'read', resource: 'followup_visit', fields: ['duplicate_check'] }, (db) => duplicateOf(db, ctx, contentHash, idempotencyKey));
}

async function duplicateOf(db: Kysely<DB>, ctx: CareContext, contentHash: string, idempotencyKey: string | undefined) {
  if (idempotencyKey !== undefined) {
    const byKey = await db
      .selectFrom('followup_visit')
      .select(['id', 'content_hash'])
      .where('recorded_by', '=', ctx.actor.userId)
      .where('idempotency_key', '=', idempotencyKey)
      .executeTakeFirst();
    if (byKey && byKey.content_hash !== contentHash) {
      return conflict('This Idempotency-Key was already used for a different follow-up', 'idempotency_key_reused');
    }
    if (byKey) return conflict('A follow-up was already recorded with this Idempotency-Key', 'duplicate_followup', byKey.id);
  }
  const same = await db.selectFrom('followup_visit').select('id').where('content_hash', '=', contentHash).where('entry_status', '=', 'active').executeTakeFirst();
  return same
    ? conflict('This follow-up is already recorded (same resident, programme, date and values)', 'duplicate_followup', same.id)
    : conflict('A follow-up with the same content was recorded at the same time; reload the record', 'duplicate_followup');
}

/** The active, unconfirmed visit of this programme already recorded on the form's date. */
function sameDayVisit(db: Db, residentId: string, form: FollowUpForm) {
  return db
    .selectFrom('followup_visit')
    .select(['id', 'content_hash'])
    .where('resident_id', '=', residentId)
    .where('programme', '=', form.programme)
    .where('visit_date', '=', form.visitDate)
    .where('entry_status', '=', 'active')
    .where('separate_visit', '=', false)
    .executeTakeFirst();
}

async function keyUsed(db: Db, ctx: CareContext, idempotencyKey: string) {
  const row = await db.selectFrom('followup_visit').select('id').where('recorded_by', '=', ctx.actor.userId).where('idempotency_key', '=', idempotencyKey).executeTakeFirst();
  return row !== undefined;
}

function sameDayConflict(existingId: string | undefined) {
  return conflict(
    'A follow-up of this programme is already recorded on this date; send separateVisit: true if this is a separate visit',
    'duplicate_visit',
    existingId,
  );
}

/**
 * Saves a follow-up: classify with the rules, store the visit with its classification, move the
 * enrolment's state (last visit, next due date, colour), complete what was due and open the next
 * follow-up task — all in one transaction with the audit row.
 */
export async function recordFollowUp(ctx: CareContext, residentId: string, form: FollowUpForm, idempotencyKey?: string) {
  if (ctx.actor.role === 'resident') throw forbidden('Follow-ups are recorded by the care team');
  checkVisitDate(form.visitDate);
  const contentHash = followUpFingerprint(residentId, form);
  try {
    return await withRequestFields(FORM_FIELDS, () => storeFollowUp(ctx, residentId, form, contentHash, idempotencyKey ?? null));
  } catch (err) {
    // The loser of a race (or a repeat) meets the unique index and is answered with the first visit.
    if (isConstraintViolation(err, 'followup_visit_content_uq') || isConstraintViolation(err, 'followup_visit_idempotency_uq')) {
      throw await duplicateAnswer(ctx, residentId, contentHash, idempotencyKey);
    }
    if (isConstraintViolation(err, 'followup_visit_same_day_uq')) {
      // The loser of a same-day race: the identical form is a repeat, a different one a second visit.
      const [first, usedKey] = await ctx.readResident(residentId, { action: 'read', resource: 'followup_visit', fields: ['duplicate_check'] }, (db) =>
        Promise.all([sameDayVisit(db, residentId, form), idempotencyKey === undefined ? false : keyUsed(db, ctx, idempotencyKey)]),
      );
      if (first?.content_hash === contentHash || usedKey) throw await duplicateAnswer(ctx, residentId, contentHash, idempotencyKey);
      throw sameDayConflict(first?.id);
    }
    throw err;
  }
}

async function storeFollowUp(ctx: CareContext, residentId: string, form: FollowUpForm, contentHash: string, idempotencyKey: string | null) {
  return ctx.writeForResident(residentId, { action: 'create', resource: 'followup_visit', fields: Object.keys(form) }, async (trx) => {
    const state = await loadClinicalState(trx, residentId, form.programme, form.visitDate);
    if (!state.enrolment) throw conflict(`Resident is not enrolled in ${form.programme} management`, 'not_enrolled');
    if (!form.separateVisit) {
      const sameDay = await sameDayVisit(trx, residentId, form);
      // An identical form is the same visit (duplicate_followup, below); a different one needs confirming.
      // A key already used answers first (a repeat, or a key reused for another form).
      if (sameDay && sameDay.content_hash !== contentHash) {
        if (idempotencyKey !== null && (await keyUsed(trx, ctx, idempotencyKey))) throw await duplicateOf(trx, ctx, contentHash, idempotencyKey);
        throw sameDayConflict(sameDay.id);
      }
    }
    const outcome = classify(form, state);
    const colour = riskColourAfter(form, outcome, state);
    const visit = await trx
      .insertInto('followup_visit')
      .values({
        resident_id: residentId,
        enrolment_id: state.enrolment.id,
        programme: form.programme,
        institution_id: ctx.actor.institutionId,
        team_id: state.enrolment.team_id,
        recorded_by: ctx.actor.userId,
        visit_date: form.visitDate,
        visit_mode: form.visitMode,
        symptoms: form.symptoms,
        sbp: form.sbp ?? null,
        dbp: form.dbp ?? null,
        heart_rate: form.heartRate ?? null,
        weight_kg: form.weightKg ?? null,
        height_cm: form.heightCm ?? null,
        bmi: outcome.bmi,
        waist_cm: form.waistCm ?? null,
        fbg: form.fbg ?? null,
        random_glucose: form.randomGlucose ?? null,
        hba1c: form.hba1c ?? null,
        hypoglycaemia_reaction: form.hypoglycaemiaReaction ?? null,
        other_symptoms: form.otherSymptoms ?? null,
        reminders: outcome.reminders,
        separate_visit: form.separateVisit ?? false,
        temperature_c: form.temperatureC ?? null,
        lifestyle: JSON.stringify(form.lifestyle),
        adherence: form.adherence ?? null,
        adverse_reaction: form.adverseReaction,
        adverse_reaction_detail: form.adverseReactionDetail ?? null,
        new_complication: form.newComplication,
        complication_detail: form.complicationDetail ?? null,
        medications: JSON.stringify(form.medications),
        classification: outcome.classification,
        controlled: outcome.controlled,
        kpi_controlled:
          form.programme === 'hypertension'
            ? isBpControlledForKpi({ ageYears: ageOn(state.resident.birth_date, form.visitDate), sbp: form.sbp!, dbp: form.dbp! })
            : isFbgControlled(form.fbg!),
        action: outcome.action,
        urgent: outcome.urgentReferral,
        referral_suggested: outcome.referralSuggested,
        reasons: outcome.reasons,
        next_due_date: outcome.nextDueDate,
        note: form.note ?? null,
        content_hash: contentHash,
        idempotency_key: idempotencyKey,
      })
      .returning('id')
      .executeTakeFirstOrThrow();

    // A back-dated visit does not move the enrolment past a later one already on file.
    const latest = await trx
      .selectFrom('followup_visit')
      .select('id')
      .where('enrolment_id', '=', state.enrolment.id)
      .where('entry_status', '=', 'active')
      .orderBy('visit_date', 'desc')
      .orderBy('recorded_at', 'desc')
      .executeTakeFirstOrThrow();
    if (latest.id === visit.id) {
      await trx
        .updateTable('programme_enrolment')
        .set({
          last_visit_date: form.visitDate,
          last_controlled: outcome.controlled,
          next_due_date: outcome.nextDueDate,
          risk_colour: colour.colour,
          risk_rule: colour.ruleCode,
          risk_reason: colour.reasonZh,
          risk_reason_en: colour.reasonEn,
          risk_computed_at: new Date(),
        })
        .where('id', '=', state.enrolment.id)
        .execute();
      await completeOpenTasks(trx, residentId, form.programme, form.visitDate, visit.id, 'followup:');
      const team = await responsibleTeam(trx, residentId, todayIso());
      const label = FOLLOW_UP_LABELS[form.programme];
      await openTasks(
        trx,
        [
          {
            residentId,
            programme: form.programme,
            taskCode: followUpTaskCode(outcome.nextDueDate),
            label: label.zh,
            labelEn: label.en,
            // Short-interval visits are due within the window; routine ones on the date (3 months).
            dueDate: outcome.action === 'continue' ? outcome.nextDueDate : addDays(form.visitDate, 1),
            windowEnd: outcome.nextDueDate,
            priority: outcome.urgentReferral ? 'urgent' : outcome.referralSuggested ? 'high' : 'normal',
            reason: outcome.classification,
            openedBy: visit.id,
          },
          ...outcome.reminders.map((code) => ({
            residentId,
            programme: form.programme,
            taskCode: `reminder:${code}`,
            label: VISIT_REMINDERS[code].zh,
            labelEn: VISIT_REMINDERS[code].en,
            dueDate: form.visitDate,
            windowEnd: addDays(form.visitDate, FOLLOW_UP_SHORT_DAYS),
            priority: 'high' as const,
            reason: code,
            openedBy: visit.id,
          })),
        ],
        team,
      );
    }
    return { id: visit.id, ...outcome, reminders: labelled(outcome.reminders), riskColour: colour.colour, riskRule: colour.ruleCode, riskReasonZh: colour.reasonZh, riskReasonEn: colour.reasonEn };
  });
}


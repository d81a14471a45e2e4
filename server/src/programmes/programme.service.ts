import { closeDownReferralIfDone } from '../referrals/referral.service.js';
import type { Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import type { CareContext } from '../http/care-context.js';
import { badRequest, conflict, forbidden, HttpError, withRequestFields } from '../http/errors.js';
import {
  ageOn,
  antenatalSchedule,
  bpTargetFor,
  isUsualResident,
  monthsBetween,
  childHealthSchedule,
  computeBmi,
  confirmHypertension,
  diabetesHighRisk65,
  isManagedHypertensionCode,
  eligibleForChronicProgramme,
  eligibleForElderlyProgramme,
  elderlyAnnualCheck,
  glucoseCategory,
  hypertensionCodeDisposition,
  postpartumSchedule,
  scoreSelfCare,
  screenBloodPressure,
  addDays,
  type ScheduledVisit,
} from '../chronic/rules/index.js';
import { DM_HIGH_RISK_GLUCOSE_CHECK_INTERVAL_MONTHS, FOLLOW_UP_SHORT_DAYS } from '../chronic/thresholds.js';
import { addMonths } from '../chronic/rules/age.js';
import { todayIso } from '../shared/dates.js';
import { completeOpenTasks, FOLLOW_UP_LABELS, followUpTaskCode, openTasks, responsibleTeam, type NewTask } from '../care-tasks/care-tasks.js';
import type { EnrolBody, ScreeningBody } from './programme.schemas.js';

const scheduleTasks = (residentId: string, programme: NewTask['programme'], visits: ScheduledVisit[], today: string): NewTask[] =>
  visits
    // Windows that closed before enrolment are history, not work.
    .filter((v) => v.windowEnd >= today)
    .map((v) => ({ residentId, programme, taskCode: v.code, label: v.labelZh, labelEn: v.labelEn, dueDate: v.dueDate, windowEnd: v.windowEnd }));

/**
 * The rules of the spec checked at a chronic enrolment:
 * - a doctor-set BP target is never looser than the national target for the age (bpTargetFor), and
 *   comes as a pair;
 * - 常住: a resident known to have lived in the district under 6 months (resident_since) is enrolled
 *   only with a reason (residenceOverrideReason). An unknown date of arrival is not refused.
 */
function checkChronicEnrolment(
  body: Extract<EnrolBody, { programme: 'hypertension' | 'diabetes' }>,
  ageYears: number,
  residentSince: string | null,
  enrolledOn: string,
) {
  if (body.programme === 'hypertension') {
    const { customTargetSbp: sbp, customTargetDbp: dbp } = body;
    if ((sbp === undefined) !== (dbp === undefined)) {
      throw badRequest(sbp === undefined ? 'body.customTargetSbp' : 'body.customTargetDbp', 'a custom target needs both systolic and diastolic values');
    }
    if (sbp !== undefined && dbp !== undefined) {
      const standard = bpTargetFor({ ageYears });
      if (sbp > standard.sbp || dbp > standard.dbp) {
        const field = sbp > standard.sbp ? 'body.customTargetSbp' : 'body.customTargetDbp';
        throw new HttpError(400, 'target_looser_than_national', `${field}: a custom target may not be looser than the national target ${standard.sbp}/${standard.dbp} mmHg at age ${ageYears}`, [
          { field, message: `may not be looser than the national target ${standard.sbp}/${standard.dbp} mmHg at age ${ageYears}` },
        ]);
      }
    }
  }
  if (residentSince !== null && !isUsualResident(Math.max(0, monthsBetween(residentSince, enrolledOn))) && !body.residenceOverrideReason) {
    throw new HttpError(400, 'not_usual_resident', 'body.residenceOverrideReason: the resident has lived in the district under the usual-resident minimum; give a reason to enrol anyway', [
      { field: 'body.residenceOverrideReason', message: `required: resident since ${residentSince}, under the usual-resident minimum on ${enrolledOn}` },
    ]);
  }
}

/**
 * Enrolment into a programme. Chronic programmes need the ≥35 age rule, a managed diagnosis code
 * and a care team (an active contract); the first follow-up is due within two weeks. Key-population
 * programmes open their schedule of visits as tasks.
 */
export async function enrol(ctx: CareContext, residentId: string, body: EnrolBody) {
  if (ctx.actor.role === 'resident') throw forbidden('Enrolment is done by the care team');
  const today = todayIso();
  return ctx.writeForResident(residentId, { action: 'create', resource: 'programme_enrolment', fields: Object.keys(body) }, async (trx) => {
    const resident = await trx.selectFrom('resident').select(['birth_date', 'sex', 'resident_since']).where('id', '=', residentId).executeTakeFirstOrThrow();
    const age = ageOn(resident.birth_date, today);
    const team = await responsibleTeam(trx, residentId, today);
    const active = await trx
      .selectFrom('programme_enrolment')
      .select('id')
      .where('resident_id', '=', residentId)
      .where('programme', '=', body.programme)
      .where('status', '=', 'active')
      .executeTakeFirst();
    if (active) throw conflict(`Already enrolled in ${body.programme} management`, 'already_enrolled');
    const teamRow = team ? await trx.selectFrom('team').select('institution_id').where('id', '=', team.teamId).executeTakeFirst() : undefined;

    let tasks: NewTask[] = [];
    let details: Record<string, unknown> = {};
    let icd10: string | null = null;
    let enrolledOn = today;
    if (body.programme === 'hypertension' || body.programme === 'diabetes') {
      if (!eligibleForChronicProgramme(age)) {
        throw new HttpError(400, 'below_programme_age', `params.id: the ${body.programme} programme serves residents aged 35 and over (this resident is ${age})`, [
          { field: 'params.id', message: `aged ${age}; the programme starts at 35` },
        ]);
      }
      if (body.programme === 'hypertension' && hypertensionCodeDisposition(body.icd10) !== 'manage') {
        throw badRequest('body.icd10', 'suspected secondary hypertension is referred, not enrolled');
      }
      if (!team) throw conflict('Sign a family-doctor contract first: the managing team comes from the contract', 'contract_required');
      if (body.diagnosedOn > today) throw badRequest('body.diagnosedOn', 'is in the future');
      enrolledOn = body.enrolledOn ?? today;
      if (enrolledOn > today) throw badRequest('body.enrolledOn', 'is in the future');
      if (enrolledOn < body.diagnosedOn) throw badRequest('body.enrolledOn', 'is before the diagnosis');
      if (body.diagnosedOn < resident.birth_date) throw badRequest('body.diagnosedOn', 'is before the birth date');
      checkChronicEnrolment(body, ageOn(resident.birth_date, enrolledOn), resident.resident_since, enrolledOn);
      if (body.residenceOverrideReason) details = { residenceOverrideReason: body.residenceOverrideReason };
      icd10 = body.icd10;
      const label = FOLLOW_UP_LABELS[body.programme];
      tasks = [
        {
          residentId,
          programme: body.programme,
          taskCode: followUpTaskCode(addDays(enrolledOn, FOLLOW_UP_SHORT_DAYS)),
          label: label.zh,
          labelEn: label.en,
          dueDate: enrolledOn,
          windowEnd: addDays(enrolledOn, FOLLOW_UP_SHORT_DAYS),
          reason: 'enrolment',
        },
      ];
      const existing = await trx
        .selectFrom('condition')
        .select('id')
        .where('resident_id', '=', residentId)
        .where('icd10', '=', body.icd10)
        .where('entry_status', '=', 'active')
        .executeTakeFirst();
      if (!existing) {
        await trx
          .insertInto('condition')
          .values({
            resident_id: residentId,
            institution_id: ctx.actor.institutionId,
            recorded_by: ctx.actor.userId,
            icd10: body.icd10,
            display: body.programme === 'hypertension' ? '原发性高血压' : '2型糖尿病',
            diagnosed_on: body.diagnosedOn,
          })
          .execute();
      }
      // Screening tasks end with the diagnosis.
      await completeOpenTasks(trx, residentId, 'screening', today, residentId, body.programme === 'hypertension' ? 'bp_' : 'fbg_');
    } else if (body.programme === 'elderly') {
      if (!eligibleForElderlyProgramme(age)) throw badRequest('params.id', `the elderly programme serves residents aged 65 and over (this resident is ${age})`);
      const check = elderlyAnnualCheck({ birthDate: resident.birth_date, year: Number(today.slice(0, 4)) });
      tasks = check ? scheduleTasks(residentId, 'elderly', [check], today) : [];
    } else if (body.programme === 'child') {
      if (age > 6) throw badRequest('params.id', `child health management covers ages 0–6 (this resident is ${age})`);
      tasks = scheduleTasks(residentId, 'child', childHealthSchedule({ birthDate: resident.birth_date, dischargeDate: body.dischargeDate ?? null }), today);
      details = { dischargeDate: body.dischargeDate ?? null };
    } else {
      if (resident.sex !== 'female') throw badRequest('params.id', 'maternal care is for women');
      if (!body.lmpDate && !body.deliveryDate) throw badRequest('body.lmpDate', 'give the last menstrual period (pregnancy) or the delivery date (postpartum)');
      const visits = [
        ...(body.lmpDate ? antenatalSchedule({ lmpDate: body.lmpDate }) : []),
        ...(body.deliveryDate ? postpartumSchedule({ deliveryDate: body.deliveryDate, dischargeDate: body.dischargeDate ?? null }) : []),
      ];
      tasks = scheduleTasks(residentId, 'maternal', visits, today);
      details = { lmpDate: body.lmpDate ?? null, deliveryDate: body.deliveryDate ?? null, dischargeDate: body.dischargeDate ?? null };
    }

    const enrolment = await trx
      .insertInto('programme_enrolment')
      .values({
        resident_id: residentId,
        programme: body.programme,
        enrolled_on: enrolledOn,
        icd10,
        team_id: team?.teamId ?? null,
        doctor_user_id: team?.gpUserId ?? null,
        institution_id: teamRow?.institution_id ?? ctx.actor.institutionId,
        custom_target_sbp: body.programme === 'hypertension' ? (body.customTargetSbp ?? null) : null,
        custom_target_dbp: body.programme === 'hypertension' ? (body.customTargetDbp ?? null) : null,
        details: JSON.stringify(details),
        next_due_date: tasks[0]?.windowEnd ?? null,
        enrolled_by: ctx.actor.userId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await openTasks(trx, tasks, team);
    return { id: enrolment.id, tasks: tasks.map((t) => ({ taskCode: t.taskCode, label: t.label, dueDate: t.dueDate, windowEnd: t.windowEnd })) };
  });
}

/**
 * Screening: BP for residents ≥35 (first raised reading → recheck on different days; raised on 3
 * different days → refer for diagnosis, follow the result within 2 weeks) and FBG for high-risk adults.
 */
export async function recordScreening(ctx: CareContext, residentId: string, body: ScreeningBody) {
  if (ctx.actor.role === 'resident') throw forbidden('Screening is recorded by the care team');
  const today = todayIso();
  if (body.measuredOn > today) throw badRequest('body.measuredOn', 'is in the future');
  const fields = { onDate: 'body.measuredOn', date: 'body.measuredOn' };
  return withRequestFields(fields, () => ctx.writeForResident(residentId, { action: 'create', resource: 'screening', fields: Object.keys(body) }, async (trx) => {
    const resident = await trx.selectFrom('resident').select('birth_date').where('id', '=', residentId).executeTakeFirstOrThrow();
    const eligible = eligibleForChronicProgramme(ageOn(resident.birth_date, body.measuredOn));
    const team = await responsibleTeam(trx, residentId, today);
    if (body.kind === 'bp') {
      const category = screenBloodPressure(body.sbp, body.dbp);
      const inserted = await insertScreening(trx, ctx, residentId, body.measuredOn, category, { sbp: body.sbp, dbp: body.dbp });
      const since = addDays(body.measuredOn, -90);
      const readings = await trx
        .selectFrom('screening')
        .select(['measured_on', 'sbp', 'dbp'])
        .where('resident_id', '=', residentId)
        .where('kind', '=', 'bp')
        .where('entry_status', '=', 'active')
        .where('measured_on', '>=', since)
        .where('measured_on', '<=', body.measuredOn)
        .orderBy('measured_on')
        .execute();
      const confirmation = confirmHypertension(readings.map((r) => ({ date: r.measured_on, sbp: r.sbp!, dbp: r.dbp! })));
      await completeOpenTasks(trx, residentId, 'screening', body.measuredOn, inserted, 'bp_recheck');
      if (confirmation.status === 'suspected_recheck') {
        await openTasks(
          trx,
          [{ residentId, programme: 'screening', taskCode: 'bp_recheck', label: '血压复测（非同日）', labelEn: 'BP recheck on another day', dueDate: addDays(body.measuredOn, 1), windowEnd: addDays(body.measuredOn, 14), priority: 'normal', reason: 'suspected_recheck' }],
          team,
        );
      } else if (confirmation.status === 'confirmed_refer_for_diagnosis') {
        await openTasks(
          trx,
          [{ residentId, programme: 'screening', taskCode: 'bp_diagnosis', label: '转诊确诊，2周内随访结果', labelEn: 'Refer for diagnosis; follow the result within 2 weeks', dueDate: body.measuredOn, windowEnd: addDays(body.measuredOn, 14), priority: 'high', reason: 'confirmed_refer_for_diagnosis' }],
          team,
        );
      }
      const advice = {
        normal: ['血压正常，每年至少测量1次血压', 'Normal: measure BP at least once a year'],
        suspected_recheck: ['血压升高，请在不同日复测（共3次）', 'Raised: recheck on different days (3 in all)'],
        confirmed_refer_for_diagnosis: ['非同日3次血压升高：转诊确诊，2周内随访转诊结果', 'Raised on 3 different days: refer for diagnosis and follow the result within 2 weeks'],
      }[confirmation.status];
      const highNormal = category === 'high_normal' ? ['（血压高值：高危人群，至少每半年测量1次）', ' (high-normal: high-risk, measure at least every 6 months)'] : ['', ''];
      return {
        id: inserted,
        kind: 'bp' as const,
        result: category,
        eligible,
        confirmation: { status: confirmation.status, elevatedDays: confirmation.elevatedDays },
        glucoseCategory: null,
        diabetesHighRisk: null,
        findings: [],
        adviceZh: advice[0]! + highNormal[0],
        adviceEn: advice[1]! + highNormal[1],
      };
    }
    const category = glucoseCategory(body.fbg);
    const highRisk = await diabetesHighRiskAt(trx, residentId, body, ageOn(resident.birth_date, body.measuredOn));
    const findings = highRisk?.highRisk ? [DM_HIGH_RISK_FINDING] : [];
    const inserted = await insertScreening(trx, ctx, residentId, body.measuredOn, category, { fbg: body.fbg, bmi: highRisk?.bmi ?? null, findings });
    if (highRisk?.highRisk) {
      await openTasks(
        trx,
        [{ residentId, programme: 'screening', taskCode: DM_HIGH_RISK_FINDING, label: `${DM_HIGH_RISK_LABEL.zh}：${highRisk.adviceZh.join('；')}`, labelEn: `${DM_HIGH_RISK_LABEL.en}: ${highRisk.adviceEn.join('; ')}`, dueDate: body.measuredOn, windowEnd: addMonths(body.measuredOn, DM_HIGH_RISK_GLUCOSE_CHECK_INTERVAL_MONTHS), priority: 'high', reason: DM_HIGH_RISK_FINDING }],
        team,
      );
    }
    if (category === 'diabetic') {
      await openTasks(
        trx,
        [{ residentId, programme: 'screening', taskCode: 'fbg_diagnosis', label: '空腹血糖≥7.0，转诊确诊', labelEn: 'FBG ≥ 7.0: refer for diagnosis', dueDate: body.measuredOn, windowEnd: addDays(body.measuredOn, 14), priority: 'high', reason: 'fbg_diabetic_range' }],
        team,
      );
    }
    const advice = {
      normal: ['空腹血糖正常', 'Fasting glucose normal'],
      impaired: ['空腹血糖受损（6.1–<7.0）：生活方式干预，每年检测', 'Impaired fasting glucose (6.1 to <7.0): lifestyle intervention, test yearly'],
      diabetic: ['空腹血糖≥7.0：转诊确诊', 'FBG ≥ 7.0: refer for diagnosis'],
    }[category];
    const riskAdvice = highRisk?.highRisk ? [`；${DM_HIGH_RISK_LABEL.zh}：${highRisk.adviceZh.join('；')}`, `; ${DM_HIGH_RISK_LABEL.en}: ${highRisk.adviceEn.join('; ')}`] : ['', ''];
    return {
      id: inserted,
      kind: 'fbg' as const,
      result: category,
      eligible,
      confirmation: null,
      glucoseCategory: category,
      diabetesHighRisk: highRisk,
      findings,
      adviceZh: advice[0]! + riskAdvice[0],
      adviceEn: advice[1]! + riskAdvice[1],
    };
  }));
}

export const DM_HIGH_RISK_FINDING = 'dm_high_risk_65';
export const DM_HIGH_RISK_LABEL = { zh: '糖尿病高危', en: 'Diabetes high risk' } as const;

/**
 * Seed 003 at an FBG screening: the BMI from the screening's weight and height (else the latest
 * follow-up's), hypertension from an active managed diagnosis (I10–I13). Null when no BMI is known.
 */
async function diabetesHighRiskAt(trx: Transaction<DB>, residentId: string, body: Extract<ScreeningBody, { kind: 'fbg' }>, ageYears: number) {
  let bmi: number | null = body.weightKg !== undefined && body.heightCm !== undefined ? computeBmi(body.weightKg, body.heightCm) : null;
  if (bmi === null) {
    const latest = await trx
      .selectFrom('followup_visit')
      .select('bmi')
      .where('resident_id', '=', residentId)
      .where('entry_status', '=', 'active')
      .where('bmi', 'is not', null)
      .where('visit_date', '<=', body.measuredOn)
      .orderBy('visit_date', 'desc')
      .executeTakeFirst();
    bmi = latest?.bmi == null ? null : Number(latest.bmi);
  }
  if (bmi === null) return null;
  const conditions = await trx.selectFrom('condition').select('icd10').where('resident_id', '=', residentId).where('entry_status', '=', 'active').where('clinical_status', '=', 'active').execute();
  const verdict = diabetesHighRisk65({ ageYears, fbg: body.fbg, bmi, hypertension: conditions.some((c) => c.icd10 !== null && isManagedHypertensionCode(c.icd10)) });
  return { ...verdict, bmi, labelZh: verdict.highRisk ? DM_HIGH_RISK_LABEL.zh : '', labelEn: verdict.highRisk ? DM_HIGH_RISK_LABEL.en : '' };
}

async function insertScreening(
  trx: Transaction<DB>,
  ctx: CareContext,
  residentId: string,
  measuredOn: string,
  result: string,
  values: { sbp?: number; dbp?: number; fbg?: number; bmi?: number | null; findings?: string[] },
): Promise<string> {
  const row = await trx
    .insertInto('screening')
    .values({
      resident_id: residentId,
      institution_id: ctx.actor.institutionId,
      recorded_by: ctx.actor.userId,
      kind: values.fbg !== undefined ? 'fbg' : 'bp',
      measured_on: measuredOn,
      sbp: values.sbp ?? null,
      dbp: values.dbp ?? null,
      fbg: values.fbg ?? null,
      bmi: values.bmi ?? null,
      findings: values.findings ?? [],
      result,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** 老年人生活自理能力评估: scored by the rules (invalid item values are a 400); completes the year's check task. */
export async function recordSelfCareAssessment(
  ctx: CareContext,
  residentId: string,
  body: { assessedOn: string; eating: number; grooming: number; dressing: number; toileting: number; moving: number; note?: string | undefined },
) {
  if (ctx.actor.role === 'resident') throw forbidden('Assessments are recorded by the care team');
  if (body.assessedOn > todayIso()) throw badRequest('body.assessedOn', 'is in the future');
  const { assessedOn, note, ...items } = body;
  const score = scoreSelfCare(items);
  return ctx.writeForResident(residentId, { action: 'create', resource: 'elderly_assessment', fields: Object.keys(body) }, async (trx) => {
    const row = await trx
      .insertInto('elderly_assessment')
      .values({
        resident_id: residentId,
        institution_id: ctx.actor.institutionId,
        recorded_by: ctx.actor.userId,
        assessed_on: assessedOn,
        items: JSON.stringify(items),
        total_score: score.total,
        band: score.band,
        note: note ?? null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await completeOpenTasks(trx, residentId, 'elderly', assessedOn, row.id, `elderly_annual_check_${assessedOn.slice(0, 4)}`);
    await trx
      .updateTable('programme_enrolment')
      .set({ last_visit_date: assessedOn })
      .where('resident_id', '=', residentId)
      .where('programme', '=', 'elderly')
      .where('status', '=', 'active')
      .execute();
    return { id: row.id, total: score.total, band: score.band, labelZh: score.labelZh, labelEn: score.labelEn };
  });
}

/** Marks a scheduled key-population visit (child, maternal, elderly check) as done. */
export async function completeScheduledVisit(ctx: CareContext, residentId: string, taskId: string, doneOn: string) {
  if (ctx.actor.role === 'resident') throw forbidden('Visits are recorded by the care team');
  if (doneOn > todayIso()) throw badRequest('body.doneOn', 'is in the future');
  return ctx.writeForResident(residentId, { action: 'update', resource: 'care_task', fields: ['status', 'done_on'] }, async (trx) => {
    const task = await trx.selectFrom('care_task').select(['id', 'status', 'programme']).where('id', '=', taskId).where('resident_id', '=', residentId).executeTakeFirst();
    if (!task) throw badRequest('params.taskId', 'is not a task of this resident');
    if (task.status !== 'open') throw conflict('Task is not open');
    if (task.programme === 'hypertension' || task.programme === 'diabetes') throw badRequest('params.taskId', 'chronic follow-ups are completed by recording the follow-up form');
    const done = await trx.updateTable('care_task').set({ status: 'done', done_on: doneOn, done_ref: taskId }).where('id', '=', taskId).where('status', '=', 'open').returning('referral_id').executeTakeFirst();
    if (!done) throw conflict('Task is not open');
    // The last discharge task done closes its down-referral.
    if (done.referral_id) await closeDownReferralIfDone(trx, ctx, done.referral_id);
    return { id: taskId, status: 'done' as const, doneOn };
  });
}

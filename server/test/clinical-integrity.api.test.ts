import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './support/test-app.js';
import { createFixture, login } from './support/fixture.js';
import { addDays, addMonths, addYears } from '../src/chronic/rules/age.js';
import { makeNationalId } from '../src/residents/national-id.js';
import { todayIso } from '../src/shared/dates.js';

/**
 * Issue 12 through HTTP: nothing the follow-up form accepts is dropped, the rules the spec names are
 * applied (SPEC "Clinical rules", seed 003), same-day duplicates. Numbers are the spec's own.
 */
let t: TestApp;
let f: Awaited<ReturnType<typeof createFixture>>;
let hm: { authorization: string; cookie: string };
const T = todayIso();
const day = (offset: number) => addDays(T, offset);
const bornForAge = (age: number) => addDays(addYears(T, -age), -30);
let seq = 400;

async function call(method: 'GET' | 'POST', url: string, payload?: unknown) {
  return t.app.inject({ method, url, payload: payload as object, headers: hm });
}
async function ok<R = Record<string, unknown>>(method: 'GET' | 'POST', url: string, payload?: unknown): Promise<R> {
  const res = await call(method, url, payload);
  if (res.statusCode >= 300) throw new Error(`${method} ${url} → ${res.statusCode} ${res.body}`);
  return res.json() as R;
}

async function resident(name: string, age: number, extra: Record<string, unknown> = {}) {
  const birth = bornForAge(age);
  const { id } = await ok<{ id: string }>('POST', '/api/residents', { name, nationalId: makeNationalId('330106', birth, seq++ * 2 + 1), ...extra });
  await ok('POST', '/api/contracts', { residentId: id, teamId: f.teams.teamA, packageCode: 'basic', startDate: day(-360) });
  return id;
}
async function diabetic(name: string, age = 50) {
  const id = await resident(name, age);
  await ok('POST', `/api/residents/${id}/enrolments`, { programme: 'diabetes', icd10: 'E11.9', diagnosedOn: day(-351), enrolledOn: day(-350) });
  return id;
}
const dmVisit = (id: string, offset: number, fields: Record<string, unknown>) =>
  call('POST', `/api/residents/${id}/followups`, { programme: 'diabetes', visitDate: day(offset), visitMode: 'clinic', ...fields });

type Stored = Record<string, unknown> & { id: string; reminders: { code: string }[] };
const followUps = async (id: string) => (await ok<{ items: Stored[] }>('GET', `/api/residents/${id}/followups`)).items;
type WorkItem = { residentId: string; taskCode: string; reason: string | null; label: string; priority: string };
const worklist = async (programme: string) =>
  (await ok<{ items: WorkItem[] }>('GET', `/api/worklist?teamId=${f.teams.teamA}&bucket=open&programme=${programme}&limit=500`)).items;

beforeAll(async () => {
  t = await createTestApp();
  f = await createFixture(t.app);
  hm = await login(t.app, 'hm_a');
}, 120_000);
afterAll(async () => t?.close());

describe('nothing accepted is dropped', () => {
  it('every field of the follow-up form is stored and read back', async () => {
    const id = await diabetic('回读');
    const form = {
      programme: 'diabetes',
      visitDate: day(-10),
      visitMode: 'home',
      symptoms: ['polydipsia', 'polyuria'],
      otherSymptoms: '夜间口干',
      sbp: 136,
      dbp: 84,
      heartRate: 78,
      weightKg: 71.5,
      heightCm: 166,
      waistCm: 92.5,
      fbg: 6.8,
      randomGlucose: 9.4,
      hba1c: 6.9,
      temperatureC: 36.6,
      lifestyle: {
        cigarettesPerDay: 5,
        spiritsMlPerDay: 50,
        exerciseTimesPerWeek: 3,
        exerciseMinutesPerSession: 30,
        saltIntake: 'moderate',
        stapleFoodGramsPerDay: 300,
        psychologicalAdjustment: 'fair',
        complianceBehaviour: 'good',
      },
      adherence: 'intermittent',
      adverseReaction: 'controllable',
      adverseReactionDetail: '轻度胃肠不适',
      newComplication: true,
      complicationDetail: '足部麻木',
      hypoglycaemiaReaction: 'occasional',
      medications: [{ name: '二甲双胍', dose: '0.5g', frequency: 'tid' }, { name: '阿卡波糖' }],
      note: '下次复查眼底',
      separateVisit: false,
    } as const;
    const res = await call('POST', `/api/residents/${id}/followups`, form);
    expect(res.statusCode, res.body).toBe(201);
    const [stored] = await followUps(id);
    expect(stored).toBeDefined();
    for (const [key, value] of Object.entries(form)) expect(stored![key], key).toEqual(value);
    expect(stored!.id).toBe(res.json().id);
    expect(stored!.bmi).toBe(25.9);
  });

  it('a random glucose of 3.5 is stored and counted as low glucose in the colour rule at the next visit', async () => {
    const id = await diabetic('随机血糖');
    const first = await dmVisit(id, -30, { fbg: 6.0, randomGlucose: 3.5 });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json().classification).toBe('urgent');
    expect((await followUps(id))[0]!.randomGlucose).toBe(3.5);
    const next = await dmVisit(id, -10, { fbg: 6.0 });
    expect(next.statusCode, next.body).toBe(201);
    // The low glucose (random, not fasting) decides the colour, ahead of the urgent referral.
    expect(next.json().riskRule).toBe('dm.red.recent_low_glucose');
  });

  it('HbA1c counts where known within the last 3 months, not only at the current visit', async () => {
    const id = await diabetic('糖化');
    const withHba1c = day(-100);
    expect((await dmVisit(id, -100, { fbg: 6.0, hba1c: 9.5 })).json().riskRule).toBe('dm.red.hba1c_ge_9');
    // 40 days later, no HbA1c at this visit: the one of 60 days ago is still known.
    expect((await dmVisit(id, -40, { fbg: 6.0 })).json().riskRule).toBe('dm.red.hba1c_ge_9');
    // More than 3 months after it: no longer "known".
    const later = addDays(addMonths(withHba1c, 3), 1);
    const res = await call('POST', `/api/residents/${id}/followups`, { programme: 'diabetes', visitDate: later, visitMode: 'clinic', fbg: 6.0 });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().riskRule).toBe('dm.green.controlled');
  });
});

describe('rules the spec names, applied', () => {
  it('a custom BP target looser than the national target for the age is refused at enrolment, naming the field', async () => {
    const young = await resident('目标五十', 50);
    const refused = await call('POST', `/api/residents/${young}/enrolments`, { programme: 'hypertension', icd10: 'I10', diagnosedOn: day(-20), customTargetSbp: 150, customTargetDbp: 90 });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().issues[0].field).toBe('body.customTargetSbp');
    expect(refused.json().message).toContain('140/90');
    const alone = await call('POST', `/api/residents/${young}/enrolments`, { programme: 'hypertension', icd10: 'I10', diagnosedOn: day(-20), customTargetSbp: 130 });
    expect(alone.statusCode).toBe(400);
    expect(alone.json().issues[0].field).toBe('body.customTargetDbp');
    // Nothing was enrolled by the refusals: a stricter target is accepted, and used at the visit.
    const strict = await call('POST', `/api/residents/${young}/enrolments`, { programme: 'hypertension', icd10: 'I10', diagnosedOn: day(-20), customTargetSbp: 130, customTargetDbp: 80 });
    expect(strict.statusCode, strict.body).toBe(201);
    const visit = await call('POST', `/api/residents/${young}/followups`, { programme: 'hypertension', visitDate: day(-1), visitMode: 'clinic', sbp: 135, dbp: 78 });
    expect(visit.statusCode, visit.body).toBe(201);
    expect(visit.json().target).toEqual({ sbp: 130, dbp: 80 });
    expect(visit.json().controlled).toBe(false);

    const older = await resident('目标七十', 70);
    const elderly = await call('POST', `/api/residents/${older}/enrolments`, { programme: 'hypertension', icd10: 'I10', diagnosedOn: day(-20), customTargetSbp: 150, customTargetDbp: 90 });
    expect(elderly.statusCode, elderly.body).toBe(201);
  });

  it('the usual-resident rule (6 months in the district) is checked at enrolment, with an override reason', async () => {
    const newcomer = await resident('新来', 55, { residentSince: day(-60) });
    const refused = await call('POST', `/api/residents/${newcomer}/enrolments`, { programme: 'diabetes', icd10: 'E11.9', diagnosedOn: day(-5) });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error).toBe('not_usual_resident');
    expect(refused.json().issues[0].field).toBe('body.residenceOverrideReason');
    const overridden = await call('POST', `/api/residents/${newcomer}/enrolments`, { programme: 'diabetes', icd10: 'E11.9', diagnosedOn: day(-5), residenceOverrideReason: '随子女长期居住，已办居住证' });
    expect(overridden.statusCode, overridden.body).toBe(201);

    const settled = await resident('老住户', 55, { residentSince: addMonths(T, -6) });
    const enrolled = await call('POST', `/api/residents/${settled}/enrolments`, { programme: 'diabetes', icd10: 'E11.9', diagnosedOn: day(-5) });
    expect(enrolled.statusCode, enrolled.body).toBe(201);
  });

  it('a 65+ resident with IFG, BMI 25 and hypertension gets 糖尿病高危 with its advice, in the answer and on the worklist', async () => {
    const id = await resident('高危', 70);
    await ok('POST', `/api/residents/${id}/enrolments`, { programme: 'hypertension', icd10: 'I10', diagnosedOn: day(-200), enrolledOn: day(-199) });
    // 65 kg at 161 cm: BMI 25.1.
    const res = await call('POST', `/api/residents/${id}/screenings`, { kind: 'fbg', measuredOn: day(-2), fbg: 6.5, weightKg: 65, heightCm: 161 });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body.glucoseCategory).toBe('impaired');
    expect(body.diabetesHighRisk.highRisk).toBe(true);
    expect(body.diabetesHighRisk.bmi).toBe(25.1);
    expect(body.diabetesHighRisk.labelZh).toBe('糖尿病高危');
    expect(body.findings).toEqual(['dm_high_risk_65']);
    const advice = body.diabetesHighRisk.adviceZh.join('；');
    expect(advice).toContain('150分钟');
    expect(advice).toContain('<5g');
    expect(advice).toContain('月监测1次血糖');
    expect(body.adviceZh).toContain('糖尿病高危');
    const item = (await worklist('screening')).find((i) => i.residentId === id && i.reason === 'dm_high_risk_65');
    expect(item?.label).toContain('糖尿病高危');
    const timeline = await ok<{ items: { kind: string; detail: string | null }[] }>('GET', `/api/residents/${id}/timeline`);
    expect(timeline.items.find((e) => e.kind === 'screening')?.detail).toContain('dm_high_risk_65');

    // The same screening without hypertension is not high risk (each criterion counts).
    const noHtn = await resident('非高危', 70);
    const other = await call('POST', `/api/residents/${noHtn}/screenings`, { kind: 'fbg', measuredOn: day(-2), fbg: 6.5, weightKg: 65, heightCm: 161 });
    expect(other.json().diabetesHighRisk.highRisk).toBe(false);
    expect(other.json().diabetesHighRisk.criteria.hypertension).toBe(false);
    expect(other.json().findings).toEqual([]);
  });

  it('FBG 7.4 then 7.6 raises the green-channel reminder on the record and the worklist', async () => {
    const id = await diabetic('绿色通道');
    const first = await dmVisit(id, -30, { fbg: 7.4 });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json().reminders).toEqual([]);
    const second = await dmVisit(id, -16, { fbg: 7.6 });
    expect(second.statusCode, second.body).toBe(201);
    expect(second.json().reminders.map((r: { code: string }) => r.code)).toEqual(['green_channel_endocrinology']);
    expect(second.json().reminders[0].zh).toContain('内分泌');
    const stored = await followUps(id);
    expect(stored[0]!.reminders.map((r) => r.code)).toEqual(['green_channel_endocrinology']);
    expect(stored[1]!.reminders).toEqual([]);
    const item = (await worklist('diabetes')).find((i) => i.residentId === id && i.reason === 'green_channel_endocrinology');
    expect(item?.priority).toBe('high');

    // A controlled reading in between: no reminder.
    const other = await diabetic('非持续');
    await dmVisit(other, -30, { fbg: 7.4 });
    await dmVisit(other, -20, { fbg: 6.5 });
    expect((await dmVisit(other, -6, { fbg: 7.6 })).json().reminders).toEqual([]);
  });
});

describe('same-day duplicates', () => {
  it('a second follow-up of the programme on the same date is 409 duplicate_visit naming the first, unless confirmed', async () => {
    const id = await diabetic('同日');
    const first = await dmVisit(id, -3, { fbg: 6.2 });
    expect(first.statusCode, first.body).toBe(201);
    const second = await dmVisit(id, -3, { fbg: 6.4 });
    expect(second.statusCode).toBe(409);
    expect(second.json().error).toBe('duplicate_visit');
    expect(second.json().existingId).toBe(first.json().id);
    // The identical form stays a repeat of the same visit.
    const repeat = await dmVisit(id, -3, { fbg: 6.2 });
    expect(repeat.statusCode).toBe(409);
    expect(repeat.json().error).toBe('duplicate_followup');
    expect((await followUps(id)).length).toBe(1);
    const confirmed = await dmVisit(id, -3, { fbg: 6.4, separateVisit: true });
    expect(confirmed.statusCode, confirmed.body).toBe(201);
    const stored = await followUps(id);
    expect(stored.map((v) => v.id)).toEqual([confirmed.json().id, first.json().id]);
    expect(stored[0]!.separateVisit).toBe(true);
  });

  it('10 parallel different follow-ups on one date: one visit, the others 409 duplicate_visit naming it (the index decides)', async () => {
    const id = await diabetic('并发同日');
    const out = await Promise.all(Array.from({ length: 10 }, (_, i) => dmVisit(id, -4, { fbg: 5.0 + i / 10 })));
    const created = out.filter((r) => r.statusCode === 201);
    expect(created).toHaveLength(1);
    for (const r of out.filter((x) => x.statusCode !== 201)) {
      expect(r.statusCode).toBe(409);
      expect(r.json()).toMatchObject({ error: 'duplicate_visit', existingId: created[0]!.json().id });
    }
    expect(await followUps(id)).toHaveLength(1);
  });

  it('the timeline shows each visit once, with its measurements, newest first by date and time', async () => {
    const id = await diabetic('时间线');
    const a = await dmVisit(id, -20, { fbg: 6.1, sbp: 128, dbp: 80 });
    const b = await dmVisit(id, -5, { fbg: 6.3, sbp: 132, dbp: 82, hba1c: 6.8 });
    const c = await dmVisit(id, -5, { fbg: 6.6, separateVisit: true });
    // A measurement recorded on its own (a clinic reading on another day) still shows.
    await ok('POST', `/api/residents/${id}/observations`, { loinc: '8480-6', value: 150, unit: 'mm[Hg]', effectiveAt: `${day(-12)}T09:00:00+08:00` });
    const timeline = await ok<{ items: { kind: string; id: string; detail: string | null }[] }>('GET', `/api/residents/${id}/timeline`);
    const visits = timeline.items.filter((e) => e.kind === 'followup');
    expect(visits.map((e) => e.id)).toEqual([c.json().id, b.json().id, a.json().id]);
    expect(visits[1]!.detail).toContain('132/82 mmHg');
    expect(visits[1]!.detail).toContain('HbA1c 6.8%');
    expect(timeline.items.filter((e) => e.kind === 'observation')).toHaveLength(1);
  });
});

describe('cancellation (注销) of follow-ups', () => {
  it('cancelling the latest visit restores the enrolment state, colour and open task; the visit stays, struck through, with who, when and why', async () => {
    const id = await diabetic('注销');
    const db = t.database.db;
    const enrolment = () =>
      db.selectFrom('programme_enrolment').select(['last_visit_date', 'last_controlled', 'next_due_date', 'risk_colour', 'risk_rule']).where('resident_id', '=', id).where('programme', '=', 'diabetes').executeTakeFirstOrThrow();
    const openTasks = () =>
      db.selectFrom('care_task').select(['task_code', 'window_end']).where('resident_id', '=', id).where('programme', '=', 'diabetes').where('status', '=', 'open').orderBy('task_code').execute();
    const atEnrolment = { state: await enrolment(), tasks: await openTasks() };

    const first = (await dmVisit(id, -60, { fbg: 6.0 })).json();
    const afterFirst = { state: await enrolment(), tasks: await openTasks() };
    expect(afterFirst.state.risk_rule).toBe('dm.green.controlled');
    const second = await dmVisit(id, -10, { fbg: 11.2 });
    expect(second.statusCode, second.body).toBe(201);
    expect((await enrolment()).risk_rule).toBe('dm.red.fbg_ge_10');
    expect((await openTasks()).map((x) => x.window_end)).toEqual([day(4)]);

    const refused = await call('POST', `/api/residents/${id}/entries/followup_visit/${second.json().id}/cancel`, { reason: '' });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().issues[0].field).toBe('body.reason');
    const res = await call('POST', `/api/residents/${id}/entries/followup_visit/${second.json().id}/cancel`, { reason: '录入错误：血糖值录错' });
    expect(res.statusCode, res.body).toBe(204);
    expect(await enrolment()).toMatchObject({ last_visit_date: day(-60), next_due_date: first.nextDueDate, risk_colour: 'green', risk_rule: 'dm.green.controlled' });
    expect({ state: await enrolment(), tasks: await openTasks() }).toEqual(afterFirst);

    const again = await call('POST', `/api/residents/${id}/entries/followup_visit/${second.json().id}/cancel`, { reason: '重复注销' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toBe('already_cancelled');

    const stored = await followUps(id);
    const cancelled = stored.find((v) => v.id === second.json().id)!;
    expect(cancelled).toMatchObject({ status: 'cancelled', cancelledBy: f.users.hmA, cancelReason: '录入错误：血糖值录错' });
    expect(typeof cancelled.cancelledAt).toBe('string');
    const log = await db.selectFrom('change_log').select(['changed_by', 'reason']).where('row_id', '=', second.json().id).execute();
    expect(log).toEqual([{ changed_by: f.users.hmA, reason: '录入错误：血糖值录错' }]);
    const timeline = await ok<{ items: { id: string; status: string }[] }>('GET', `/api/residents/${id}/timeline`);
    expect(timeline.items.find((e) => e.id === second.json().id)?.status).toBe('cancelled');

    // The corrected visit can be entered on the same date; cancelling every visit returns to the enrolment's state.
    expect((await dmVisit(id, -10, { fbg: 6.2 })).statusCode).toBe(201);
    const corrected = (await followUps(id)).find((v) => v.status === 'active' && v.visitDate === day(-10))!;
    expect((await call('POST', `/api/residents/${id}/entries/followup_visit/${corrected.id}/cancel`, { reason: '测试注销' })).statusCode).toBe(204);
    expect((await call('POST', `/api/residents/${id}/entries/followup_visit/${first.id}/cancel`, { reason: '测试注销' })).statusCode).toBe(204);
    expect({ state: await enrolment(), tasks: await openTasks() }).toEqual(atEnrolment);
  });

  it('cancelling a visit removes its low glucose from the colour history; an unknown visit is 404', async () => {
    const id = await diabetic('注销低血糖');
    const low = (await dmVisit(id, -40, { fbg: 6.0, randomGlucose: 3.2 })).json();
    expect((await dmVisit(id, -10, { fbg: 6.0 })).json().riskRule).toBe('dm.red.recent_low_glucose');
    const res = await call('POST', `/api/residents/${id}/entries/followup_visit/${low.id}/cancel`, { reason: '测量错误' });
    expect(res.statusCode, res.body).toBe(204);
    const state = await t.database.db.selectFrom('programme_enrolment').select('risk_rule').where('resident_id', '=', id).where('programme', '=', 'diabetes').executeTakeFirstOrThrow();
    expect(state.risk_rule).toBe('dm.green.controlled');
    const other = await diabetic('无此随访');
    expect((await call('POST', `/api/residents/${other}/entries/followup_visit/${low.id}/cancel`, { reason: '测试' })).statusCode).toBe(404);
  });
});

describe('cancellation (注销) of screenings and assessments', () => {
  it('a screening and a self-care assessment are cancelled with a reason; they stay on the timeline, struck through', async () => {
    const id = await resident('注销筛查', 70);
    const screening = (await ok<{ id: string }>('POST', `/api/residents/${id}/screenings`, { kind: 'bp', measuredOn: day(-3), sbp: 128, dbp: 80 })).id;
    const assessment = (await ok<{ id: string }>('POST', `/api/residents/${id}/self-care-assessments`, { assessedOn: day(-3), eating: 0, grooming: 1, dressing: 0, toileting: 0, moving: 0 })).id;
    for (const [table, entryId] of [['screening', screening], ['elderly_assessment', assessment]] as const) {
      const res = await call('POST', `/api/residents/${id}/entries/${table}/${entryId}/cancel`, { reason: '录入错误' });
      expect(res.statusCode, `${table} ${res.body}`).toBe(204);
      expect((await call('POST', `/api/residents/${id}/entries/${table}/${entryId}/cancel`, { reason: '录入错误' })).json().error).toBe('already_cancelled');
      const row = await t.database.db.selectFrom(table).select(['entry_status', 'cancelled_by', 'cancel_reason']).where('id', '=', entryId).executeTakeFirstOrThrow();
      expect(row).toEqual({ entry_status: 'cancelled', cancelled_by: f.users.hmA, cancel_reason: '录入错误' });
    }
    const timeline = await ok<{ items: { id: string; status: string }[] }>('GET', `/api/residents/${id}/timeline`);
    expect(timeline.items.filter((e) => e.id === screening || e.id === assessment).map((e) => e.status)).toEqual(['cancelled', 'cancelled']);
  });
});

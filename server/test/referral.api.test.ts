import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './support/test-app.js';
import { createFixture, login, PASSWORD } from './support/fixture.js';
import { hashPassword } from '../src/auth/passwords.js';
import { addDays } from '../src/chronic/rules/age.js';
import { todayIso } from '../src/shared/dates.js';

/**
 * The closed referral loop through the HTTP API (issue 13): urgent follow-up → prefilled
 * green-channel referral → slot → accepted → arrived → results → down-referral with a package →
 * dated community tasks → done; the slot race; invalid transitions; mutual recognition; KPIs.
 * Expected dates and counts are written out by hand, not computed by the code under test.
 */
let t: TestApp;
let f: Awaited<ReturnType<typeof createFixture>>;
type Who = { authorization: string; cookie: string };
let gp: Who, hm: Who, spec: Who, coord: Who, spec2: Who, gpX: Who;
let cardiology: string, endocrinology: string, hospital2Cardiology: string;
let residentX: string;
const T = todayIso();
const day = (n: number) => addDays(T, n);

async function call(method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, who: Who, payload?: unknown) {
  return t.app.inject({ method, url, headers: who, ...(payload === undefined ? {} : { payload: payload as object }) });
}
async function ok<R = Record<string, unknown>>(method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, who: Who, payload?: unknown): Promise<R> {
  const res = await call(method, url, who, payload);
  if (res.statusCode >= 300) throw new Error(`${method} ${url} → ${res.statusCode} ${res.body}`);
  return res.json() as R;
}

async function sessionRow(id: string) {
  return f.db.selectFrom('specialist_session').select(['capacity', 'reserved', 'open_booked', 'reserved_booked']).where('id', '=', id).executeTakeFirstOrThrow();
}
async function bookedCount(sessionId: string) {
  const r = await f.db.selectFrom('slot_booking').select((eb) => eb.fn.countAll<number>().as('n')).where('session_id', '=', sessionId).where('status', '=', 'booked').executeTakeFirstOrThrow();
  return Number(r.n);
}

beforeAll(async () => {
  t = await createTestApp();
  f = await createFixture(t.app);
  const db = f.db;
  const passwordHash = await hashPassword(PASSWORD);
  const dept = async (institution_id: string, name: string, specialty: string) =>
    (await db.insertInto('department').values({ institution_id, name, name_en: specialty, specialty }).returning('id').executeTakeFirstOrThrow()).id;
  cardiology = await dept(f.institutions.hospital, '心内科', 'cardiology');
  endocrinology = await dept(f.institutions.hospital, '内分泌科', 'endocrinology');
  const hospital2 = (await db.insertInto('institution').values({ code: 'H-2', name: '第二人民医院', name_en: 'Second Hospital', kind: 'secondary_hospital', region_code: '330106' }).returning('id').executeTakeFirstOrThrow()).id;
  hospital2Cardiology = await dept(hospital2, '心内科', 'cardiology');
  // A community centre of another region: not a member of the hospital's alliance.
  await db.insertInto('region').values({ code: '330108', name: '外区', name_en: 'Other District' }).execute();
  const outside = (await db.insertInto('institution').values({ code: 'C-X', name: '外区社区卫生服务中心', name_en: 'Outside centre', kind: 'community_health_centre', region_code: '330108' }).returning('id').executeTakeFirstOrThrow()).id;
  const teamX = (await db.insertInto('team').values({ institution_id: outside, name: '外区团队', name_en: 'Team X' }).returning('id').executeTakeFirstOrThrow()).id;
  const user = async (username: string, role: string, institution_id: string, team?: string) => {
    const id = (await db.insertInto('app_user').values({ username, role, display_name: username, institution_id, password_hash: passwordHash }).returning('id').executeTakeFirstOrThrow()).id;
    if (team) await db.insertInto('team_member').values({ team_id: team, user_id: id, team_role: 'gp' }).execute();
    return id;
  };
  await user('coord_h', 'referral_coordinator', f.institutions.hospital);
  await user('spec_h2', 'specialist', hospital2);
  const gpXId = await user('gp_x', 'gp', outside, teamX);
  residentX = f.residents.residentB.id;
  // Resident B moves to the outside team's care: the contract with team B ends (one contract in force at a time), one with team X starts.
  await db.updateTable('contract').set({ status: 'terminated', end_reason: '迁出本区', ended_at: new Date(Date.now() - 60_000) }).where('resident_id', '=', residentX).where('status', '=', 'active').execute();
  await db.insertInto('contract').values({ resident_id: residentX, team_id: teamX, gp_user_id: gpXId, package_code: 'basic', start_date: T, end_date: addDays(T, 365) }).execute();
  gp = await login(t.app, 'gp_a');
  hm = await login(t.app, 'hm_a');
  spec = await login(t.app, 'spec_h');
  coord = await login(t.app, 'coord_h');
  spec2 = await login(t.app, 'spec_h2');
  gpX = await login(t.app, 'gp_x');
}, 120_000);
afterAll(async () => t?.close());

async function newSession(date: string, capacity: number, departmentId = cardiology, who = coord) {
  return ok<{ id: string; reserved: number; releaseAt: string }>('POST', '/api/specialist-sessions', who, { departmentId, date, startTime: '08:00', endTime: '11:30', capacity });
}
async function newReferral(residentId: string, who: Who, extra: Record<string, unknown> = {}) {
  return ok<{ id: string; status: string; booking: { pool: string } | null }>('POST', '/api/referrals', who, {
    residentId,
    toInstitutionId: f.institutions.hospital,
    departmentId: cardiology,
    urgency: 'routine',
    reason: '血压控制不满意，请心内科评估',
    ...extra,
  });
}

let upId = '';
let downId = '';

describe('the closed loop through the API', () => {
  it('urgent follow-up → prefilled green-channel referral → slot booked in the reserved quota', async () => {
    const A = f.residents.residentA.id;
    await ok('POST', `/api/residents/${A}/enrolments`, hm, { programme: 'hypertension', icd10: 'I10', diagnosedOn: day(-100), enrolledOn: day(-90) });
    const visit = await ok<{ id: string; classification: string }>('POST', `/api/residents/${A}/followups`, hm, { programme: 'hypertension', visitDate: T, visitMode: 'clinic', sbp: 186, dbp: 112 });
    expect(visit.classification).toBe('urgent');

    const draft = await ok<{ urgency: string; reason: string; reasons: string[]; specialty: string; summary: { problems: { icd10: string }[] } }>(
      'GET', `/api/referrals/draft?residentId=${A}&followupVisitId=${visit.id}`, gp,
    );
    expect(draft.urgency).toBe('green_channel');
    expect(draft.specialty).toBe('cardiology');
    expect(draft.reasons.length).toBeGreaterThan(0);
    expect(draft.reason).toContain('紧急转诊');
    expect(draft.summary.problems.map((p) => p.icd10)).toContain('I10');

    // The platform proposes matching sessions: cardiology today, 10 places, 3 reserved (seed 002).
    const session = await newSession(T, 10);
    expect(session.reserved).toBe(3);
    const proposed = await ok<{ items: { id: string; bookableGreenChannel: boolean; member: boolean }[] }>('GET', `/api/specialist-sessions?specialty=cardiology&from=${T}&to=${day(1)}`, gp);
    expect(proposed.items.find((s) => s.id === session.id)).toMatchObject({ member: true, bookableGreenChannel: true });

    const created = await newReferral(A, gp, { followupVisitId: visit.id, urgency: 'green_channel', reason: draft.reason, sessionId: session.id });
    expect(created).toMatchObject({ status: 'requested', booking: { pool: 'reserved' } });
    expect(await sessionRow(session.id)).toMatchObject({ reserved_booked: 1, open_booked: 0 });
    upId = created.id;
  });

  it('the receiving clinicians read the record through the referral basis of the one access query', async () => {
    const A = f.residents.residentA.id;
    const detail = await ok<{ accessBasis: string; summary: { problems: unknown[] }; reimbursement: { pathway: string; ratio: number } }>('GET', `/api/referrals/${upId}`, spec);
    expect(detail.accessBasis).toBe('referral');
    expect(detail.summary.problems.length).toBeGreaterThan(0);
    expect(detail.reimbursement).toEqual({ pathway: 'referred', ratio: 0.7 });
    expect((await call('GET', `/api/residents/${A}`, spec)).statusCode).toBe(200);
    // Another hospital has no referral: no access.
    expect((await call('GET', `/api/referrals/${upId}`, spec2)).statusCode).toBe(403);
    const queue = await ok<{ items: { id: string; urgency: string }[] }>('GET', `/api/referrals?box=incoming&open=true&departmentId=${cardiology}`, coord);
    expect(queue.items.map((i) => i.id)).toContain(upId);
  });

  it('received → accepted → arrived → results returned, each step stamped, attributed and audited', async () => {
    expect(await ok('POST', `/api/referrals/${upId}/transition`, coord, { action: 'receive' })).toMatchObject({ status: 'received' });
    expect(await ok('POST', `/api/referrals/${upId}/transition`, coord, { action: 'accept' })).toMatchObject({ status: 'accepted' });
    expect(await ok('POST', `/api/referrals/${upId}/transition`, spec, { action: 'arrive' })).toMatchObject({ status: 'in_progress' });
    // Completing before results are returned is refused.
    const early = await call('POST', `/api/referrals/${upId}/transition`, spec, { action: 'complete' });
    expect(early.statusCode).toBe(409);
    expect(early.json().error).toBe('results_required');
    const res = await ok<{ resultsReturned: number }>('POST', `/api/referrals/${upId}/results`, spec, {
      findings: '24小时动态血压均值158/96mmHg，心脏彩超左室肥厚',
      diagnosis: '高血压3级（很高危）',
      results: [
        { loinc: '4548-4', display: '糖化血红蛋白', value: 6.1, unit: '%' },
        { loinc: '42148-7', display: '超声心动图', valueText: '左室壁增厚' },
      ],
    });
    expect(res.resultsReturned).toBe(2);

    const detail = await ok<{ events: { action: string; toStatus: string; at: string; by: string }[]; arrivedAt: string; acceptedAt: string; results: unknown[] }>('GET', `/api/referrals/${upId}`, gp);
    expect(detail.events.map((e) => e.action)).toEqual(['request', 'book', 'receive', 'accept', 'arrive', 'return_results']);
    expect(detail.events.every((e) => e.at && e.by)).toBe(true);
    expect(detail.events.find((e) => e.action === 'accept')!.by).toBe('coord_h');
    expect(detail.arrivedAt && detail.acceptedAt).toBeTruthy();
    expect(detail.results).toHaveLength(2);
    // The arrival encounter carries its reimbursement pathway.
    const enc = await f.db.selectFrom('referral as r').innerJoin('encounter as e', 'e.id', 'r.encounter_id').select(['e.reimbursement_pathway', 'e.reimbursement_ratio', 'e.institution_id']).where('r.id', '=', upId).executeTakeFirstOrThrow();
    expect(enc).toEqual({ reimbursement_pathway: 'referred', reimbursement_ratio: 0.7, institution_id: f.institutions.hospital });

    const audits = await f.db.selectFrom('audit_event').select(['actor_user_id', 'access_basis', 'resource']).where('resident_id', '=', f.residents.residentA.id).where('resource', 'like', 'referral%').where('action', '=', 'update').execute();
    expect(audits.filter((a) => a.access_basis === 'referral').length).toBeGreaterThanOrEqual(4);
    expect(audits.some((a) => a.actor_user_id === f.users.specialist && a.resource === 'referral.results')).toBe(true);

    // The referring team is told on its worklist.
    const wl = await ok<{ items: { kind: string; id: string; label: string }[] }>('GET', `/api/worklist?bucket=referred_back`, hm);
    expect(wl.items).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'referral', id: upId })]));
  });

  it('down-referral with the discharge package → dated tasks on the community worklist → done', async () => {
    const A = f.residents.residentA.id;
    await f.db.insertInto('medication').values({ resident_id: A, drug_name: '氨氯地平', dose: '5mg', frequency: 'qd', start_date: day(-200) }).execute();
    const down = await ok<{ downReferralId: string; tasks: number }>('POST', `/api/referrals/${upId}/down-referral`, spec, {
      dischargeDate: T,
      diagnosis: '高血压3级（很高危）',
      icd10: 'I10',
      medications: [
        { drugName: '氨氯地平', change: 'dose', dose: '10mg', frequency: 'qd' },
        { drugName: '缬沙坦', change: 'start', dose: '80mg', frequency: 'qd' },
      ],
      monitoring: ['血压每日监测2周'],
      warningSigns: ['头痛加重', '胸闷'],
      followUpPlan: '4周后心内科复诊',
    });
    downId = down.downReferralId;
    // Hypertension template: first home visit (T+1, within 3 days), BP checks weekly ×3, return at 4 weeks.
    expect(down.tasks).toBe(5);
    const up = await ok<{ status: string; children: { id: string }[] }>('GET', `/api/referrals/${upId}`, gp);
    expect(up.status).toBe('completed');
    expect(up.children.map((c) => c.id)).toEqual([downId]);

    const wl = await ok<{ items: { id: string; kind: string; referralStatus: string; tasks: { id: string; label: string; dueDate: string; windowEnd: string; status: string }[] }[] }>('GET', `/api/worklist?bucket=referred_back`, hm);
    const item = wl.items.find((i) => i.id === downId)!;
    expect(item.referralStatus).toBe('requested');
    expect(item.tasks.map((x) => [x.dueDate, x.windowEnd])).toEqual([
      [day(1), day(3)],
      [day(7), day(10)],
      [day(14), day(17)],
      [day(21), day(24)],
      [day(28), day(35)],
    ]);
    // The medication changes reach the record: the old dose ends, the new one and the new drug start.
    const meds = await f.db.selectFrom('medication').select(['drug_name', 'dose', 'end_date']).where('resident_id', '=', A).orderBy('drug_name').orderBy('start_date').execute();
    expect(meds).toEqual(expect.arrayContaining([
      { drug_name: '氨氯地平', dose: '5mg', end_date: T },
      { drug_name: '氨氯地平', dose: '10mg', end_date: null },
      { drug_name: '缬沙坦', dose: '80mg', end_date: null },
    ]));

    // The calendar is editable; then the team completes every task and the loop closes.
    const moved = await ok<{ dueDate: string }>('PATCH', `/api/care-tasks/${item.tasks[4]!.id}`, hm, { dueDate: day(29), windowEnd: day(35) });
    expect(moved.dueDate).toBe(day(29));
    expect(await ok('POST', `/api/referrals/${downId}/transition`, gp, { action: 'accept' })).toMatchObject({ status: 'accepted' });
    for (const task of item.tasks) expect(await ok('POST', `/api/care-tasks/${task.id}/complete`, hm, {})).toMatchObject({ status: 'done', onTime: true });
    const again = await call('POST', `/api/care-tasks/${item.tasks[0]!.id}/complete`, hm, {});
    expect(again.statusCode).toBe(409);
    const closed = await ok<{ status: string; events: { action: string }[]; dischargeTasks: { status: string }[] }>('GET', `/api/referrals/${downId}`, gp);
    expect(closed.status).toBe('completed');
    expect(closed.dischargeTasks.every((x) => x.status === 'done')).toBe(true);
  });

  it('the referral KPIs for the period show it and drill down to it', async () => {
    const q = `level=team&id=${f.teams.teamA}&from=${day(-7)}&to=${T}`;
    const kpi = await ok<{ indicators: { code: string; numerator: number; denominator: number }[] }>(
      'GET', `/api/kpi?${q}&indicators=referral_timely,referral_green_channel_share,up_referral_rate,down_referral_rate`, gp,
    );
    const by = Object.fromEntries(kpi.indicators.map((i) => [i.code, [i.numerator, i.denominator]]));
    expect(by).toEqual({ referral_timely: [1, 1], referral_green_channel_share: [1, 1], up_referral_rate: [1, 1], down_referral_rate: [1, 1] });
    const time = await ok<{ seen: number; medianHours: number; withinTargetRate: number; targetHours: number }>('GET', `/api/kpi/referral-time?${q}`, gp);
    expect(time).toMatchObject({ seen: 1, withinTargetRate: 1, targetHours: 24 });
    expect(time.medianHours).toBeLessThan(1);
    const drill = await ok<{ items: { id: string }[] }>('GET', `/api/kpi/residents?${q}&indicator=referral_green_channel_share&set=numerator`, gp);
    expect(drill.items.map((i) => i.id)).toEqual([f.residents.residentA.id]);
  });
});

describe('slots: the last free slot, the reserved quota', () => {
  it('50 parallel bookings of the last free slot: exactly one wins, the rest get 409, counts stay consistent', async () => {
    const A = f.residents.residentA.id;
    // Two places: one reserved (30% of 2, rounded), one open. A member takes the reserved one first.
    const session = await newSession(day(3), 2);
    expect(session.reserved).toBe(1);
    await newReferral(A, gp, { sessionId: session.id });
    const referrals = [];
    for (let i = 0; i < 50; i++) referrals.push((await newReferral(A, gp)).id);
    const results = await Promise.all(referrals.map((id) => call('POST', `/api/referrals/${id}/book`, gp, { sessionId: session.id })));
    const codes = results.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 200)).toHaveLength(1);
    expect(codes.filter((c) => c === 409)).toHaveLength(49);
    expect(results.find((r) => r.statusCode === 409)!.json()).toMatchObject({ error: 'slot_unavailable' });
    expect(await sessionRow(session.id)).toEqual({ capacity: 2, reserved: 1, open_booked: 1, reserved_booked: 1 });
    expect(await bookedCount(session.id)).toBe(2);
  });

  it('the reserved quota is never sold to a non-member before its release time', async () => {
    const session = await newSession(day(7), 2);
    const [r1, r2] = [await newReferral(residentX, gpX), await newReferral(residentX, gpX)];
    expect(await ok('POST', `/api/referrals/${r1.id}/book`, gpX, { sessionId: session.id })).toMatchObject({ pool: 'open' });
    const refused = await call('POST', `/api/referrals/${r2.id}/book`, gpX, { sessionId: session.id });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().message).toContain('released at');
    expect(await sessionRow(session.id)).toMatchObject({ open_booked: 1, reserved_booked: 0 });
    // A member still gets the reserved place.
    const member = await newReferral(f.residents.residentA.id, gp);
    expect(await ok('POST', `/api/referrals/${member.id}/book`, gp, { sessionId: session.id })).toMatchObject({ pool: 'reserved' });

    // With a 30-day release lead time, a session tomorrow is already released: a non-member reaches the quota.
    expect(await ok('PUT', `/api/referral-policies/${f.institutions.hospital}`, coord, { reservedShare: 0.5, releaseHours: 720 })).toMatchObject({ reservedShare: 0.5 });
    const released = await newSession(day(1), 2);
    expect(released.reserved).toBe(1);
    expect(await ok('POST', `/api/referrals/${r2.id}/book`, gpX, { sessionId: released.id })).toMatchObject({ pool: 'open' });
    const r3 = await newReferral(residentX, gpX);
    expect(await ok('POST', `/api/referrals/${r3.id}/book`, gpX, { sessionId: released.id })).toMatchObject({ pool: 'reserved' });
    // Cancelling frees the place.
    expect(await ok('POST', `/api/referrals/${r3.id}/transition`, gpX, { action: 'cancel', reason: '患者改期' })).toMatchObject({ status: 'cancelled' });
    expect(await sessionRow(released.id)).toMatchObject({ open_booked: 1, reserved_booked: 0 });
    await ok('PUT', `/api/referral-policies/${f.institutions.hospital}`, coord, { reservedShare: 0.3, releaseHours: 48 });
  });
});

describe('invalid transitions are refused, name the state and change nothing', () => {
  async function snapshot(id: string) {
    return ok<{ status: string; events: unknown[]; session: unknown }>('GET', `/api/referrals/${id}`, gp);
  }

  it('arriving on an unaccepted referral', async () => {
    const r = await newReferral(f.residents.residentA.id, gp);
    const before = await snapshot(r.id);
    const res = await call('POST', `/api/referrals/${r.id}/transition`, spec, { action: 'arrive' });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ error: 'invalid_transition', message: expect.stringContaining('is requested') });
    expect(await snapshot(r.id)).toEqual(before);
  });

  it('booking a session of another department', async () => {
    const r = await newReferral(f.residents.residentA.id, gp);
    const endo = await newSession(day(2), 10, endocrinology);
    const res = await call('POST', `/api/referrals/${r.id}/book`, gp, { sessionId: endo.id });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ error: 'department_mismatch', message: expect.stringContaining('内分泌科') });
    expect(await sessionRow(endo.id)).toMatchObject({ open_booked: 0, reserved_booked: 0 });
    // Nor a session of another hospital (booked by that hospital's coordinator, none exists here: the GP tries).
    await f.db.insertInto('app_user').values({ username: 'coord_h2', role: 'referral_coordinator', display_name: 'coord_h2', institution_id: (await f.db.selectFrom('department').select('institution_id').where('id', '=', hospital2Cardiology).executeTakeFirstOrThrow()).institution_id, password_hash: await hashPassword(PASSWORD) }).execute();
    const other = await newSession(day(2), 10, hospital2Cardiology, await login(t.app, 'coord_h2'));
    const res2 = await call('POST', `/api/referrals/${r.id}/book`, gp, { sessionId: other.id });
    expect(res2.statusCode).toBe(409);
    expect(res2.json().error).toBe('institution_mismatch');
    expect((await snapshot(r.id)).session).toBeNull();
  });

  it('a down-referral for a patient not under the hospital’s care', async () => {
    const r = await newReferral(f.residents.residentA.id, gp);
    const body = { dischargeDate: T, diagnosis: '高血压', icd10: 'I10' };
    // Another hospital: no referral, no relationship.
    const other = await call('POST', `/api/referrals/${r.id}/down-referral`, spec2, body);
    expect(other.statusCode).toBe(403);
    // The receiving hospital, but the patient has not arrived: the state is named.
    const notYet = await call('POST', `/api/referrals/${r.id}/down-referral`, spec, body);
    expect(notYet.statusCode).toBe(409);
    expect(notYet.json().message).toContain('is requested');
    // The referring centre cannot down-refer its own referral.
    const sender = await call('POST', `/api/referrals/${r.id}/down-referral`, gp, body);
    expect(sender.statusCode).toBe(409);
    expect(sender.json().error).toBe('not_under_care');
    const downs = await f.db.selectFrom('referral').select('id').where('parent_referral_id', '=', r.id).execute();
    expect(downs).toEqual([]);
  });

  it('completing a cancelled referral; cancelling without a reason', async () => {
    const r = await newReferral(f.residents.residentA.id, gp);
    const noReason = await call('POST', `/api/referrals/${r.id}/transition`, gp, { action: 'cancel' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().issues[0].field).toBe('body.reason');
    await ok('POST', `/api/referrals/${r.id}/transition`, gp, { action: 'cancel', reason: '患者拒绝转诊' });
    const before = await snapshot(r.id);
    const res = await call('POST', `/api/referrals/${r.id}/transition`, spec, { action: 'complete' });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ error: 'invalid_transition', message: expect.stringContaining('is cancelled') });
    expect(await snapshot(r.id)).toEqual(before);
    // The receiving side may not cancel; the sending side may not accept.
    const wrong = await call('POST', `/api/referrals/${(await newReferral(f.residents.residentA.id, gp)).id}/transition`, gp, { action: 'accept' });
    expect(wrong.statusCode).toBe(403);
  });

  it('a green-channel referral books only today or tomorrow', async () => {
    const later = await newSession(day(5), 10);
    const res = await call('POST', '/api/referrals', gp, {
      residentId: f.residents.residentA.id, toInstitutionId: f.institutions.hospital, departmentId: cardiology, urgency: 'green_channel', reason: '胸痛', sessionId: later.id,
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toBe('green_channel_window');
  });
});

describe('reimbursement pathway', () => {
  it('tags each encounter: community first visit 80%, referred 70%, unreferred hospital visit 50%', async () => {
    const A = f.residents.residentA.id;
    const body = { kind: 'outpatient', startedAt: new Date().toISOString(), reason: '复诊' };
    const community = await ok<{ id: string }>('POST', `/api/residents/${A}/encounters`, gp, body);
    // Resident X's referrals to the hospital are only requested (the hospital sees the record, no referral accepted): unreferred.
    const unreferred = await ok<{ id: string }>('POST', `/api/residents/${residentX}/encounters`, spec, body);
    // Resident A's referral to the hospital was completed today (within 30 days): referred.
    const referred = await ok<{ id: string }>('POST', `/api/residents/${A}/encounters`, spec, body);
    const rows = await f.db.selectFrom('encounter').select(['id', 'reimbursement_pathway', 'reimbursement_ratio']).where('id', 'in', [community.id, unreferred.id, referred.id]).execute();
    const by = Object.fromEntries(rows.map((x) => [x.id, [x.reimbursement_pathway, x.reimbursement_ratio]]));
    expect([by[community.id], by[unreferred.id], by[referred.id]]).toEqual([
      ['community_first', 0.8],
      ['unreferred', 0.5],
      ['referred', 0.7],
    ]);
  });
});

describe('mutual recognition (互认)', () => {
  it('the catalogue holds at least 15 items, each with a LOINC code and a validity window', async () => {
    const cat = await ok<{ items: { loinc: string; validityDays: number; kind: string }[] }>('GET', '/api/recognised-tests', gp);
    expect(cat.items.length).toBeGreaterThanOrEqual(15);
    expect(cat.items.every((i) => /^[0-9]+-[0-9]$/.test(i.loinc) && i.validityDays > 0)).toBe(true);
    expect(cat.items.find((i) => i.loinc === '58410-2')!.validityDays).toBe(7);
    expect(cat.items.find((i) => i.loinc === '4548-4')!.validityDays).toBe(30);
    expect(cat.items.find((i) => i.loinc === '24627-2')!.validityDays).toBe(180);
  });

  it('ordering a recognised test inside its window warns with the earlier result; the repeat-test rate counts repeats', async () => {
    const A = f.residents.residentA.id;
    const check = await ok<{ items: { loinc: string; recognised: boolean; earlier: { institution: string; value: number } | null }[] }>(
      'POST', `/api/residents/${A}/test-orders/check`, gp, { loinc: ['4548-4', '58410-2', '2345-7'] },
    );
    expect(check.items).toEqual([
      expect.objectContaining({ loinc: '4548-4', recognised: true, earlier: expect.objectContaining({ institution: '第一人民医院', value: 6.1 }) }),
      expect.objectContaining({ loinc: '58410-2', recognised: true, earlier: null }),
      expect.objectContaining({ loinc: '2345-7', recognised: false, earlier: null }),
    ]);
    const warned = await call('POST', `/api/residents/${A}/test-orders`, gp, { loinc: '4548-4' });
    expect(warned.statusCode).toBe(409);
    expect(warned.json()).toMatchObject({ error: 'recognised_result_in_window', message: expect.stringContaining('第一人民医院') });
    const noReason = await call('POST', `/api/residents/${A}/test-orders`, gp, { loinc: '4548-4', decision: 'repeat' });
    expect(noReason.statusCode).toBe(400);
    expect(await ok('POST', `/api/residents/${A}/test-orders`, gp, { loinc: '4548-4', decision: 'repeat', reason: '结果与临床不符' })).toMatchObject({ decision: 'repeated' });
    expect(await ok('POST', `/api/residents/${A}/test-orders`, gp, { loinc: '4548-4', decision: 'reuse' })).toMatchObject({ decision: 'reused' });
    expect(await ok('POST', `/api/residents/${A}/test-orders`, gp, { loinc: '58410-2' })).toMatchObject({ decision: 'new' });
    const kpi = await ok<{ indicators: { code: string; numerator: number; denominator: number }[] }>('GET', `/api/kpi?level=team&id=${f.teams.teamA}&from=${T}&to=${T}&indicators=repeat_test_rate`, gp);
    expect(kpi.indicators[0]).toMatchObject({ numerator: 1, denominator: 2 });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './support/test-app.js';
import { createFixture, login } from './support/fixture.js';
import { addDays, addYears } from '../src/chronic/rules/age.js';
import { makeNationalId } from '../src/residents/national-id.js';
import { todayIso } from '../src/shared/dates.js';

/**
 * The community team's year, through the HTTP API: register → contract → screen → confirm → enrol →
 * follow-ups → worklist → KPIs. The KPI expectations below are counted by hand from the fixture
 * (each resident's line says what it contributes); they are not computed by the code under test.
 */
let t: TestApp;
let f: Awaited<ReturnType<typeof createFixture>>;
let hm: { authorization: string; cookie: string };
let gpB: { authorization: string; cookie: string };
const T = todayIso();
const day = (offset: number) => addDays(T, offset);
/** A birth date giving `age` completed years on T (and one year less until 30 days ago). */
const bornForAge = (age: number) => addDays(addYears(T, -age), -30);
let seq = 200;

async function call(method: 'GET' | 'POST', url: string, payload: unknown, who = hm) {
  const res = await t.app.inject({ method, url, payload: payload as object, headers: who });
  return res;
}
async function ok<T = Record<string, unknown>>(method: 'GET' | 'POST', url: string, payload?: unknown, who = hm): Promise<T> {
  const res = await call(method, url, payload, who);
  if (res.statusCode >= 300) throw new Error(`${method} ${url} → ${res.statusCode} ${res.body}`);
  return res.json() as T;
}

async function registerAndContract(name: string, age: number, sex: 'male' | 'female', teamId: string, who = hm) {
  const birth = bornForAge(age);
  const nationalId = makeNationalId('330106', birth, sex === 'male' ? seq++ * 2 + 1 : seq++ * 2);
  const { id } = await ok<{ id: string }>('POST', '/api/residents', { name, nationalId }, who);
  await ok('POST', '/api/contracts', { residentId: id, teamId, packageCode: 'basic', startDate: day(-360) }, who);
  return id;
}

type Visit = [offset: number, sbpOrFbg: number, dbp?: number, mode?: 'clinic' | 'phone'];

async function htnPatient(name: string, age: number, visits: Visit[], opts: { enrolledOffset?: number; teamId?: string; who?: typeof hm } = {}) {
  const who = opts.who ?? hm;
  const id = await registerAndContract(name, age, 'male', opts.teamId ?? f.teams.teamA, who);
  const enrolledOn = day(opts.enrolledOffset ?? -350);
  await ok('POST', `/api/residents/${id}/enrolments`, { programme: 'hypertension', icd10: 'I10', diagnosedOn: addDays(enrolledOn, -1), enrolledOn }, who);
  for (const [offset, sbp, dbp, mode] of visits) {
    await ok('POST', `/api/residents/${id}/followups`, { programme: 'hypertension', visitDate: day(offset), visitMode: mode ?? 'clinic', sbp, dbp }, who);
  }
  return id;
}

async function dmPatient(name: string, visits: Visit[]) {
  const id = await registerAndContract(name, 50, 'female', f.teams.teamA);
  await ok('POST', `/api/residents/${id}/enrolments`, { programme: 'diabetes', icd10: 'E11', diagnosedOn: day(-351), enrolledOn: day(-350) });
  for (const [offset, fbg] of visits) {
    await ok('POST', `/api/residents/${id}/followups`, { programme: 'diabetes', visitDate: day(offset), visitMode: 'clinic', fbg });
  }
  return id;
}

const S4 = [-340, -255, -170, -85];
const ids: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestApp();
  f = await createFixture(t.app);
  hm = await login(t.app, 'hm_a');
  gpB = await login(t.app, 'gp_b');
}, 120_000);
afterAll(async () => t?.close());

describe('the chronic-care path through the API', () => {
  it('create → contract → screen on 3 different days → confirm → enrol → four follow-ups', async () => {
    const birth = bornForAge(60);
    const created = await ok<{ id: string }>('POST', '/api/residents', { name: '高一', nationalId: makeNationalId('330106', birth, 101), phone: '13700000001' });
    const id = created.id;
    // Not yet in the team's care: the health manager cannot read the record.
    expect((await call('GET', `/api/residents/${id}`, undefined)).statusCode).toBe(403);
    const contract = await ok<{ id: string; keyPopulations: string[] }>('POST', '/api/contracts', { residentId: id, teamId: f.teams.teamA, packageCode: 'basic', startDate: day(-360) });
    expect(contract.keyPopulations).toEqual([]);
    expect((await call('GET', `/api/residents/${id}`, undefined)).statusCode).toBe(200);

    const s1 = await ok<{ result: string; confirmation: { status: string } }>('POST', `/api/residents/${id}/screenings`, { kind: 'bp', measuredOn: day(-359), sbp: 150, dbp: 92 });
    expect(s1).toMatchObject({ result: 'elevated', confirmation: { status: 'suspected_recheck' } });
    const sameDay = await ok<{ confirmation: { elevatedDays: number } }>('POST', `/api/residents/${id}/screenings`, { kind: 'bp', measuredOn: day(-359), sbp: 152, dbp: 94 });
    expect(sameDay.confirmation.elevatedDays).toBe(1);
    await ok('POST', `/api/residents/${id}/screenings`, { kind: 'bp', measuredOn: day(-357), sbp: 148, dbp: 90 });
    const s3 = await ok<{ confirmation: { status: string; elevatedDays: number } }>('POST', `/api/residents/${id}/screenings`, { kind: 'bp', measuredOn: day(-355), sbp: 146, dbp: 91 });
    expect(s3.confirmation).toEqual({ status: 'confirmed_refer_for_diagnosis', elevatedDays: 3 });

    const secondary = await call('POST', `/api/residents/${id}/enrolments`, { programme: 'hypertension', icd10: 'I15', diagnosedOn: day(-351) }, hm);
    expect(secondary.statusCode).toBe(400);
    expect(secondary.json().issues[0].field).toBe('body.icd10');

    const enrolment = await ok<{ tasks: { dueDate: string; windowEnd: string }[] }>('POST', `/api/residents/${id}/enrolments`, { programme: 'hypertension', icd10: 'I10', diagnosedOn: day(-351), enrolledOn: day(-350) });
    expect(enrolment.tasks).toEqual([expect.objectContaining({ dueDate: day(-350), windowEnd: day(-336) })]);

    for (const offset of S4) {
      const visit = await ok<{ classification: string; nextDueDate: string; riskColour: string }>('POST', `/api/residents/${id}/followups`, { programme: 'hypertension', visitDate: day(offset), visitMode: 'clinic', sbp: 130, dbp: 80 });
      expect(visit).toMatchObject({ classification: 'controlled', riskColour: 'green' });
      expect(visit.nextDueDate > addDays(day(offset), 88) && visit.nextDueDate < addDays(day(offset), 93)).toBe(true);
    }
    const record = await ok<{ programmes: { programme: string; riskColour: string }[]; careTeam: { keyPopulations: string[] } }>('GET', `/api/residents/${id}`);
    expect(record.programmes).toEqual([expect.objectContaining({ programme: 'hypertension', riskColour: 'green' })]);
    ids.H1 = id;
  });

  it('builds the hand-counted team (20 residents in team A, 1 in team B)', async () => {
    // name, age, visits                                          standard  controlled  timeliness (on time / due)
    ids.H2 = await htnPatient('高二', 60, [[-340, 130, 80], [-255, 130, 80], [-170, 130, 80], [-85, 150, 95]]); //   yes  no   4/5
    ids.H3 = await htnPatient('高三', 70, S4.map((d) => [d, 145, 85] as Visit)); //                                   yes  yes  4/4 (150/90 at 65+)
    ids.H4 = await htnPatient('高四', 64, S4.map((d) => [d, 145, 85] as Visit)); //                                   yes  no   1/5 (140/90 under 65: every visit uncontrolled, each next one 2 weeks later, all late)
    ids.H5 = await htnPatient('高五', 60, [[-340, 130, 80], [-255, 130, 80], [-170, 130, 80]]); //                     no   yes  3/4
    ids.H6 = await htnPatient('高六', 60, []); //                                                                     no   no   0/1
    ids.H7 = await htnPatient('高七', 60, [[-340, 130, 80], [-255, 130, 80], [-170, 130, 80], [-85, 130, 80, 'phone']]); // no (3 face to face) yes 4/4
    ids.H8 = await htnPatient('高八', 60, [[-55, 130, 80]], { enrolledOffset: -60 }); //                             yes (1 due pro rata) yes 1/1
    ids.H9 = await htnPatient('高九', 60, [], { enrolledOffset: -60 }); //                                            no   no   0/1
    ids.H10 = await htnPatient('高十', 60, S4.map((d) => [d, 139, 89] as Visit)); //                                  yes  yes  4/4
    ids.H11 = await htnPatient('高十一', 60, S4.map((d) => [d, 140, 89] as Visit)); //                                yes  no   1/5 (as H4)
    ids.H12 = await htnPatient('高十二', 66, [[-340, 160, 95], [-255, 149, 89], [-170, 149, 89], [-85, 149, 89]]); //    yes  yes  3/4 (late after the first)
    ids.D1 = await dmPatient('糖一', [[-340, 6.0], [-255, 6.0], [-170, 6.0], [-85, 6.9]]); //                       yes  yes  4/4
    ids.D2 = await dmPatient('糖二', [[-340, 6.0], [-255, 6.0], [-170, 6.0], [-85, 7.0]]); //                       yes  no   4/5
    ids.D3 = await dmPatient('糖三', [[-340, 5.5], [-255, 5.5]]); //                                                 no   yes  2/3
    ids.D4 = await dmPatient('糖四', [[-340, 6.0], [-255, 6.0], [-170, 6.0], [-85, 16.7]]); //                      yes  no   4/5 (urgent)
    ids.D5 = await dmPatient('糖五', []); //                                                                          no   no   0/1
    ids.D6 = await dmPatient('糖六', S4.map((d) => [d, 6.0] as Visit)); //                                           yes  yes  4/4
    // Elderly: E1 assessed this period, E2 not (H3, H12 and the fixture's 张测试 (born 1958) are 65+ too).
    ids.E1 = await registerAndContract('老一', 80, 'male', f.teams.teamA);
    ids.E2 = await registerAndContract('老二', 75, 'female', f.teams.teamA);
    await ok('POST', `/api/residents/${ids.E1}/enrolments`, { programme: 'elderly' });
    const score = await ok<{ total: number; band: string }>('POST', `/api/residents/${ids.E1}/self-care-assessments`, { assessedOn: day(-30), eating: 3, grooming: 1, dressing: 0, toileting: 1, moving: 0 });
    expect(score).toMatchObject({ total: 5, band: 'mild_dependence' });
    // One hypertension patient of team B: in the region's numbers, not team A's.
    ids.HB = await htnPatient('乙高', 60, S4.map((d) => [d, 130, 80] as Visit), { teamId: f.teams.teamB, who: gpB });
  }, 120_000);

  it('team A’s KPIs for the year are exactly the hand count', async () => {
    const kpi = await ok<{ indicators: { code: string; numerator: number; denominator: number; rate: number | null }[] }>(
      'GET',
      `/api/kpi?level=team&id=${f.teams.teamA}&from=${day(-364)}&to=${T}`,
    );
    const by = Object.fromEntries(kpi.indicators.map((i) => [i.code, [i.numerator, i.denominator]]));
    expect(by.htn_standard_management).toEqual([8, 12]); // H1 H2 H3 H4 H8 H10 H11 H12
    expect(by.htn_bp_control).toEqual([7, 12]); // H1 H3 H5 H7 H8 H10 H12
    expect(by.dm_standard_management).toEqual([4, 6]); // D1 D2 D4 D6
    expect(by.dm_glucose_control).toEqual([3, 6]); // D1 D3 D6
    expect(by.followup_timeliness).toEqual([29 + 18, 42 + 22]); // hypertension 29/42, diabetes 18/22 (sum of the lines above, H1 4/4)
    expect(by.elderly_management).toEqual([1, 5]); // E1 of H3 H12 E1 E2 张测试
    expect(by.contract_rate).toEqual([21, 21]);
    expect(by.contract_rate_key_populations).toEqual([21, 21]);
    expect(kpi.indicators.find((i) => i.code === 'htn_bp_control')!.rate).toBe(0.5833);
  });

  it('the region adds team B, broken down by institution', async () => {
    const kpi = await ok<{ indicators: { code: string; numerator: number; denominator: number }[]; breakdown: { name: string; indicators: Record<string, { numerator: number; denominator: number }> }[] }>(
      'GET',
      `/api/kpi?level=region&from=${day(-364)}&to=${T}&indicators=htn_standard_management,htn_bp_control,contract_rate`,
    );
    const by = Object.fromEntries(kpi.indicators.map((i) => [i.code, [i.numerator, i.denominator]]));
    expect(by).toEqual({ htn_standard_management: [9, 13], htn_bp_control: [8, 13], contract_rate: [23, 23] });
    const centreB = kpi.breakdown.find((b) => b.name === '乙社区卫生服务中心')!;
    expect(centreB.indicators.htn_bp_control).toMatchObject({ numerator: 1, denominator: 1 });
  });

  it('drills down to the residents behind a number, for the team only', async () => {
    const gap = await ok<{ items: { name: string }[] }>('GET', `/api/kpi/residents?level=team&id=${f.teams.teamA}&from=${day(-364)}&to=${T}&indicator=htn_bp_control&set=gap`);
    expect(gap.items.map((i) => i.name).sort()).toEqual(['高九', '高二', '高六', '高十一', '高四'].sort());
    expect((await call('GET', `/api/kpi/residents?level=team&id=${f.teams.teamA}&indicator=htn_bp_control`, undefined, gpB)).statusCode).toBe(403);
    const gov = await login(t.app, 'gov_admin');
    expect((await call('GET', `/api/kpi?level=region`, undefined, gov)).statusCode).toBe(200);
    expect((await call('GET', `/api/kpi/residents?level=team&id=${f.teams.teamA}&indicator=htn_bp_control`, undefined, gov)).statusCode).toBe(403);
  });

  it('the worklist shows overdue and urgent work with colours, and moves a resident when a follow-up is saved', async () => {
    const overdue = await ok<{ counts: Record<string, number>; items: { residentId: string; residentName: string; daysOverdue: number; riskColour: string | null }[] }>('GET', `/api/worklist?teamId=${f.teams.teamA}&bucket=overdue`);
    const overdueIds = overdue.items.map((i) => i.residentId);
    for (const k of ['H2', 'H4', 'H5', 'H6', 'H9', 'H11', 'D2', 'D3', 'D4', 'D5']) expect(overdueIds, k).toContain(ids[k]);
    for (const k of ['H1', 'H3', 'H10', 'D1', 'D6']) expect(overdueIds, k).not.toContain(ids[k]);
    expect(overdue.items.find((i) => i.residentId === ids.H6)!.daysOverdue).toBe(336);
    const urgent = await ok<{ items: { residentId: string; priority: string; reason: string }[] }>('GET', `/api/worklist?teamId=${f.teams.teamA}&bucket=urgent`);
    expect(urgent.items.find((i) => i.residentId === ids.D4)).toMatchObject({ priority: 'urgent', reason: 'urgent' });

    // H6 comes in today with 150/95: first uncontrolled, next visit within 2 weeks → leaves "overdue".
    const visit = await ok<{ classification: string; action: string; nextDueDate: string; messageZh: string }>('POST', `/api/residents/${ids.H6}/followups`, { programme: 'hypertension', visitDate: T, visitMode: 'clinic', sbp: 150, dbp: 95 });
    expect(visit).toMatchObject({ classification: 'first_uncontrolled', action: 'adjust_medication', nextDueDate: day(14) });
    expect(visit.messageZh).toContain('2周内随访');
    const after = await ok<{ items: { residentId: string }[] }>('GET', `/api/worklist?teamId=${f.teams.teamA}&bucket=overdue`);
    expect(after.items.map((i) => i.residentId)).not.toContain(ids.H6);
    const week = await ok<{ items: { residentId: string; windowEnd: string; reason: string }[] }>('GET', `/api/worklist?teamId=${f.teams.teamA}&bucket=due_this_week`);
    expect(week.items.find((i) => i.residentId === ids.H6)).toMatchObject({ windowEnd: day(14), reason: 'first_uncontrolled' });
    // A member of another team may not open team A's worklist.
    expect((await call('GET', `/api/worklist?teamId=${f.teams.teamA}`, undefined, gpB)).statusCode).toBe(403);
  });

  it('a live classification stores nothing and flags two consecutive uncontrolled visits for referral', async () => {
    const before = await t.database.db.selectFrom('followup_visit').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const preview = await ok<{ classification: string; referralSuggested: boolean; previousVisit: { controlled: boolean } }>('POST', `/api/residents/${ids.H2}/followups/classify`, { programme: 'hypertension', visitDate: T, visitMode: 'clinic', sbp: 145, dbp: 92 });
    expect(preview).toMatchObject({ classification: 'two_consecutive_uncontrolled', referralSuggested: true, previousVisit: { controlled: false } });
    const after = await t.database.db.selectFrom('followup_visit').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it('refuses what the standard excludes: under 35, missing BP, future visits, invalid self-care scores', async () => {
    const young = await registerAndContract('少年', 34, 'male', f.teams.teamA);
    const r1 = await call('POST', `/api/residents/${young}/enrolments`, { programme: 'hypertension', icd10: 'I10', diagnosedOn: day(-1) }, hm);
    expect(r1.statusCode).toBe(400);
    expect(r1.json().error).toBe('below_programme_age');
    const again = await call('POST', `/api/residents/${ids.H1}/enrolments`, { programme: 'hypertension', icd10: 'I10', diagnosedOn: day(-1) }, hm);
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toBe('already_enrolled');
    const notEnrolled = await call('POST', `/api/residents/${ids.H1}/followups`, { programme: 'diabetes', visitDate: T, visitMode: 'clinic', fbg: 6.0 }, hm);
    expect(notEnrolled.statusCode).toBe(409);
    expect(notEnrolled.json().error).toBe('not_enrolled');
    const r2 = await call('POST', `/api/residents/${ids.H1}/followups`, { programme: 'hypertension', visitDate: T, visitMode: 'clinic', sbp: 130 }, hm);
    expect(r2.json().issues[0].field).toBe('body.dbp');
    const r3 = await call('POST', `/api/residents/${ids.H1}/followups`, { programme: 'hypertension', visitDate: day(1), visitMode: 'clinic', sbp: 130, dbp: 80 }, hm);
    expect(r3.json().issues[0].field).toBe('body.visitDate');
    const r4 = await call('POST', `/api/residents/${ids.E1}/self-care-assessments`, { assessedOn: T, eating: 4, grooming: 0, dressing: 0, toileting: 0, moving: 0 }, hm);
    expect(r4.statusCode).toBe(400);
    expect(r4.json().issues[0].field).toBe('body.eating');
  });

  it('contracts renew, change team and terminate with reasons', async () => {
    const contracts = await ok<{ items: { id: string; status: string }[] }>('GET', `/api/residents/${ids.E2}/contracts`);
    const current = contracts.items[0]!;
    const renewed = await ok<{ id: string; startDate: string }>('POST', `/api/contracts/${current.id}/renew`, {});
    expect(renewed.startDate).toBe(addYears(day(-360), 1));
    expect((await call('POST', `/api/contracts/${current.id}/renew`, {}, hm)).statusCode).toBe(409);
    // The renewal is queued: the current contract stays in force, so the team still has access.
    expect((await call('GET', `/api/residents/${ids.E2}`, undefined)).statusCode).toBe(200);
    const moved = await ok<{ id: string; teamId: string }>('POST', `/api/contracts/${current.id}/change-team`, { teamId: f.teams.teamB, reason: '搬迁至乙社区' });
    expect(moved.teamId).toBe(f.teams.teamB);
    // The care relationship followed the resident: team A no longer reads the record.
    expect((await call('GET', `/api/residents/${ids.E2}`, undefined)).statusCode).toBe(403);
    const term = await call('POST', `/api/contracts/${moved.id}/terminate`, { reason: '本人申请解约' }, gpB);
    expect(term.statusCode).toBe(200);
    const history = await ok<{ items: { status: string }[] }>('GET', `/api/residents/${ids.E2}/contracts`, undefined, gpB).catch(() => null);
    expect(history).toBeNull(); // no contract and no other relationship: team B has no access either
    const statuses = await t.database.db.selectFrom('contract').select('status').where('resident_id', '=', ids.E2!).orderBy('created_at').execute();
    expect(statuses.map((r) => r.status)).toEqual(['superseded', 'superseded', 'terminated']);
  });

  it('a period ending before residents’ latest entries reads the source tables (resident_activity fallback)', async () => {
    // Pretend the records were registered long ago so that they belong to a past period's population.
    await t.database.db.updateTable('resident').set({ created_at: new Date('2020-01-01T00:00:00Z') }).execute();
    const kpi = await ok<{ indicators: { code: string; numerator: number; denominator: number }[] }>(
      'GET',
      `/api/kpi?level=team&id=${f.teams.teamA}&from=${day(-364)}&to=${day(-60)}&indicators=elderly_management,record_usage`,
    );
    const by = Object.fromEntries(kpi.indicators.map((i) => [i.code, [i.numerator, i.denominator]]));
    // 65+ in team A at day -60: H3 H12 E1 E2 (张测试's contract only starts today); E1's check was at day -30.
    expect(by.elderly_management).toEqual([0, 4]);
    // Team A at day -60: the 20 built residents + 少年. Entries in the year to day -60: H1–H5, H7, H10–H12, D1–D4, D6.
    // H6 (seen today), H8 (day -55) and E1 (day -30) have later entries only: resident_activity sends them to the source tables.
    expect(by.record_usage).toEqual([14, 21]);
  });

  it('keeps resident_activity exact through cancellation', async () => {
    const before = await t.database.db.selectFrom('resident_activity').select('last_entry_on').where('resident_id', '=', ids.E2!).executeTakeFirst();
    expect(before?.last_entry_on ?? null).toBeNull();
    const enc = await t.database.db
      .insertInto('encounter')
      .values({ resident_id: ids.E2!, kind: 'outpatient', started_at: `${day(-3)}T02:00:00Z` })
      .returning('id')
      .executeTakeFirstOrThrow();
    const after = await t.database.db.selectFrom('resident_activity').select('last_entry_on').where('resident_id', '=', ids.E2!).executeTakeFirstOrThrow();
    expect(after.last_entry_on).toBe(day(-3));
    await t.database.db.updateTable('encounter').set({ entry_status: 'cancelled' }).where('id', '=', enc.id).execute();
    const cancelled = await t.database.db.selectFrom('resident_activity').select('last_entry_on').where('resident_id', '=', ids.E2!).executeTakeFirstOrThrow();
    expect(cancelled.last_entry_on).toBeNull();
  });
});

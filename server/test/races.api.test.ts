import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './support/test-app.js';
import { createFixture, login } from './support/fixture.js';
import { makeNationalId } from '../src/residents/national-id.js';
import { addDays } from '../src/chronic/rules/age.js';
import { todayIso } from '../src/shared/dates.js';

/**
 * Simultaneous identical writes: the database decides (constraints, not read-then-write), one wins
 * and the others get a 409 with a stable code. On PGlite (one connection) the requests run one
 * after the other; on PostgreSQL they really overlap. Both must give the same answers.
 */
let t: TestApp;
let f: Awaited<ReturnType<typeof createFixture>>;
let gp: { authorization: string; cookie: string };

beforeAll(async () => {
  t = await createTestApp();
  f = await createFixture(t.app);
  gp = await login(t.app, 'gp_a');
});
afterAll(async () => t?.close());

const post = (url: string, payload: unknown, headers: Record<string, string> = gp) =>
  t.app.inject({ method: 'POST', url, payload: payload as object, headers });
const parallel = <T>(n: number, make: () => Promise<T>) => Promise.all(Array.from({ length: n }, make));
const statuses = (rs: { statusCode: number }[]) => rs.map((r) => r.statusCode).sort();

let seq = 100;
async function newResident(birthDate = '1960-05-05') {
  const nationalId = makeNationalId('330106', birthDate, seq++);
  const res = await post('/api/residents', { name: '并发测试', nationalId });
  expect(res.statusCode).toBe(201);
  return { id: res.json<{ id: string }>().id, nationalId };
}

describe('races end with one row and 409s with a code', () => {
  it('20 parallel identical contract signings: exactly one contract, 19 × 409 contract_active', async () => {
    const r = await newResident();
    const sign = () => post('/api/contracts', { residentId: r.id, teamId: f.teams.teamA, packageCode: 'basic' });
    const out = await parallel(20, sign);
    expect(statuses(out)).toEqual([201, ...Array(19).fill(409)].sort());
    for (const res of out.filter((x) => x.statusCode === 409)) expect(res.json().error).toBe('contract_active');
    const rows = await t.database.db.selectFrom('contract').select('id').where('resident_id', '=', r.id).where('status', '=', 'active').execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.id).toBe(out.find((x) => x.statusCode === 201)!.json().id);
  });

  it('the database refuses a second active contract over the same dates even when the service check is bypassed', async () => {
    const r = await newResident();
    const today = todayIso();
    const insert = (start: string, end: string) =>
      t.database.db.insertInto('contract').values({ resident_id: r.id, team_id: f.teams.teamB, package_code: 'basic', start_date: start, end_date: end }).execute();
    await insert(today, addDays(today, 365));
    await expect(insert(addDays(today, 10), addDays(today, 375))).rejects.toMatchObject({ code: '23P01', constraint: 'contract_one_active_excl' });
    // A renewal queued from the old end date touches, does not overlap: allowed.
    await insert(addDays(today, 365), addDays(today, 730));
  });

  it('renewing twice at once queues one renewal', async () => {
    const r = await newResident();
    const signed = await post('/api/contracts', { residentId: r.id, teamId: f.teams.teamA, packageCode: 'basic' });
    expect(signed.statusCode).toBe(201);
    const out = await parallel(5, () => post(`/api/contracts/${signed.json().id}/renew`, {}));
    expect(statuses(out)).toEqual([201, 409, 409, 409, 409]);
    const active = await t.database.db.selectFrom('contract').select('id').where('resident_id', '=', r.id).where('status', '=', 'active').execute();
    expect(active).toHaveLength(2);
  });

  it('10 parallel identical registrations: one resident, 9 × 409 duplicate_national_id', async () => {
    const nationalId = makeNationalId('330106', '1971-02-03', seq++);
    const out = await parallel(10, () => post('/api/residents', { name: '重复登记', nationalId }));
    expect(statuses(out)).toEqual([201, ...Array(9).fill(409)].sort());
    for (const res of out.filter((x) => x.statusCode === 409)) expect(res.json().error).toBe('duplicate_national_id');
    const winner = out.find((x) => x.statusCode === 201)!.json().id as string;
    const rows = await t.database.db.selectFrom('resident').select('id').where('name', '=', '重复登记').execute();
    expect(rows.map((x) => x.id)).toEqual([winner]);
  });

  it('10 parallel identical enrolments: one enrolment, 9 × 409 already_enrolled', async () => {
    const r = await newResident();
    expect((await post('/api/contracts', { residentId: r.id, teamId: f.teams.teamA, packageCode: 'basic' })).statusCode).toBe(201);
    const body = { programme: 'hypertension', icd10: 'I10', diagnosedOn: addDays(todayIso(), -30) };
    const out = await parallel(10, () => post(`/api/residents/${r.id}/enrolments`, body));
    expect(statuses(out)).toEqual([201, ...Array(9).fill(409)].sort());
    for (const res of out.filter((x) => x.statusCode === 409)) expect(res.json().error).toBe('already_enrolled');
    const rows = await t.database.db.selectFrom('programme_enrolment').select('id').where('resident_id', '=', r.id).execute();
    expect(rows).toHaveLength(1);
  });
});

describe('identical follow-ups are one visit', () => {
  let residentId: string;
  const form = (over: Record<string, unknown> = {}) => ({
    programme: 'hypertension',
    visitDate: addDays(todayIso(), -1),
    visitMode: 'clinic',
    sbp: 152,
    dbp: 94,
    heartRate: 76,
    ...over,
  });
  const visits = () => t.database.db.selectFrom('followup_visit').select(['id', 'sbp']).where('resident_id', '=', residentId).execute();

  beforeAll(async () => {
    residentId = (await newResident()).id;
    expect((await post('/api/contracts', { residentId, teamId: f.teams.teamA, packageCode: 'basic' })).statusCode).toBe(201);
    const enrolled = await post(`/api/residents/${residentId}/enrolments`, { programme: 'hypertension', icd10: 'I10', diagnosedOn: addDays(todayIso(), -60) });
    expect(enrolled.statusCode).toBe(201);
  });

  it('10 parallel identical follow-ups: one visit; the others 409 duplicate_followup naming it', async () => {
    const out = await parallel(10, () => post(`/api/residents/${residentId}/followups`, form()));
    expect(statuses(out)).toEqual([201, ...Array(9).fill(409)].sort());
    const first = out.find((x) => x.statusCode === 201)!.json().id as string;
    for (const res of out.filter((x) => x.statusCode === 409)) expect(res.json()).toMatchObject({ error: 'duplicate_followup', existingId: first });
    expect((await visits()).map((v) => v.id)).toEqual([first]);
    // ...and the same form sent again later (a double click, a retry) is answered the same way.
    const again = await post(`/api/residents/${residentId}/followups`, form());
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ error: 'duplicate_followup', existingId: first });
    expect(await visits()).toHaveLength(1);
  });

  it('a different value on the same day is another visit only when confirmed; a cancelled visit may be entered again', async () => {
    const unconfirmed = await post(`/api/residents/${residentId}/followups`, form({ sbp: 148 }));
    expect(unconfirmed.statusCode).toBe(409);
    expect(unconfirmed.json().error).toBe('duplicate_visit');
    const other = await post(`/api/residents/${residentId}/followups`, form({ sbp: 148, separateVisit: true }));
    expect(other.statusCode).toBe(201);
    await t.database.db.updateTable('followup_visit').set({ entry_status: 'cancelled' }).where('id', '=', other.json().id).execute();
    const reentered = await post(`/api/residents/${residentId}/followups`, form({ sbp: 148, separateVisit: true }));
    expect(reentered.statusCode).toBe(201);
    expect(reentered.json().id).not.toBe(other.json().id);
  });

  it('Idempotency-Key: a repeat is answered with the first visit, a different form under the same key is refused', async () => {
    const headers = { ...gp, 'idempotency-key': 'visit-7f3a-0001' };
    const out = await parallel(5, () => post(`/api/residents/${residentId}/followups`, form({ sbp: 160, visitDate: addDays(todayIso(), -2) }), headers));
    expect(statuses(out)).toEqual([201, 409, 409, 409, 409]);
    const first = out.find((x) => x.statusCode === 201)!.json().id as string;
    for (const res of out.filter((x) => x.statusCode === 409)) expect(res.json()).toMatchObject({ error: 'duplicate_followup', existingId: first });
    const reused = await post(`/api/residents/${residentId}/followups`, form({ sbp: 170, visitDate: addDays(todayIso(), -2) }), headers);
    expect(reused.statusCode).toBe(409);
    expect(reused.json().error).toBe('idempotency_key_reused');
    expect(reused.json().existingId).toBeUndefined();
    expect((await visits()).filter((v) => v.sbp === 170)).toHaveLength(0);
    const badKey = await post(`/api/residents/${residentId}/followups`, form({ sbp: 171 }), { ...gp, 'idempotency-key': 'x'.repeat(101) });
    expect(badKey.statusCode).toBe(400);
    expect(badKey.json().issues.map((i: { field: string }) => i.field)).toContain('headers.idempotency-key');
  });
});

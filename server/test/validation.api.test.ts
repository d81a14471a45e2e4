import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestApp, type TestApp } from './support/test-app.js';
import { createFixture, login } from './support/fixture.js';
import { BODY_LIMIT_BYTES } from '../src/app.js';
import { addDays } from '../src/chronic/rules/age.js';
import { todayIso } from '../src/shared/dates.js';

let t: TestApp;
let f: Awaited<ReturnType<typeof createFixture>>;
let gp: { authorization: string; cookie: string };

beforeAll(async () => {
  t = await createTestApp();
  f = await createFixture(t.app);
  gp = await login(t.app, 'gp_a');
});
afterAll(async () => t?.close());

/** Row counts of every table the requests below could touch (audit rows aside). */
async function snapshot(): Promise<Record<string, number>> {
  const tables = ['resident', 'resident_identifier', 'condition', 'encounter', 'observation', 'medication', 'immunization', 'change_log', 'break_glass', 'resident_merge'];
  const out: Record<string, number> = {};
  for (const table of tables) {
    const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(t.database.db);
    out[table] = r.rows[0]!.n;
  }
  const basic = await t.database.db.selectFrom('resident').select(['basic_info', 'version']).where('id', '=', f.residents.residentA.id).executeTakeFirstOrThrow();
  out.residentAVersion = basic.version;
  return out;
}

const A = () => f.residents.residentA.id;

describe('malformed requests get a 4xx naming the field and change nothing', () => {
  it.each([
    ['wrong type', 'POST', () => `/api/residents/${A()}/observations`, { loinc: '8480-6', value: '150', unit: 'mm[Hg]', effectiveAt: '2026-11-01T08:00:00+08:00' }, 400, 'body.value'],
    ['missing field', 'POST', () => `/api/residents/${A()}/observations`, { loinc: '8480-6', unit: 'mm[Hg]', effectiveAt: '2026-11-01T08:00:00+08:00' }, 400, 'body.value'],
    ['unknown enum', 'POST', () => `/api/residents/${A()}/observations`, { loinc: '99999-9', value: 150, unit: 'mm[Hg]', effectiveAt: '2026-11-01T08:00:00+08:00' }, 400, 'body.loinc'],
    ['wrong unit for the code', 'POST', () => `/api/residents/${A()}/observations`, { loinc: '8480-6', value: 150, unit: 'kPa', effectiveAt: '2026-11-01T08:00:00+08:00' }, 400, 'body.unit'],
    ['implausible value', 'POST', () => `/api/residents/${A()}/observations`, { loinc: '8480-6', value: 1500, unit: 'mm[Hg]', effectiveAt: '2026-11-01T08:00:00+08:00' }, 400, 'body.value'],
    ['bad date', 'POST', () => `/api/residents/${A()}/conditions`, { icd10: 'I10', display: '高血压', diagnosedOn: '2026-13-01' }, 400, 'body.diagnosedOn'],
    ['bad ICD-10 code', 'POST', () => `/api/residents/${A()}/conditions`, { icd10: 'hypertension', display: '高血压', diagnosedOn: '2026-01-01' }, 400, 'body.icd10'],
    ['unknown field', 'POST', () => `/api/residents/${A()}/conditions`, { icd10: 'I10', display: '高血压', diagnosedOn: '2026-01-01', severity: 'high' }, 400, 'body.severity'],
    ['unknown enum in resident', 'POST', () => '/api/residents', { name: '某人', sex: 'other', birthDate: '1990-01-01' }, 400, 'body.sex'],
    ['nested wrong type', 'PUT', () => `/api/residents/${A()}/basic-info`, { basicInfo: { drugAllergies: '青霉素' }, reason: '更正' }, 400, 'body.basicInfo.drugAllergies'],
    ['nested unknown enum', 'PUT', () => `/api/residents/${A()}/basic-info`, { basicInfo: { bloodType: 'C' }, reason: '更正' }, 400, 'body.basicInfo.bloodType'],
    ['bad path id', 'GET', () => '/api/residents/not-a-uuid', undefined, 400, 'params.id'],
    ['bad query', 'GET', () => '/api/residents?q=', undefined, 400, 'querystring.q'],
    ['limit out of range', 'GET', () => '/api/residents?q=张&limit=5000', undefined, 400, 'querystring.limit'],
  ])('%s', async (_what, method, url, payload, status, field) => {
    const before = await snapshot();
    const res = await t.app.inject({ method: method as 'GET', url: url(), payload: payload as object, headers: gp });
    expect(res.statusCode).toBe(status);
    const body = res.json();
    expect(body.error).toBe('validation');
    expect(body.issues.map((i: { field: string }) => i.field)).toContain(field);
    expect(await snapshot()).toEqual(before);
  });

  it('an oversized body gets 413 and changes nothing', async () => {
    const before = await snapshot();
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/residents/${A()}/encounters`,
      headers: { ...gp, 'content-type': 'application/json' },
      payload: JSON.stringify({ kind: 'outpatient', startedAt: '2026-11-01T08:00:00+08:00', summary: 'x'.repeat(BODY_LIMIT_BYTES + 10) }),
    });
    expect(res.statusCode).toBe(413);
    expect(await snapshot()).toEqual(before);
  });

  it('malformed JSON gets 400 and changes nothing', async () => {
    const before = await snapshot();
    const res = await t.app.inject({ method: 'POST', url: '/api/residents', headers: { ...gp, 'content-type': 'application/json' }, payload: '{"name": "张' });
    expect(res.statusCode).toBe(400);
    expect(await snapshot()).toEqual(before);
  });

  it('a valid correction cancels the entry, keeps it, and logs who, when and why', async () => {
    const created = await t.app.inject({ method: 'POST', url: `/api/residents/${A()}/conditions`, headers: gp, payload: { icd10: 'I10', display: '原发性高血压', diagnosedOn: '2026-01-01' } });
    expect(created.statusCode).toBe(201);
    const id = created.json().id;
    const noReason = await t.app.inject({ method: 'POST', url: `/api/residents/${A()}/entries/condition/${id}/cancel`, headers: gp, payload: {} });
    expect(noReason.statusCode).toBe(400);
    const cancel = await t.app.inject({ method: 'POST', url: `/api/residents/${A()}/entries/condition/${id}/cancel`, headers: gp, payload: { reason: '诊断录入错误' } });
    expect(cancel.statusCode).toBe(204);
    const row = await t.database.db.selectFrom('condition').select(['entry_status', 'cancel_reason', 'cancelled_by']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toEqual({ entry_status: 'cancelled', cancel_reason: '诊断录入错误', cancelled_by: f.users.gpA });
    const log = await t.database.db.selectFrom('change_log').select(['table_name', 'reason', 'changed_by']).where('row_id', '=', id).executeTakeFirstOrThrow();
    expect(log).toEqual({ table_name: 'condition', reason: '诊断录入错误', changed_by: f.users.gpA });
    const timeline = await t.app.inject({ method: 'GET', url: `/api/residents/${A()}/timeline`, headers: gp });
    expect(timeline.json().items).toEqual(expect.arrayContaining([expect.objectContaining({ id, status: 'cancelled' })]));
  });
});

describe('bad input found by the outside probe: a 4xx naming the field sent, never a 5xx', () => {
  const today = todayIso();
  const day = (n: number) => addDays(today, n);
  const fieldsOf = (res: { json(): unknown }) => ((res.json() as { issues?: { field: string }[] }).issues ?? []).map((i) => i.field);

  beforeAll(async () => {
    const enrol = await t.app.inject({ method: 'POST', url: `/api/residents/${A()}/enrolments`, headers: gp, payload: { programme: 'hypertension', icd10: 'I10', diagnosedOn: day(-90) } });
    expect(enrol.statusCode).toBe(201);
  });

  it.each([
    ['year 0000 diagnosis', 'POST', () => `/api/residents/${A()}/conditions`, { icd10: 'I10', display: '高血压', diagnosedOn: '0000-01-01' }, 'body.diagnosedOn'],
    ['year 1800 immunisation', 'POST', () => `/api/residents/${A()}/immunizations`, { vaccineCode: 'HepB', vaccineName: '乙肝疫苗', occurredOn: '1800-01-01' }, 'body.occurredOn'],
    ['future onset', 'POST', () => `/api/residents/${A()}/conditions`, { icd10: 'I10', display: '高血压', diagnosedOn: day(-1), onsetDate: day(3) }, 'body.onsetDate'],
    ['future observation', 'POST', () => `/api/residents/${A()}/observations`, { loinc: '8480-6', value: 150, unit: 'mm[Hg]', effectiveAt: `${day(2)}T08:00:00+08:00` }, 'body.effectiveAt'],
    ['year 0001 encounter', 'POST', () => `/api/residents/${A()}/encounters`, { kind: 'outpatient', startedAt: '0001-01-01T08:00:00+08:00' }, 'body.startedAt'],
    ['encounter ending before it starts', 'POST', () => `/api/residents/${A()}/encounters`, { kind: 'outpatient', startedAt: `${day(-1)}T10:00:00+08:00`, endedAt: `${day(-1)}T09:00:00+08:00` }, 'body.endedAt'],
    ['medication ending before it starts', 'POST', () => `/api/residents/${A()}/medications`, { drugName: '氨氯地平', startDate: day(-5), endDate: day(-9) }, 'body.endDate'],
    ['NUL in text', 'POST', () => `/api/residents/${A()}/conditions`, { icd10: 'I10', display: '高\u0000血压', diagnosedOn: day(-1) }, 'body.display'],
    ['lone surrogate in text', 'PUT', () => `/api/residents/${A()}/basic-info`, { basicInfo: { occupation: '\uD800' }, reason: '更正' }, 'body.basicInfo.occupation'],
    ['NUL in the search', 'GET', () => '/api/residents?q=%00', undefined, 'querystring.q'],
    ['year 0000 contract start', 'POST', () => '/api/contracts', { residentId: '00000000-0000-4000-8000-000000000001', teamId: '00000000-0000-4000-8000-000000000002', packageCode: 'basic', startDate: '0000-01-01' }, 'body.startDate'],
    ['year 0000 KPI period', 'GET', () => '/api/kpi?from=0000-01-01', undefined, 'querystring.from'],
    ['KPI period ending before it starts', 'GET', () => `/api/kpi?from=${day(-1)}&to=${day(-30)}`, undefined, 'querystring.to'],
    ['visit before the birth date', 'POST', () => `/api/residents/${A()}/followups`, { programme: 'hypertension', visitDate: '1950-01-01', visitMode: 'clinic', sbp: 150, dbp: 90 }, 'body.visitDate'],
    ['visit before the birth date (live classification)', 'POST', () => `/api/residents/${A()}/followups/classify`, { programme: 'hypertension', visitDate: '1950-01-01', visitMode: 'clinic', sbp: 150, dbp: 90 }, 'body.visitDate'],
    ['screening before the birth date', 'POST', () => `/api/residents/${A()}/screenings`, { kind: 'bp', measuredOn: '1950-01-01', sbp: 150, dbp: 90 }, 'body.measuredOn'],
  ])('%s', async (_what, method, url, payload, field) => {
    const before = await snapshot();
    const res = await t.app.inject({ method: method as 'GET', url: url(), payload: payload as object, headers: gp });
    expect(res.statusCode).toBe(400);
    expect(fieldsOf(res)).toContain(field);
    expect(await snapshot()).toEqual(before);
  });

  it('a lone surrogate in the username is a 400 naming it', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'gp\uD800', password: 'x' } });
    expect(res.statusCode).toBe(400);
    expect(fieldsOf(res)).toEqual(['body.username']);
  });

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])('GET /api/kpi?indicators=%s is a 400 naming indicators', async (key) => {
    const res = await t.app.inject({ method: 'GET', url: `/api/kpi?indicators=${key}`, headers: gp });
    expect(res.statusCode).toBe(400);
    expect(fieldsOf(res)).toEqual(['querystring.indicators']);
  });

  it('an encounter may end later the same day, and a medication course in the future', async () => {
    const enc = await t.app.inject({ method: 'POST', url: `/api/residents/${A()}/encounters`, headers: gp, payload: { kind: 'outpatient', startedAt: `${day(-1)}T09:00:00+08:00`, endedAt: `${day(-1)}T09:40:00+08:00` } });
    expect(enc.statusCode).toBe(201);
    const med = await t.app.inject({ method: 'POST', url: `/api/residents/${A()}/medications`, headers: gp, payload: { drugName: '氨氯地平', startDate: day(-5), endDate: day(85) } });
    expect(med.statusCode).toBe(201);
  });

  it('an unknown encounter id on an observation is a 400 naming it (the database decides)', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/residents/${A()}/observations`,
      headers: gp,
      payload: { loinc: '8480-6', value: 150, unit: 'mm[Hg]', effectiveAt: `${day(-1)}T08:00:00+08:00`, encounterId: '00000000-0000-4000-8000-000000000000' },
    });
    expect(res.statusCode).toBe(400);
    expect(fieldsOf(res)).toEqual(['body.encounterId']);
  });
});

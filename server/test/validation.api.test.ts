import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestApp, type TestApp } from './support/test-app.js';
import { createFixture, login } from './support/fixture.js';
import { BODY_LIMIT_BYTES } from '../src/app.js';

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

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { Bundle, CapabilityStatement, Observation, OperationOutcome, Patient, Resource } from '@medplum/fhirtypes';
import { createTestApp, type TestApp } from './support/test-app.js';
import { createFixture, login } from './support/fixture.js';
import { validationIssues } from '../src/fhir/validation.js';
import { TYPES } from '../src/fhir/search.js';
import { SUBSCRIPTION_RESOURCE } from '../src/fhir/capability.js';
import { SYSTEMS } from '../src/fhir/systems.js';

/**
 * FHIR R4 at /fhir, as staff users (bearer session; SMART system clients are a later step):
 * OperationOutcome errors, read / vread / history with ETags and If-Match, search filtered by the
 * care relationship with paging and totals, validation (R4 + required bindings), access and audit.
 */
let t: TestApp;
let f: Awaited<ReturnType<typeof createFixture>>;
let gpA: Record<string, string>;
let specialist: Record<string, string>;
let resident: Record<string, string>;
const FHIR = { 'content-type': 'application/fhir+json' };

const call = (method: 'GET' | 'POST' | 'PUT', url: string, headers: Record<string, string>, payload?: unknown) =>
  t.app.inject({ method, url, headers: { ...FHIR, ...headers }, ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }) });

const expectValid = (r: Resource) => expect(validationIssues(r)).toEqual([]);

function bp(residentId: string, effective: string, sbp = 150): Observation {
  return {
    resourceType: 'Observation',
    status: 'final',
    category: [{ coding: [{ system: SYSTEMS.observationCategory, code: 'vital-signs' }] }],
    code: { coding: [{ system: SYSTEMS.loinc, code: '8480-6', display: 'Systolic blood pressure' }] },
    subject: { reference: `Patient/${residentId}` },
    effectiveDateTime: effective,
    valueQuantity: { value: sbp, unit: 'mmHg', system: SYSTEMS.ucum, code: 'mm[Hg]' },
  };
}

async function countRows(table: 'observation' | 'resident' | 'condition') {
  const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(f.db);
  return rows[0]!.n;
}

beforeAll(async () => {
  t = await createTestApp();
  f = await createFixture(t.app);
  gpA = await login(t.app, 'gp_a');
  specialist = await login(t.app, 'spec_h');
  resident = await login(t.app, 'res_a');
});
afterAll(async () => t?.close());

describe('the /fhir boundary', () => {
  it('answers errors anywhere under /fhir as OperationOutcome with application/fhir+json', async () => {
    const anonymous = await t.app.inject({ method: 'GET', url: `/fhir/Patient/${f.residents.residentA.id}` });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.headers['content-type']).toMatch(/^application\/fhir\+json/);
    expect(anonymous.json<OperationOutcome>().resourceType).toBe('OperationOutcome');

    const unknownType = await call('GET', '/fhir/Claim/123', gpA);
    expect(unknownType.statusCode).toBe(404);
    expect(unknownType.json<OperationOutcome>().issue[0]!.code).toBe('not-supported');

    const noRoute = await call('GET', '/fhir/Patient/x/y/z/w', gpA);
    expect(noRoute.statusCode).toBe(404);
    expect(noRoute.json<OperationOutcome>().resourceType).toBe('OperationOutcome');

    const badJson = await t.app.inject({ method: 'POST', url: '/fhir/Observation', headers: { ...gpA, ...FHIR }, payload: '{not json' });
    expect(badJson.statusCode).toBe(400);
    expect(badJson.json<OperationOutcome>().issue[0]!.code).toBe('structure');
  });

  it('serves a CapabilityStatement that validates and lists exactly the supported types and parameters', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/fhir/metadata' });
    expect(res.statusCode).toBe(200);
    const cs = res.json<CapabilityStatement>();
    expectValid(cs);
    const all = cs.rest![0]!.resource!;
    expect(all.map((r) => r.type).sort()).toEqual([...Object.keys(TYPES), 'Subscription'].sort());
    expect(all.find((r) => r.type === 'Subscription')).toEqual(SUBSCRIPTION_RESOURCE);
    const listed = all.filter((r) => r.type !== 'Subscription');
    for (const r of listed) {
      expect(r.searchParam!.map((p) => p.name).sort()).toEqual(Object.keys(TYPES[r.type]!.params).sort());
      expect(r.interaction!.map((i) => i.code).sort()).toEqual([...TYPES[r.type]!.interactions].sort());
      expect(r.searchInclude ?? []).toEqual(TYPES[r.type]!.includes);
      expect(r.searchRevInclude ?? []).toEqual(TYPES[r.type]!.revIncludes);
    }
    // Every search parameter it lists is accepted in strict mode.
    for (const r of listed) {
      for (const p of r.searchParam!) {
        const value = p.type === 'date' ? 'ge2000-01-01' : p.type === 'reference' ? `Patient/${f.residents.residentA.id}` : 'x';
        const s = await call('GET', `/fhir/${r.type}?${p.name}=${encodeURIComponent(value)}`, { ...gpA, prefer: 'handling=strict' });
        expect(s.statusCode, `${r.type}?${p.name}`).toBe(200);
      }
      for (const i of [...(r.searchInclude ?? []).map((v) => `_include=${v}`), ...(r.searchRevInclude ?? []).map((v) => `_revinclude=${v}`)]) {
        expect((await call('GET', `/fhir/${r.type}?${i}`, { ...gpA, prefer: 'handling=strict' })).statusCode, `${r.type}?${i}`).toBe(200);
      }
    }
  });

  it('creates, reads, updates with If-Match (412 when stale), vreads and lists the history', async () => {
    const residentId = f.residents.residentA.id;
    const created = await call('POST', '/fhir/Observation', gpA, bp(residentId, '2026-01-10T09:00:00+08:00'));
    expect(created.statusCode).toBe(201);
    expect(created.headers.etag).toBe('W/"1"');
    const obs = created.json<Observation>();
    expect(created.headers.location).toContain(`/fhir/Observation/${obs.id}/_history/1`);
    expectValid(obs);

    const read = await call('GET', `/fhir/Observation/${obs.id}`, gpA);
    expect(read.statusCode).toBe(200);
    expect(read.headers.etag).toBe('W/"1"');
    const body = read.json<Observation>();
    expectValid(body);
    expect(body.valueQuantity).toMatchObject({ value: 150, code: 'mm[Hg]' });
    expect(body.subject!.reference).toBe(`Patient/${residentId}`);

    const changed = { ...body, valueQuantity: { ...body.valueQuantity, value: 148 } };
    const updated = await call('PUT', `/fhir/Observation/${obs.id}`, { ...gpA, 'if-match': 'W/"1"' }, changed);
    expect(updated.statusCode).toBe(200);
    expect(updated.headers.etag).toBe('W/"2"');
    const stale = await call('PUT', `/fhir/Observation/${obs.id}`, { ...gpA, 'if-match': 'W/"1"' }, { ...changed, valueQuantity: { ...changed.valueQuantity, value: 1 } });
    expect(stale.statusCode).toBe(412);
    expect(stale.json<OperationOutcome>().resourceType).toBe('OperationOutcome');

    const v1 = await call('GET', `/fhir/Observation/${obs.id}/_history/1`, gpA);
    expect(v1.json<Observation>().valueQuantity!.value).toBe(150);
    const v2 = await call('GET', `/fhir/Observation/${obs.id}/_history/2`, gpA);
    expect(v2.json<Observation>().valueQuantity!.value).toBe(148);
    expect(v2.json<Observation>().meta!.versionId).toBe('2');
    const history = await call('GET', `/fhir/Observation/${obs.id}/_history`, gpA);
    const h = history.json<Bundle>();
    expectValid(h);
    expect(h.entry!.map((e) => e.resource!.meta!.versionId)).toEqual(['2', '1']);
    expect((await call('GET', `/fhir/Observation/${obs.id}/_history/3`, gpA)).statusCode).toBe(404);
  });

  it('validates every accepted resource, naming the element, and changes nothing on failure', async () => {
    const before = await countRows('observation');
    const bogus = await call('POST', '/fhir/Observation', gpA, { ...bp(f.residents.residentA.id, '2026-01-11T09:00:00+08:00'), status: 'bogus' });
    expect(bogus.statusCode).toBe(400);
    const oo = bogus.json<OperationOutcome>();
    expect(oo.issue.some((i) => i.expression?.includes('Observation.status'))).toBe(true);

    const { status: _s, ...noStatus } = bp(f.residents.residentA.id, '2026-01-11T09:00:00+08:00');
    const missing = await call('POST', '/fhir/Observation', gpA, noStatus);
    expect(missing.statusCode).toBe(400);
    expect(missing.json<OperationOutcome>().issue.some((i) => i.expression?.includes('Observation.status'))).toBe(true);

    const unknownElement = await call('POST', '/fhir/Observation', gpA, { ...bp(f.residents.residentA.id, '2026-01-11T09:00:00+08:00'), colour: 'red' });
    expect(unknownElement.statusCode).toBe(400);
    expect(unknownElement.json<OperationOutcome>().issue.some((i) => i.expression?.includes('Observation.colour'))).toBe(true);

    const comparator = await call('POST', '/fhir/Observation', gpA, {
      ...bp(f.residents.residentA.id, '2026-01-11T09:00:00+08:00'),
      valueQuantity: { value: 1, comparator: '~', system: SYSTEMS.ucum, code: 'mm[Hg]' },
    });
    expect(comparator.statusCode).toBe(400);
    expect(comparator.json<OperationOutcome>().issue.some((i) => i.expression?.includes('Observation.valueQuantity.comparator'))).toBe(true);
    expect(await countRows('observation')).toBe(before);
  });

  it('searches within the care relationship, with totals, paging links and _summary=count', async () => {
    const residentId = f.residents.residentA.id;
    for (let d = 1; d <= 7; d++) {
      const r = await call('POST', '/fhir/Observation', gpA, bp(residentId, `2026-02-${String(d).padStart(2, '0')}T08:00:00+08:00`, 130 + d));
      expect(r.statusCode).toBe(201);
    }
    const q = `/fhir/Observation?patient=Patient/${residentId}&code=${encodeURIComponent(`${SYSTEMS.loinc}|8480-6`)}&date=ge2026-02-01&date=le2026-02-07`;
    const page1 = await call('GET', `${q}&_count=3`, gpA);
    expect(page1.statusCode).toBe(200);
    const b1 = page1.json<Bundle<Observation>>();
    expectValid(b1);
    expect(b1.total).toBe(7);
    expect(b1.entry).toHaveLength(3);
    // Newest first by default.
    expect(b1.entry!.map((e) => e.resource!.valueQuantity!.value)).toEqual([137, 136, 135]);
    const next = b1.link!.find((l) => l.relation === 'next')!.url;
    const page3 = await call('GET', new URL(new URL(next).toString().replace('_offset=3', '_offset=6')).pathname + new URL(next).search.replace('_offset=3', '_offset=6'), gpA);
    const b3 = page3.json<Bundle<Observation>>();
    expect(b3.entry!.map((e) => e.resource!.valueQuantity!.value)).toEqual([131]);
    expect(b3.link!.some((l) => l.relation === 'next')).toBe(false);
    expect(b3.link!.some((l) => l.relation === 'previous')).toBe(true);

    const gt = await call('GET', `/fhir/Observation?patient=${residentId}&date=gt2026-02-06&date=lt2026-02-08`, gpA);
    expect(gt.json<Bundle>().total).toBe(1);
    const count = await call('GET', `${q}&_summary=count`, gpA);
    expect(count.json<Bundle>()).toMatchObject({ total: 7 });
    expect(count.json<Bundle>().entry).toBeUndefined();
    const ascending = await call('GET', `${q}&_sort=date&_count=2`, gpA);
    expect(ascending.json<Bundle<Observation>>().entry!.map((e) => e.resource!.valueQuantity!.value)).toEqual([131, 132]);
    const category = await call('GET', `/fhir/Observation?patient=${residentId}&category=vital-signs&status=final&_summary=count`, gpA);
    expect(category.json<Bundle>().total).toBeGreaterThanOrEqual(8);

    // The specialist of the hospital has no relationship with resident A: nothing, right totals.
    const outsider = await call('GET', `${q}&_count=3`, specialist);
    expect(outsider.json<Bundle>().total).toBe(0);
    expect(outsider.json<Bundle>().entry).toEqual([]);
  });

  it('searches patients by identifier (system|value), name, birthdate and gender; ignores unknown parameters unless strict', async () => {
    const { residentA, residentB } = f.residents;
    const byId = await call('GET', `/fhir/Patient?identifier=${encodeURIComponent(`${SYSTEMS.nationalId}|${residentA.nationalId}`)}`, gpA);
    const b = byId.json<Bundle<Patient>>();
    expect(b.total).toBe(1);
    expect(b.entry![0]!.resource!.id).toBe(residentA.id);
    expectValid(b.entry![0]!.resource!);
    // The national ID is never returned in plain (the self link echoes the caller's own query), nor kept in the audit.
    expect(JSON.stringify(b.entry)).not.toContain(residentA.nationalId);
    const { rows: audit } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_event WHERE detail::text LIKE ${`%${residentA.nationalId}%`}`.execute(f.db);
    expect(audit[0]!.n).toBe(0);
    // Resident B is in team B's care, not gp A's.
    const other = await call('GET', `/fhir/Patient?identifier=${encodeURIComponent(`${SYSTEMS.nationalId}|${residentB.nationalId}`)}`, gpA);
    expect(other.json<Bundle>().total).toBe(0);
    expect((await call('GET', `/fhir/Patient?name=${encodeURIComponent('张')}`, gpA)).json<Bundle>().total).toBe(1);
    expect((await call('GET', `/fhir/Patient?birthdate=1958-03-12&gender=${residentA.nationalId ? 'male' : 'female'}`, gpA)).json<Bundle>().total).toBeLessThanOrEqual(1);
    expect((await call('GET', '/fhir/Patient?birthdate=1958', gpA)).json<Bundle>().total).toBe(1);
    expect((await call('GET', '/fhir/Patient?birthdate=1959', gpA)).json<Bundle>().total).toBe(0);

    const lenient = await call('GET', '/fhir/Patient?colour=red', gpA);
    expect(lenient.statusCode).toBe(200);
    expect(lenient.json<Bundle>().total).toBe(1);
    const strict = await call('GET', '/fhir/Patient?colour=red', { ...gpA, prefer: 'handling=strict' });
    expect(strict.statusCode).toBe(400);
    expect(strict.json<OperationOutcome>().issue[0]!.expression).toEqual(['colour']);
    expect((await call('GET', '/fhir/Patient?_elements=name', { ...gpA, prefer: 'handling=strict' })).statusCode).toBe(400);
    expect((await call('GET', '/fhir/Patient?_format=xml', gpA)).statusCode).toBe(406);
    const badDate = await call('GET', '/fhir/Patient?birthdate=yesterday', gpA);
    expect(badDate.statusCode).toBe(400);
  });

  it('reads nothing without a relationship (404, not 403), audits every read and search, and the resident sees them', async () => {
    const residentId = f.residents.residentA.id;
    const obs = (await call('POST', '/fhir/Observation', gpA, bp(residentId, '2026-03-01T08:00:00+08:00'))).json<Observation>();
    const { rows: before } = await sql<{ n: number }>`SELECT max(id)::int AS n FROM audit_event`.execute(f.db);
    const denied = await call('GET', `/fhir/Observation/${obs.id}`, specialist);
    expect(denied.statusCode).toBe(404);
    expect((await call('GET', `/fhir/Patient/${residentId}`, specialist)).statusCode).toBe(404);
    expect((await call('GET', `/fhir/Patient/${residentId}`, gpA)).statusCode).toBe(200);
    // A resident reads their own record through FHIR too (basis self), and no one else's.
    expect((await call('GET', `/fhir/Patient/${residentId}`, resident)).statusCode).toBe(200);
    expect((await call('GET', `/fhir/Patient/${f.residents.residentB.id}`, resident)).statusCode).toBe(404);
    expect((await call('GET', '/fhir/Patient', resident)).json<Bundle>().total).toBe(1);
    expect((await call('GET', `/fhir/Observation?patient=${residentId}&_count=1`, gpA)).statusCode).toBe(200);

    const { rows } = await sql<{ actor_user_id: string; action: string; resource: string; resident_id: string | null; outcome: string; access_basis: string | null }>`
      SELECT actor_user_id, action, resource, resident_id, outcome, access_basis FROM audit_event WHERE id > ${before[0]!.n} ORDER BY id`.execute(f.db);
    expect(rows.filter((r) => r.actor_user_id === f.users.specialist && r.outcome === 'denied').map((r) => r.resource).sort()).toEqual(['Observation', 'Patient']);
    expect(rows.some((r) => r.actor_user_id === f.users.gpA && r.action === 'read' && r.resource === 'Patient' && r.resident_id === residentId && r.access_basis === 'care_team')).toBe(true);
    expect(rows.some((r) => r.actor_user_id === f.users.gpA && r.action === 'search' && r.resource === 'Observation' && r.resident_id === residentId)).toBe(true);

    // The resident's own access log shows the FHIR reads and searches.
    const log = await t.app.inject({ method: 'GET', url: `/api/residents/${residentId}/access-log?limit=50`, headers: resident });
    expect(log.statusCode).toBe(200);
    const items = log.json<{ items: { resource: string; action: string; outcome: string }[] }>().items;
    expect(items.some((i) => i.resource === 'Observation' && i.action === 'search')).toBe(true);
    expect(items.some((i) => i.resource === 'Observation' && i.outcome === 'denied')).toBe(true);
  });

  it('creates conditionally: 0 matches → 201, 1 → 200, more → 412', async () => {
    const residentId = f.residents.residentA.id;
    const cond = (display: string) => ({
      resourceType: 'Condition',
      clinicalStatus: { coding: [{ system: SYSTEMS.conditionClinical, code: 'active' }] },
      code: { coding: [{ system: SYSTEMS.icd10, code: 'E11', display }] },
      subject: { reference: `Patient/${residentId}` },
      recordedDate: '2026-01-05',
    });
    const ifNoneExist = `patient=${residentId}&code=${encodeURIComponent(`${SYSTEMS.icd10}|E11`)}`;
    const first = await call('POST', '/fhir/Condition', { ...gpA, 'if-none-exist': ifNoneExist }, cond('2型糖尿病'));
    expect(first.statusCode).toBe(201);
    const again = await call('POST', '/fhir/Condition', { ...gpA, 'if-none-exist': ifNoneExist }, cond('2型糖尿病'));
    expect(again.statusCode).toBe(200);
    expect(again.headers.location).toBe(first.headers.location);
    expect((await call('POST', '/fhir/Condition', gpA, cond('2型糖尿病 again'))).statusCode).toBe(201);
    const many = await call('POST', '/fhir/Condition', { ...gpA, 'if-none-exist': ifNoneExist }, cond('2型糖尿病'));
    expect(many.statusCode).toBe(412);
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM condition WHERE resident_id = ${residentId} AND icd10 = 'E11'`.execute(f.db);
    expect(rows[0]!.n).toBe(2);
    const found = await call('GET', `/fhir/Condition?patient=${residentId}&code=E11`, gpA);
    expectValid(found.json<Bundle>());
    expect(found.json<Bundle>().total).toBe(2);
  });

  it('includes the patient and encounter of matched entries, revincludes entries of matched patients (capped), never beyond the relationship', async () => {
    const residentId = f.residents.residentA.id;
    const enc = await call('POST', '/fhir/Encounter', gpA, {
      resourceType: 'Encounter',
      status: 'finished',
      class: { system: SYSTEMS.actCode, code: 'AMB' },
      subject: { reference: `Patient/${residentId}` },
      period: { start: '2026-03-05T09:00:00+08:00' },
    });
    expect(enc.statusCode).toBe(201);
    const encounterId = enc.json<{ id: string }>().id;
    const withEncounter = await call('POST', '/fhir/Observation', gpA, { ...bp(residentId, '2026-03-05T09:10:00+08:00'), encounter: { reference: `Encounter/${encounterId}` } });
    expect(withEncounter.statusCode).toBe(201);

    const inc = await call('GET', `/fhir/Observation?patient=${residentId}&date=2026-03-05&_include=Observation:patient&_include=Observation:encounter`, gpA);
    const b = inc.json<Bundle>();
    expectValid(b);
    expect(b.entry!.filter((e) => e.search!.mode === 'match').map((e) => e.resource!.resourceType)).toEqual(['Observation']);
    expect(b.entry!.filter((e) => e.search!.mode === 'include').map((e) => `${e.resource!.resourceType}/${e.resource!.id}`).sort()).toEqual([`Encounter/${encounterId}`, `Patient/${residentId}`]);

    const rev = await call('GET', `/fhir/Patient?_id=${residentId}&_revinclude=Observation:patient&_revinclude=Encounter:patient`, gpA);
    const r = rev.json<Bundle>();
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM observation WHERE resident_id = ${residentId}`.execute(f.db);
    const included = r.entry!.filter((e) => e.search!.mode === 'include');
    expect(included.filter((e) => e.resource!.resourceType === 'Observation')).toHaveLength(Math.min(rows[0]!.n, 100));
    expect(included.some((e) => e.resource!.resourceType === 'Encounter')).toBe(true);

    const outsider = await call('GET', `/fhir/Observation?patient=${residentId}&_include=Observation:patient`, specialist);
    expect(outsider.json<Bundle>().entry).toEqual([]);
    const strict = await call('GET', `/fhir/Observation?patient=${residentId}&_include=Observation:performer`, { ...gpA, prefer: 'handling=strict' });
    expect(strict.statusCode).toBe(400);
  });

  it('reads due work as Task within the relationship', async () => {
    const residentId = f.residents.residentA.id;
    await f.db
      .insertInto('care_task')
      .values({ resident_id: residentId, programme: 'hypertension', task_code: 'followup:hypertension', label: '高血压随访', label_en: 'Hypertension follow-up', due_date: '2026-05-01', window_end: '2026-05-15', team_id: f.teams.teamA, priority: 'high' })
      .execute();
    const found = await call('GET', `/fhir/Task?patient=${residentId}&status=ready&code=followup:hypertension&_include=Task:patient`, gpA);
    const b = found.json<Bundle>();
    expectValid(b);
    const task = b.entry!.find((e) => e.search!.mode === 'match')!.resource as { id: string; priority: string; for: { reference: string } };
    expect(task).toMatchObject({ priority: 'asap', for: { reference: `Patient/${residentId}` } });
    expect((await call('GET', `/fhir/Task/${task.id}`, gpA)).statusCode).toBe(200);
    expect((await call('GET', `/fhir/Task/${task.id}`, specialist)).statusCode).toBe(404);
    expect((await call('GET', `/fhir/Task/${task.id}/_history`, gpA)).statusCode).toBe(405);
    expect((await call('GET', `/fhir/Task?patient=${residentId}`, specialist)).json<Bundle>().total).toBe(0);
  });

  it('refuses to change an entry without a care relationship (break-the-glass does not count) and reads organisations', async () => {
    const residentId = f.residents.residentA.id;
    const obs = (await call('POST', '/fhir/Observation', gpA, bp(residentId, '2026-03-02T08:00:00+08:00'))).json<Observation>();
    const put = await call('PUT', `/fhir/Observation/${obs.id}`, specialist, { ...obs, valueQuantity: { ...obs.valueQuantity, value: 99 } });
    expect(put.statusCode).toBe(403);
    expect(put.json<OperationOutcome>().resourceType).toBe('OperationOutcome');
    const orgs = await call('GET', `/fhir/Organization?identifier=${encodeURIComponent(`${SYSTEMS.institution}|H-1`)}`, specialist);
    const org = orgs.json<Bundle>().entry![0]!.resource!;
    expectValid(org);
    expect(org.id).toBe(f.institutions.hospital);
    const practitioner = await call('GET', `/fhir/Practitioner/${f.users.gpA}`, specialist);
    expect(practitioner.statusCode).toBe(200);
    expectValid(practitioner.json());
    expect((await call('GET', `/fhir/Practitioner/${f.users.residentUserA}`, specialist)).statusCode).toBe(404);
    expect((await call('GET', '/fhir/Practitioner?name=gp', resident)).statusCode).toBe(403);
  });
});

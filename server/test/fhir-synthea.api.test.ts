import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { Bundle, BundleEntry, OperationOutcome, Resource } from '@medplum/fhirtypes';
import { createTestApp, type TestApp } from './support/test-app.js';
import { createFixture, login } from './support/fixture.js';
import { fhirSamplesDir } from './support/fhir-samples.js';
import { validationIssues } from '../src/fhir/validation.js';

/**
 * Real data no one here wrote: the 8 Synthea patient transaction bundles, posted as they are by a
 * hospital (a specialist's session; SMART system clients come later). Done-when 1 and 3 of issue 14.
 */
const SYNTHEA = path.join(fhirSamplesDir(), 'synthea');
const files = readdirSync(SYNTHEA).filter((f) => f.endsWith('.json')).sort();
const load = (file: string) => JSON.parse(readFileSync(path.join(SYNTHEA, file), 'utf8')) as Bundle;
const STORED = { Encounter: 'encounter', Observation: 'observation', Condition: 'condition', MedicationRequest: 'medication', Immunization: 'immunization' } as const;

let t: TestApp;
let f: Awaited<ReturnType<typeof createFixture>>;
let specialist: Record<string, string>;
const FHIR = { 'content-type': 'application/fhir+json' };
const post = (bundle: unknown, headers = specialist) => t.app.inject({ method: 'POST', url: '/fhir', headers: { ...FHIR, ...headers }, payload: JSON.stringify(bundle) });

async function counts(): Promise<{ resident: number } & Record<string, number>> {
  const { rows } = await sql<{ resident: number } & Record<string, number>>`
    SELECT (SELECT count(*)::int FROM resident) AS resident, (SELECT count(*)::int FROM resident_identifier) AS resident_identifier,
           (SELECT count(*)::int FROM encounter) AS encounter, (SELECT count(*)::int FROM observation) AS observation,
           (SELECT count(*)::int FROM condition) AS condition, (SELECT count(*)::int FROM medication) AS medication,
           (SELECT count(*)::int FROM immunization) AS immunization`.execute(f.db);
  return rows[0]!;
}

const patientIds: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestApp();
  f = await createFixture(t.app);
  specialist = await login(t.app, 'spec_h');
});
afterAll(async () => t?.close());

describe('Synthea bundles posted as transactions', () => {
  it('has the 8 bundles', () => expect(files).toHaveLength(8));

  it('creates each patient once with every stored entry, and a second post creates nothing', async () => {
    for (const file of files) {
      const bundle = load(file);
      const before = await counts();
      const res = await post(bundle);
      expect(res.statusCode, `${file}: ${res.body.slice(0, 500)}`).toBe(200);
      const out = res.json<Bundle>();
      expect(out.type).toBe('transaction-response');
      expect(out.entry).toHaveLength(bundle.entry!.length);
      const patientIndex = bundle.entry!.findIndex((e) => e.resource!.resourceType === 'Patient');
      const patientResponse = out.entry![patientIndex]!.response!;
      expect(patientResponse.status).toBe('201 Created');
      patientIds[file] = patientResponse.location!.split('/')[1]!;
      const after = await counts();
      expect(after.resident - before.resident).toBe(1);
      for (const [type, table] of Object.entries(STORED)) {
        const sent = bundle.entry!.filter((e) => e.resource!.resourceType === type).length;
        expect(after[table]! - before[table]!, `${file} ${type}`).toBe(sent);
      }
      // Each stored entry answers 201 with a location; the rest say they were not stored.
      bundle.entry!.forEach((e, i) => {
        const r = out.entry![i]!.response!;
        if (e.resource!.resourceType in STORED) expect(r.status).toBe('201 Created');
        else if (e.resource!.resourceType !== 'Patient') expect(r.outcome?.issue[0]?.severity).toBe('warning');
      });

      const again = await post(bundle);
      expect(again.statusCode).toBe(200);
      expect(again.json<Bundle>().entry!.every((e) => e.response!.status === '200 OK')).toBe(true);
      expect(await counts()).toEqual(after);
    }
  });

  it('puts the data on the record and timeline, tagged with the hospital, and it reads back as valid R4', async () => {
    const file = files.find((x) => x.startsWith('Alfreda'))!;
    const residentId = patientIds[file]!;
    // Pushing grants no reading: the hospital reads the record once a referral links it.
    expect((await t.app.inject({ method: 'GET', url: `/fhir/Patient/${residentId}`, headers: specialist })).statusCode).toBe(404);
    await f.db
      .insertInto('referral')
      .values({ resident_id: residentId, direction: 'up', from_institution_id: f.institutions.centreA, to_institution_id: f.institutions.hospital, reason: 'hypertension review' })
      .execute();

    const timeline = await t.app.inject({ method: 'GET', url: `/api/residents/${residentId}/timeline?limit=200`, headers: specialist });
    expect(timeline.statusCode).toBe(200);
    const kinds = new Set(timeline.json<{ items: { kind: string }[] }>().items.map((i) => i.kind));
    for (const k of ['encounter', 'observation', 'condition', 'medication']) expect(kinds).toContain(k);
    const { rows: tagged } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM observation WHERE resident_id = ${residentId} AND institution_id = ${f.institutions.hospital} AND source = 'hospital'`.execute(f.db);
    expect(tagged[0]!.n).toBe(load(file).entry!.filter((e) => e.resource!.resourceType === 'Observation').length);
    // Hypertension arrived as SNOMED CT 38341003 and is on the record as ICD-10 I10, SNOMED kept.
    const { rows: htn } = await sql<{ icd10: string | null }>`SELECT icd10 FROM condition WHERE resident_id = ${residentId} AND fhir_detail->'code'->'coding' @> '[{"code":"38341003"}]'`.execute(f.db);
    expect(htn.map((r) => r.icd10)).toEqual(['I10']);

    for (const type of ['Patient', 'Encounter', 'Observation', 'Condition', 'MedicationRequest', 'Immunization']) {
      const q = type === 'Patient' ? `_id=${residentId}` : `patient=${residentId}`;
      const res = await t.app.inject({ method: 'GET', url: `/fhir/${type}?${q}&_count=500`, headers: specialist });
      expect(res.statusCode).toBe(200);
      const bundle = res.json<Bundle>();
      expect(bundle.total).toBeGreaterThan(0);
      const issues = bundle.entry!.flatMap((e) => validationIssues(e.resource as Resource).map((i) => `${e.resource!.resourceType}/${e.resource!.id}: ${i.expression} ${i.diagnostics}`));
      expect(issues).toEqual([]);
    }
    // The BP panel (55284-4, diastolic first) reads back with both components.
    const bp = await t.app.inject({ method: 'GET', url: `/fhir/Observation?patient=${residentId}&code=http://loinc.org|55284-4&_count=1`, headers: specialist });
    const panel = bp.json<Bundle>().entry![0]!.resource as { component: { code: { coding: { code: string }[] } }[] };
    expect(panel.component.map((c) => c.code.coding[0]!.code).sort()).toEqual(['8462-4', '8480-6']);
  });

  it('fails a bundle with bad entries whole, naming each entry and element, and changes nothing', async () => {
    const bundle = load(files[0]!);
    // A fresh patient (a new identifier) so that success would have created one.
    const patient = bundle.entry!.find((e) => e.resource!.resourceType === 'Patient')!.resource as { identifier: { value: string }[] };
    for (const i of patient.identifier) i.value = `${i.value}-X`;
    const obsIndexes = bundle.entry!.map((e, i) => (e.resource!.resourceType === 'Observation' ? i : -1)).filter((i) => i >= 0);
    const [a, b, c] = obsIndexes as [number, number, number];
    const entries = bundle.entry as BundleEntry<Record<string, unknown> & Resource>[];
    entries[a]!.resource!.status = 'bogus';
    entries[b]!.resource!.subject = { reference: 'urn:uuid:00000000-0000-4000-8000-000000000000' };
    delete entries[c]!.resource!.status;
    const before = await counts();
    const res = await post(bundle);
    expect(res.statusCode).toBe(400);
    const oo = res.json<OperationOutcome>();
    const expressions = oo.issue.flatMap((i) => i.expression ?? []);
    expect(expressions).toContain(`Bundle.entry[${a}].resource.status`);
    expect(expressions).toContain(`Bundle.entry[${b}].resource.subject`);
    expect(expressions).toContain(`Bundle.entry[${c}].resource.status`);
    expect(await counts()).toEqual(before);
  });

  it('rolls back everything when an entry fails while writing (a reference to a patient that does not exist)', async () => {
    const bundle = load(files[1]!);
    const patient = bundle.entry!.find((e) => e.resource!.resourceType === 'Patient')!.resource as { identifier: { value: string }[] };
    for (const i of patient.identifier) i.value = `${i.value}-Y`;
    const lastObs = bundle.entry!.map((e, i) => (e.resource!.resourceType === 'Observation' ? i : -1)).filter((i) => i >= 0).at(-1)!;
    (bundle.entry![lastObs]!.resource as { subject: { reference: string } }).subject = { reference: 'Patient/00000000-0000-4000-8000-000000000000' };
    const before = await counts();
    // Another sender (the bundle's entries were already sent by the hospital, which would be a 409 for a new patient).
    const res = await post(bundle, await login(t.app, 'gp_b'));
    expect(res.statusCode).toBe(400);
    expect(res.json<OperationOutcome>().issue[0]!.expression).toEqual([`Bundle.entry[${lastObs}].resource.subject`]);
    expect(await counts()).toEqual(before);
  });

  it('matches an incoming patient by identifier instead of duplicating, even in a new bundle', async () => {
    const bundle = load(files[2]!);
    const only = { resourceType: 'Bundle', type: 'transaction', entry: bundle.entry!.filter((e) => e.resource!.resourceType === 'Patient') };
    const res = await post(only);
    expect(res.statusCode).toBe(200);
    const entry = res.json<Bundle>().entry![0]!.response!;
    expect(entry.status).toBe('200 OK');
    expect(entry.location).toBe(`Patient/${patientIds[files[2]!]}`);
  });
});

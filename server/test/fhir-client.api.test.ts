import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from 'fhir-kit-client';
import type { Bundle, Observation, Patient } from '@medplum/fhirtypes';
import { createTestApp, type TestApp } from './support/test-app.js';
import { createFixture, login } from './support/fixture.js';
import { SYSTEMS } from '../src/fhir/systems.js';
import { validationIssues } from '../src/fhir/validation.js';

/**
 * Done-when 2 of issue 14: a real FHIR client library (fhir-kit-client) over HTTP — read, search by
 * identifier and date range, paging through 200 Observations with _count=50, conditional create,
 * update with If-Match (412 when stale), transaction. As a staff user (bearer session).
 */
let t: TestApp;
let f: Awaited<ReturnType<typeof createFixture>>;
let client: Client;

const statusOf = async (p: Promise<unknown>) => {
  try {
    await p;
    return 200;
  } catch (err) {
    return (err as { response?: { status?: number } }).response?.status ?? -1;
  }
};

beforeAll(async () => {
  t = await createTestApp();
  f = await createFixture(t.app);
  const { authorization } = await login(t.app, 'gp_a');
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const address = t.app.server.address() as { port: number };
  client = new Client({ baseUrl: `http://127.0.0.1:${address.port}/fhir`, bearerToken: authorization.slice('Bearer '.length) });
});
afterAll(async () => t?.close());

describe('fhir-kit-client against /fhir', () => {
  it('reads, searches by identifier, transacts 200 observations and pages through them by date range', async () => {
    const residentId = f.residents.residentA.id;
    const patient = (await client.read({ resourceType: 'Patient', id: residentId })) as unknown as Patient;
    expect(patient.id).toBe(residentId);
    expect(validationIssues(patient)).toEqual([]);

    const byIdentifier = (await client.search({ resourceType: 'Patient', searchParams: { identifier: `${SYSTEMS.nationalId}|${f.residents.residentA.nationalId}` } })) as unknown as Bundle;
    expect(byIdentifier.entry!.map((e) => e.resource!.id)).toEqual([residentId]);

    const start = Date.UTC(2025, 0, 1);
    const tx: Bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: Array.from({ length: 200 }, (_, i) => ({
        fullUrl: `urn:uuid:00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        resource: {
          resourceType: 'Observation',
          status: 'final',
          code: { coding: [{ system: SYSTEMS.loinc, code: '8867-4', display: 'Heart rate' }] },
          subject: { reference: `Patient/${residentId}` },
          effectiveDateTime: new Date(start + i * 3_600_000).toISOString(),
          valueQuantity: { value: 60 + (i % 40), unit: '/min', system: SYSTEMS.ucum, code: '/min' },
        } satisfies Observation,
        request: { method: 'POST', url: 'Observation' },
      })),
    };
    const response = (await client.transaction({ body: tx as never, options: { keepalive: false } })) as unknown as Bundle;
    expect(response.type).toBe('transaction-response');
    expect(response.entry!.filter((e) => e.response!.status === '201 Created')).toHaveLength(200);

    let page = (await client.search({
      resourceType: 'Observation',
      searchParams: { patient: residentId, code: `${SYSTEMS.loinc}|8867-4`, date: ['ge2025-01-01', 'le2025-01-31'], _count: '50', _sort: 'date' },
    })) as unknown as unknown as Bundle<Observation> | null;
    expect(page!.total).toBe(200);
    const seen: string[] = [];
    let pages = 0;
    while (page) {
      pages++;
      seen.push(...page.entry!.map((e) => e.resource!.id!));
      page = (await client.nextPage({ bundle: page as never })) as unknown as unknown as Bundle<Observation> | null;
    }
    expect(pages).toBe(4);
    expect(new Set(seen).size).toBe(200);

    const narrow = (await client.search({
      resourceType: 'Observation',
      searchParams: { patient: residentId, date: ['ge2025-01-02T00:00:00Z', 'lt2025-01-03T00:00:00Z'], _summary: 'count' },
    })) as unknown as Bundle;
    expect(narrow.total).toBe(24);
  });

  it('creates conditionally and updates with If-Match, 412 on a stale version', async () => {
    const residentId = f.residents.residentA.id;
    const body: Observation = {
      resourceType: 'Observation',
      status: 'final',
      code: { coding: [{ system: SYSTEMS.loinc, code: '29463-7', display: 'Body weight' }] },
      subject: { reference: `Patient/${residentId}` },
      effectiveDateTime: '2026-04-01T08:00:00+08:00',
      valueQuantity: { value: 70, unit: 'kg', system: SYSTEMS.ucum, code: 'kg' },
    };
    const condition = { 'If-None-Exist': `patient=${residentId}&code=${SYSTEMS.loinc}|29463-7&date=2026-04-01` };
    const created = (await client.create({ resourceType: 'Observation', body: body as never, options: { headers: condition } })) as unknown as Observation;
    expect(created.meta!.versionId).toBe('1');
    const same = (await client.create({ resourceType: 'Observation', body: body as never, options: { headers: condition } })) as unknown as Observation;
    expect(same.id).toBe(created.id);

    const updated = (await client.update({
      resourceType: 'Observation',
      id: created.id!,
      body: { ...created, valueQuantity: { ...created.valueQuantity, value: 71 } } as never,
      options: { headers: { 'If-Match': 'W/"1"' } },
    })) as unknown as Observation;
    expect(updated.meta!.versionId).toBe('2');
    expect(
      await statusOf(client.update({ resourceType: 'Observation', id: created.id!, body: { ...created, valueQuantity: { ...created.valueQuantity, value: 72 } } as never, options: { headers: { 'If-Match': 'W/"1"' } } })),
    ).toBe(412);
    const v1 = (await client.vread({ resourceType: 'Observation', id: created.id!, version: '1' })) as unknown as Observation;
    expect(v1.valueQuantity!.value).toBe(70);
    expect(((await client.read({ resourceType: 'Observation', id: created.id! })) as unknown as Observation).valueQuantity!.value).toBe(71);
  });
});

import { generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { Bundle, OperationOutcome, Patient } from '@medplum/fhirtypes';
import { createTestApp, type TestApp } from './support/test-app.js';
import { createFixture, login } from './support/fixture.js';
import { fhirSamplesDir } from './support/fhir-samples.js';
import { registerSystemClient } from '../src/fhir/smart.js';
import { SYSTEMS } from '../src/fhir/systems.js';

/**
 * SMART Backend Services: a hospital's HIS registered per institution gets a token with a signed
 * JWT assertion, reads only what its institution's relationships allow (done-when 4), and posts a
 * Synthea bundle as a system (done-when 1, by a registered system client).
 */
const SYNTHEA = path.join(fhirSamplesDir(), 'synthea');

let t: TestApp;
let f: Awaited<ReturnType<typeof createFixture>>;
let keys: { privateKey: KeyObject; publicKey: KeyObject };
const TOKEN_URL = 'http://localhost:80/fhir/auth/token';

function assertion(clientId: string, key: KeyObject, claims: Record<string, unknown> = {}) {
  const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const body = `${enc({ alg: 'ES384', typ: 'JWT', kid: 'k1' })}.${enc({ iss: clientId, sub: clientId, aud: TOKEN_URL, exp: Math.floor(Date.now() / 1000) + 240, jti: randomUUID(), ...claims })}`;
  return `${body}.${sign('sha384', Buffer.from(body), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}

async function token(clientId: string, scope: string, jwt = assertion(clientId, keys.privateKey)) {
  return t.app.inject({
    method: 'POST',
    url: '/fhir/auth/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ grant_type: 'client_credentials', scope, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: jwt }).toString(),
  });
}
const bearer = (accessToken: string) => ({ authorization: `Bearer ${accessToken}`, 'content-type': 'application/fhir+json' });

beforeAll(async () => {
  t = await createTestApp();
  f = await createFixture(t.app);
  keys = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  await registerSystemClient(f.db, { clientId: 'his-h1', name: '第一人民医院 HIS', institutionId: f.institutions.hospital, publicJwk: keys.publicKey.export({ format: 'jwk' }), scopes: ['system/*.read', 'system/*.write'] });
});
afterAll(async () => t?.close());

describe('SMART Backend Services', () => {
  it('says how in /.well-known/smart-configuration and the CapabilityStatement', async () => {
    const conf = await t.app.inject({ method: 'GET', url: '/fhir/.well-known/smart-configuration' });
    expect(conf.json()).toMatchObject({ token_endpoint: TOKEN_URL, grant_types_supported: ['client_credentials'] });
    const cs = await t.app.inject({ method: 'GET', url: '/fhir/metadata' });
    expect(JSON.stringify(cs.json().rest[0].security)).toContain(TOKEN_URL);
  });

  it('issues a token for a valid assertion, once per jti, and refuses bad ones with OAuth errors', async () => {
    const jwt = assertion('his-h1', keys.privateKey);
    const ok = await token('his-h1', 'system/*.read', jwt);
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ token_type: 'bearer', expires_in: 300, scope: 'system/*.read' });
    expect((await token('his-h1', 'system/*.read', jwt)).json().error).toBe('invalid_grant');
    const other = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    expect((await token('his-h1', 'system/*.read', assertion('his-h1', other.privateKey))).json().error).toBe('invalid_client');
    expect((await token('his-h1', 'system/*.read', assertion('his-h1', keys.privateKey, { aud: 'https://elsewhere/token' }))).json().error).toBe('invalid_grant');
    expect((await token('his-h1', 'system/*.read', assertion('his-h1', keys.privateKey, { exp: Math.floor(Date.now() / 1000) + 3600 }))).json().error).toBe('invalid_grant');
    expect((await token('nobody', 'system/*.read', assertion('nobody', keys.privateKey))).json().error).toBe('invalid_client');
    expect((await token('his-h1', 'user/*.read')).json().error).toBe('invalid_scope');
  });

  it('reads only what its institution relationships allow, every read audited, and never reaches /api', async () => {
    const read = (await token('his-h1', 'system/*.read')).json().access_token as string;
    const residentA = f.residents.residentA;
    expect((await t.app.inject({ method: 'GET', url: `/fhir/Patient/${residentA.id}`, headers: bearer(read) })).statusCode).toBe(404);
    const search = await t.app.inject({ method: 'GET', url: `/fhir/Patient?identifier=${encodeURIComponent(`${SYSTEMS.nationalId}|${residentA.nationalId}`)}`, headers: bearer(read) });
    expect(search.json<Bundle>().total).toBe(0);
    expect((await t.app.inject({ method: 'GET', url: `/api/residents/${residentA.id}`, headers: bearer(read) })).statusCode).toBe(401);

    // An up-referral from centre A to the hospital gives the hospital, and so its system, the record.
    await f.db.insertInto('referral').values({ resident_id: residentA.id, direction: 'up', from_institution_id: f.institutions.centreA, to_institution_id: f.institutions.hospital, reason: 'BP uncontrolled' }).execute();
    const now = await t.app.inject({ method: 'GET', url: `/fhir/Patient/${residentA.id}`, headers: bearer(read) });
    expect(now.statusCode).toBe(200);
    expect(now.json<Patient>().id).toBe(residentA.id);
    const { rows } = await sql<{ access_basis: string; role: string }>`
      SELECT a.access_basis, a.actor_role AS role FROM audit_event a JOIN system_client c ON c.user_id = a.actor_user_id
       WHERE a.resident_id = ${residentA.id} AND a.resource = 'Patient' AND a.outcome = 'success'`.execute(f.db);
    expect(rows.map((r) => r.access_basis)).toContain('referral');
    // Resident B stays out of reach.
    expect((await t.app.inject({ method: 'GET', url: `/fhir/Patient/${f.residents.residentB.id}`, headers: bearer(read) })).statusCode).toBe(404);
  });

  it('writes only with a write scope, and posts a Synthea bundle as a registered system', async () => {
    const file = readdirSync(SYNTHEA).filter((x) => x.endsWith('.json')).sort()[3]!;
    const bundle = readFileSync(path.join(SYNTHEA, file), 'utf8');
    const read = (await token('his-h1', 'system/*.read')).json().access_token as string;
    const denied = await t.app.inject({ method: 'POST', url: '/fhir', headers: bearer(read), payload: bundle });
    expect(denied.statusCode).toBe(403);
    expect(denied.json<OperationOutcome>().issue[0]!.code).toBe('forbidden');
    const write = (await token('his-h1', 'system/*.read system/*.write')).json().access_token as string;
    const posted = await t.app.inject({ method: 'POST', url: '/fhir', headers: bearer(write), payload: bundle });
    expect(posted.statusCode).toBe(200);
    const out = posted.json<Bundle>();
    expect(out.entry!.some((e) => e.response!.status === '201 Created' && e.response!.location!.startsWith('Patient/'))).toBe(true);
    const again = await t.app.inject({ method: 'POST', url: '/fhir', headers: bearer(write), payload: bundle });
    expect(again.json<Bundle>().entry!.every((e) => e.response!.status === '200 OK')).toBe(true);
    // A gp with no relationship to the new resident does not see it either.
    const gp = await login(t.app, 'gp_a');
    const patientId = out.entry!.find((e) => e.response!.location?.startsWith('Patient/'))!.response!.location!.split('/')[1]!;
    expect((await t.app.inject({ method: 'GET', url: `/fhir/Patient/${patientId}`, headers: gp })).statusCode).toBe(404);
  });
});

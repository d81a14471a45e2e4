import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestApp, type TestApp } from './support/test-app.js';
import { createFixture, login } from './support/fixture.js';
import { makeNationalId } from '../src/residents/national-id.js';
import { LATEST_SCHEMA_VERSION } from '../src/db/database.js';

let t: TestApp;
let f: Awaited<ReturnType<typeof createFixture>>;

beforeAll(async () => {
  t = await createTestApp();
  f = await createFixture(t.app);
});
afterAll(async () => t?.close());

const get = (url: string, headers: Record<string, string>) => t.app.inject({ method: 'GET', url, headers });
const post = (url: string, payload: unknown, headers: Record<string, string>) => t.app.inject({ method: 'POST', url, payload: payload as object, headers });

describe('platform', () => {
  it('GET /api/health answers with the database kind and schema version', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', database: t.database.kind, schemaVersion: LATEST_SCHEMA_VERSION });
  });

  it('/docs serves OpenAPI generated from the route schemas', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    const spec = res.json<{ openapi: string; paths: Record<string, unknown> }>();
    expect(spec.openapi).toMatch(/^3\./);
    expect(spec.paths).toHaveProperty('/api/residents/{id}');
    expect(JSON.stringify(spec.paths['/api/residents'])).toContain('nationalId');
  });

  it('private routes need a session', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/api/residents/${f.residents.residentA.id}` });
    expect(res.statusCode).toBe(401);
  });
});

describe('access control by care relationship', () => {
  it('a GP of team A gets 403 for team B’s resident, then 200 after breaking the glass, and the audit shows it', async () => {
    const gpA = await login(t.app, 'gp_a');
    const b = f.residents.residentB.id;
    expect((await get(`/api/residents/${b}`, gpA)).statusCode).toBe(403);
    expect((await get(`/api/residents/${b}/timeline`, gpA)).statusCode).toBe(403);

    const noReason = await post(`/api/residents/${b}/break-glass`, { reason: 'x' }, gpA);
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().issues[0].field).toBe('body.reason');

    const glass = await post(`/api/residents/${b}/break-glass`, { reason: '患者在本中心晕倒，急需查看既往病史和用药' }, gpA);
    expect(glass.statusCode).toBe(201);
    const record = await get(`/api/residents/${b}`, gpA);
    expect(record.statusCode).toBe(200);
    expect(record.json()).toMatchObject({ id: b, accessBasis: 'break_glass', name: '李测试' });

    const audit = await t.database.db
      .selectFrom('audit_event')
      .select(['action', 'outcome', 'access_basis', 'reason'])
      .where('resident_id', '=', b)
      .where('actor_user_id', '=', f.users.gpA)
      .orderBy('id')
      .execute();
    expect(audit).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ action: 'read', outcome: 'denied' }),
        expect.objectContaining({ action: 'break_glass', outcome: 'success', reason: '患者在本中心晕倒，急需查看既往病史和用药' }),
        expect.objectContaining({ action: 'read', outcome: 'success', access_basis: 'break_glass' }),
      ]),
    );
    // The resident can see who looked, and why.
    const gpB = await login(t.app, 'gp_b');
    const log = await get(`/api/residents/${b}/access-log`, gpB);
    expect(log.statusCode).toBe(200);
    expect(log.json().items).toEqual(expect.arrayContaining([expect.objectContaining({ actorName: 'gp_a', action: 'break_glass' })]));

    // Flagged for review: centre A's administrator sees it (resident masked) and judges it.
    const admin = await login(t.app, 'admin_a');
    const pending = await get('/api/audit/break-glass', admin);
    expect(pending.statusCode).toBe(200);
    const item = pending.json().items.find((i: { actorName: string }) => i.actorName === 'gp_a');
    expect(item).toMatchObject({ reason: '患者在本中心晕倒，急需查看既往病史和用药', residentIdMasked: '330106********0261', reviewOutcome: null });
    expect(pending.body).not.toContain('李测试');
    expect((await post(`/api/audit/break-glass/${item.id}/review`, { outcome: 'justified' }, admin)).statusCode).toBe(204);
    expect((await get('/api/audit/break-glass', admin)).json().items).toHaveLength(0);
    expect((await get('/api/audit/break-glass', gpA)).statusCode).toBe(403);
  });

  it('a GP reads their own team’s resident with basis care_team', async () => {
    const gpA = await login(t.app, 'gp_a');
    const res = await get(`/api/residents/${f.residents.residentA.id}`, gpA);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ accessBasis: 'care_team', nationalIdMasked: '330106********0173' });
    expect(res.body).not.toContain(f.residents.residentA.nationalId);
  });

  it('an open referral to the hospital gives its specialist access; closing it ends that', async () => {
    const spec = await login(t.app, 'spec_h');
    const a = f.residents.residentA.id;
    expect((await get(`/api/residents/${a}`, spec)).statusCode).toBe(403);
    const ref = await t.database.db
      .insertInto('referral')
      .values({ resident_id: a, direction: 'up', from_institution_id: f.institutions.centreA, to_institution_id: f.institutions.hospital, reason: '血压控制不满意' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const open = await get(`/api/residents/${a}`, spec);
    expect(open.statusCode).toBe(200);
    expect(open.json().accessBasis).toBe('referral');
    await t.database.db.updateTable('referral').set({ status: 'completed' }).where('id', '=', ref.id).execute();
    expect((await get(`/api/residents/${a}`, spec)).statusCode).toBe(403);
  });

  it('a resident reads only their own record and its access log', async () => {
    const me = await login(t.app, 'res_a');
    const own = await get(`/api/residents/${f.residents.residentA.id}`, me);
    expect(own.statusCode).toBe(200);
    expect(own.json().accessBasis).toBe('self');
    expect((await get(`/api/residents/${f.residents.residentB.id}`, me)).statusCode).toBe(403);
    expect((await get(`/api/residents/${f.residents.residentA.id}/access-log`, me)).statusCode).toBe(200);
    expect((await get(`/api/residents?q=李测试`, me)).statusCode).toBe(403);
    expect((await post(`/api/residents/${f.residents.residentB.id}/break-glass`, { reason: '我想看看别人的档案内容' }, me)).statusCode).toBe(403);
  });

  it('a commission administrator gets aggregates but no names or IDs, and cannot open records', async () => {
    const gov = await login(t.app, 'gov_admin');
    expect((await get(`/api/residents/${f.residents.residentA.id}`, gov)).statusCode).toBe(403);
    expect((await get(`/api/residents?q=张测试`, gov)).statusCode).toBe(403);
    expect((await post(`/api/residents/${f.residents.residentA.id}/break-glass`, { reason: '统计核查需要查看此人档案' }, gov)).statusCode).toBe(403);
    const stats = await get('/api/stats/overview', gov);
    expect(stats.statusCode).toBe(200);
    const body = stats.json();
    expect(body.residents).toBeGreaterThanOrEqual(2);
    for (const r of Object.values(f.residents)) {
      expect(stats.body).not.toContain(r.name);
      expect(stats.body).not.toContain(r.nationalId);
      expect(stats.body).not.toContain(r.id);
      expect(stats.body).not.toContain(r.phone);
    }
    // Small cells are suppressed: two residents cannot be singled out by sex.
    expect(body.bySex.every((c: { count: number | null }) => c.count === null)).toBe(true);
  });

  it('a GP cannot read the aggregate statistics meant for administrators', async () => {
    const gpA = await login(t.app, 'gp_a');
    expect((await get('/api/stats/overview', gpA)).statusCode).toBe(403);
  });
});

describe('resident master index', () => {
  it.each([
    ['wrong check digit', '110105194912310021', /check digit/],
    ['impossible date', makeNationalId('330106', '1990-02-30'.replace('30', '28'), 1).replace('19900228', '19900230'), /birth date/],
    ['too short', '11010519491231002', /18 characters/],
    ['too long', '11010519491231002X0', /18 characters/],
  ])('rejects a national ID with a %s: 400 naming body.nationalId, nothing stored', async (_what, nationalId, message) => {
    const gpA = await login(t.app, 'gp_a');
    const before = await t.database.db.selectFrom('resident').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const res = await post('/api/residents', { name: '错号码', nationalId }, gpA);
    expect(res.statusCode).toBe(400);
    expect(res.json().issues).toEqual([expect.objectContaining({ field: 'body.nationalId', message: expect.stringMatching(message) })]);
    const after = await t.database.db.selectFrom('resident').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it('registers a real-shaped ID, derives sex and birth date, and never stores it in plain text', async () => {
    const gpA = await login(t.app, 'gp_a');
    const nationalId = makeNationalId('330106', '1985-06-15', 123);
    const res = await post('/api/residents', { name: '赵明', nationalId, phone: '13912345678' }, gpA);
    expect(res.statusCode).toBe(201);
    const { id } = res.json();
    const row = await t.database.db.selectFrom('resident').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ sex: 'male', birth_date: '1985-06-15', national_id_masked: `330106********${nationalId.slice(-4)}` });
    expect(t.app.deps.crypto.decrypt(row.national_id_enc!)).toBe(nationalId);
    // Read every table back as text: the plain ID and phone appear nowhere in the database.
    for (const table of ['resident', 'audit_event', 'change_log', 'resident_identifier']) {
      const dump = await sql<{ t: string }>`SELECT coalesce(string_agg(x::text, ''), '') AS t FROM ${sql.table(table)} x`.execute(t.database.db);
      expect(dump.rows[0]!.t).not.toContain(nationalId);
      expect(dump.rows[0]!.t).not.toContain('13912345678');
    }
    // A second registration with the same ID is refused.
    expect((await post('/api/residents', { name: '赵明', nationalId }, gpA)).statusCode).toBe(409);
  });

  it('rejects an ID that contradicts the stated sex', async () => {
    const gpA = await login(t.app, 'gp_a');
    const res = await post('/api/residents', { name: '钱红', nationalId: makeNationalId('330106', '1970-01-01', 2), sex: 'male' }, gpA);
    expect(res.statusCode).toBe(400);
    expect(res.json().issues[0].field).toBe('body.sex');
  });

  it('finds residents by ID, name and phone through their blind indexes', async () => {
    const gpA = await login(t.app, 'hm_a');
    const byId = await get(`/api/residents?q=${f.residents.residentA.nationalId}`, gpA);
    expect(byId.json()).toMatchObject({ by: 'national_id', items: [{ id: f.residents.residentA.id, access: 'care_team' }] });
    // A name browses only the residents in the searcher's care; the other team's 李测 is not listed.
    const byName = await get(`/api/residents?q=${encodeURIComponent('李测')}`, gpA);
    expect(byName.json()).toEqual({ by: 'name', items: [] });
    const ownByName = await get(`/api/residents?q=${encodeURIComponent('张测')}`, gpA);
    expect(ownByName.json().items).toEqual([expect.objectContaining({ id: f.residents.residentA.id, access: 'care_team' })]);
    // An exact identifier identifies anyone (to sign them or break the glass), demographics only.
    const byPhone = await get(`/api/residents?q=13800002222`, gpA);
    expect(byPhone.json()).toMatchObject({ by: 'phone', items: [{ id: f.residents.residentB.id, access: null, nationalIdMasked: expect.stringContaining('****') }] });
  });

  it('a resident without a national ID gets another identifier, is found by it, and duplicates are scored', async () => {
    const gpA = await login(t.app, 'gp_a');
    const baby = await post('/api/residents', { name: '张小宝', sex: 'female', birthDate: '2026-10-01', identifiers: [{ system: 'birth_certificate', value: 'Q330106123' }] }, gpA);
    expect(baby.statusCode).toBe(201);
    const found = await get('/api/residents?q=Q330106123', gpA);
    expect(found.json()).toMatchObject({ by: 'identifier', items: [{ id: baby.json().id }] });
    // Same person registered again without the ID: name + birth date + sex + phone match.
    const dup = await post('/api/residents', { name: '张测试', sex: 'male', birthDate: '1958-03-12', phone: '13800001111' }, gpA);
    expect(dup.statusCode).toBe(201);
    expect(dup.json().possibleDuplicates[0]).toMatchObject({ id: f.residents.residentA.id, likely: true, score: 1 });
  });

  it('merges a duplicate into the earlier record with provenance, and unmerges it', async () => {
    const gpA = await login(t.app, 'gp_a');
    const dup = await post('/api/residents', { name: '张测试', sex: 'male', birthDate: '1958-03-12', phone: '13800001111' }, gpA);
    const dupId = dup.json().id as string;
    // The duplicate's record belongs to the same team once merged; give it an entry to carry over.
    await t.database.db.insertInto('contract').values({ resident_id: dupId, team_id: f.teams.teamA, package_code: 'basic', start_date: '2026-01-01', end_date: '2027-01-01', status: 'active' }).execute();
    const obs = await post(`/api/residents/${dupId}/observations`, { loinc: '8480-6', value: 150, unit: 'mm[Hg]', effectiveAt: '2026-11-01T08:00:00+08:00' }, gpA);
    expect(obs.statusCode).toBe(201);
    const merge = await post('/api/mpi/merges', { residentA: dupId, residentB: f.residents.residentA.id, reason: '同一人重复建档' }, gpA);
    expect(merge.statusCode).toBe(201);
    expect(merge.json()).toMatchObject({ survivorId: f.residents.residentA.id, mergedId: dupId });
    const moved = await t.database.db.selectFrom('observation').select('resident_id').where('id', '=', obs.json().id).executeTakeFirstOrThrow();
    expect(moved.resident_id).toBe(f.residents.residentA.id);
    const timeline = await get(`/api/residents/${f.residents.residentA.id}/timeline`, gpA);
    expect(timeline.json().items.map((i: { id: string }) => i.id)).toContain(obs.json().id);

    const undo = await post(`/api/mpi/merges/${merge.json().mergeId}/unmerge`, { reason: '核实为两人，撤销合并' }, gpA);
    expect(undo.statusCode).toBe(200);
    const back = await t.database.db.selectFrom('observation').select('resident_id').where('id', '=', obs.json().id).executeTakeFirstOrThrow();
    expect(back.resident_id).toBe(dupId);
    const restored = await t.database.db.selectFrom('resident').select(['status', 'merged_into_id']).where('id', '=', dupId).executeTakeFirstOrThrow();
    expect(restored).toEqual({ status: 'active', merged_into_id: null });
  });
});

describe('merge guards', () => {
  it('refuses to merge two records that both run the same programme (409) and changes nothing', async () => {
    const gpA = await login(t.app, 'gp_a');
    const twin = await post('/api/residents', { name: '张测试', sex: 'male', birthDate: '1958-03-12' }, gpA);
    const twinId = twin.json().id as string;
    expect((await post('/api/contracts', { residentId: twinId, teamId: f.teams.teamA, packageCode: 'basic' }, gpA)).statusCode).toBe(201);
    for (const id of [twinId, f.residents.residentA.id]) {
      const enrol = await post(`/api/residents/${id}/enrolments`, { programme: 'hypertension', icd10: 'I10', diagnosedOn: '2026-01-05' }, gpA);
      expect(enrol.statusCode).toBe(201);
    }
    const merge = await post('/api/mpi/merges', { residentA: twinId, residentB: f.residents.residentA.id, reason: '同一人重复建档' }, gpA);
    expect(merge.statusCode).toBe(409);
    expect(merge.json().message).toContain('hypertension');
    const twinRow = await t.database.db.selectFrom('resident').select('status').where('id', '=', twinId).executeTakeFirstOrThrow();
    expect(twinRow.status).toBe('active');
  });
});

describe('audit', () => {
  it('cannot be altered: UPDATE, DELETE and TRUNCATE are refused by the database', async () => {
    const db = t.database.db;
    await expect(sql`UPDATE audit_event SET reason = 'tampered'`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM audit_event`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`TRUNCATE audit_event`.execute(db)).rejects.toThrow(/append-only/);
  });
});

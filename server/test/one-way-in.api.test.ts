import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestApp, type TestApp } from './support/test-app.js';
import { createFixture, login, PASSWORD } from './support/fixture.js';
import { hashPassword } from '../src/auth/passwords.js';
import { makeNationalId } from '../src/residents/national-id.js';
import { addDays } from '../src/chronic/rules/age.js';
import { todayIso } from '../src/shared/dates.js';

/**
 * One way in to personal data, beyond the matrix: break-the-glass is read access plus an emergency
 * note and never becomes a care relationship; lists follow the relationship the moment it ends;
 * duplicate candidates are filtered and audited; aggregate-only roles never see a small cell.
 */
let t: TestApp;
let f: Awaited<ReturnType<typeof createFixture>>;
type Headers = Record<string, string>;
const call = (method: 'GET' | 'POST' | 'PUT', url: string, headers: Headers, payload?: unknown) =>
  t.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
const today = todayIso();

async function auditSince(id: number) {
  const { rows } = await sql<{ id: number; actor_user_id: string; action: string; resource: string; resident_id: string | null; access_basis: string | null; outcome: string }>`
    SELECT id, actor_user_id, action, resource, resident_id, access_basis, outcome FROM audit_event WHERE id > ${id} ORDER BY id`.execute(f.db);
  return rows;
}
async function lastAuditId() {
  const { rows } = await sql<{ id: number | null }>`SELECT max(id)::int AS id FROM audit_event`.execute(f.db);
  return rows[0]!.id ?? 0;
}

let adminB: string;
beforeAll(async () => {
  t = await createTestApp();
  f = await createFixture(t.app);
  adminB = (
    await f.db
      .insertInto('app_user')
      .values({ username: 'admin_b', role: 'institution_admin', display_name: 'admin_b', institution_id: f.institutions.centreB, password_hash: await hashPassword(PASSWORD) })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
  await f.db.insertInto('app_user').values({ username: 'insurer', role: 'insurance_admin', display_name: 'insurer', institution_id: f.institutions.commission, password_hash: await hashPassword(PASSWORD) }).execute();
});
afterAll(async () => t?.close());

describe('break-the-glass', () => {
  it('is read access plus an emergency note: the home team’s tasks are untouched, both institutions review it, the home team is told', async () => {
    const gpB = await login(t.app, 'gp_b');
    const gpA = await login(t.app, 'gp_a');
    const b = f.residents.residentB.id;
    // The home team (B) enrols its resident: the first follow-up is now due.
    const enrol = await call('POST', `/api/residents/${b}/enrolments`, gpB, { programme: 'hypertension', icd10: 'I10', diagnosedOn: addDays(today, -30), enrolledOn: addDays(today, -20) });
    expect(enrol.statusCode).toBe(201);
    const openHypertension = () =>
      f.db.selectFrom('care_task').select(['id', 'status', 'due_date', 'window_end', 'team_id']).where('resident_id', '=', b).where('programme', '=', 'hypertension').where('status', '=', 'open').orderBy('id').execute();
    const openBefore = await openHypertension();
    expect(openBefore.length).toBeGreaterThan(0);

    // A GP of another centre breaks the glass.
    const glass = await call('POST', `/api/residents/${b}/break-glass`, gpA, { reason: '患者在本中心晕倒，急需查看既往病史和用药' });
    expect(glass.statusCode).toBe(201);
    expect((await call('GET', `/api/residents/${b}`, gpA)).json()).toMatchObject({ accessBasis: 'break_glass', accessExpiresAt: glass.json().expiresAt });

    // Every write but the emergency note is refused, so the home team's work cannot move.
    const visit = await call('POST', `/api/residents/${b}/followups`, gpA, { programme: 'hypertension', visitDate: today, visitMode: 'clinic', sbp: 128, dbp: 78 });
    expect(visit.statusCode).toBe(403);
    expect(visit.json().error).toBe('break_glass_read_only');
    const task = openBefore[0]!;
    const complete = await call('POST', `/api/residents/${b}/tasks/${task.id}/complete`, gpA, { doneOn: today });
    expect(complete.statusCode).toBe(403);
    const contracts = await call('GET', `/api/residents/${b}/contracts`, gpA);
    expect(contracts.statusCode).toBe(200);
    const terminate = await call('POST', `/api/contracts/${contracts.json().items[0].id}/terminate`, gpA, { reason: '测试解约理由' });
    expect(terminate.statusCode).toBe(403);
    expect(await openHypertension()).toEqual(openBefore);
    expect(await f.db.selectFrom('followup_visit').select('id').where('resident_id', '=', b).execute()).toEqual([]);

    // The emergency note is stored as an emergency encounter tied to the access.
    const note = await call('POST', `/api/residents/${b}/emergency-notes`, gpA, { note: '晕厥，血压 80/50，已予补液，转上级医院急诊' });
    expect(note.statusCode).toBe(201);
    const encounter = await f.db.selectFrom('encounter').select(['kind', 'summary', 'break_glass_id', 'recorded_by']).where('id', '=', note.json().id).executeTakeFirstOrThrow();
    expect(encounter).toMatchObject({ kind: 'emergency', summary: '晕厥，血压 80/50，已予补液，转上级医院急诊', break_glass_id: glass.json().id, recorded_by: f.users.gpA });

    // Both institutions review it: the accessor's (centre A) and the patient's (centre B).
    const adminAList = (await call('GET', '/api/audit/break-glass', await login(t.app, 'admin_a'))).json().items;
    const adminBList = (await call('GET', '/api/audit/break-glass', await login(t.app, 'admin_b'))).json().items;
    expect(adminAList).toEqual([expect.objectContaining({ id: glass.json().id, side: 'accessor', emergencyNote: '晕厥，血压 80/50，已予补液，转上级医院急诊' })]);
    expect(adminBList).toEqual([expect.objectContaining({ id: glass.json().id, side: 'patient' })]);
    expect(adminB).toBeTruthy();

    // The home team is told on its worklist.
    const worklist = (await call('GET', '/api/worklist?bucket=urgent', gpB)).json();
    expect(worklist.items).toEqual(expect.arrayContaining([expect.objectContaining({ residentId: b, programme: 'access', taskCode: `break_glass:${glass.json().id}` })]));
  });

  it('cannot be turned into a care relationship by a merge, and does not outlive its expiry', async () => {
    const gpA = await login(t.app, 'gp_a');
    const b = f.residents.residentB.id;
    // Register the same person again in team A's care (no national ID), sign them, then try to merge.
    const copy = await call('POST', '/api/residents', gpA, { name: '李测试', sex: 'female', birthDate: '1962-07-08', phone: '13800002222' });
    expect(copy.statusCode).toBe(201);
    const sign = await call('POST', '/api/contracts', gpA, { residentId: copy.json().id, teamId: f.teams.teamA, packageCode: 'basic', keyPopulations: [] });
    expect(sign.statusCode).toBe(201);
    const merge = await call('POST', '/api/mpi/merges', gpA, { residentA: b, residentB: copy.json().id, reason: '同一人重复建档' });
    expect(merge.statusCode).toBe(403);
    expect(merge.json().error).toBe('care_relationship_required');
    expect((await f.db.selectFrom('resident').select('status').where('id', '=', copy.json().id).executeTakeFirstOrThrow()).status).toBe('active');
    // After expiry the record is closed again.
    await f.db.updateTable('break_glass').set({ expires_at: new Date(Date.now() - 1000) }).where('resident_id', '=', b).execute();
    expect((await call('GET', `/api/residents/${b}`, gpA)).statusCode).toBe(403);
  });
});

describe('merge and identity', () => {
  it('refuses two different valid national IDs (409) unless an administrator corrected one', async () => {
    const gpA = await login(t.app, 'gp_a');
    const adminA = await login(t.app, 'admin_a');
    const one = await call('POST', '/api/residents', gpA, { name: '王同名', nationalId: makeNationalId('330106', '1950-05-05', 31) });
    const two = await call('POST', '/api/residents', gpA, { name: '王同名', nationalId: makeNationalId('330106', '1950-05-05', 33) });
    expect([one.statusCode, two.statusCode]).toEqual([201, 201]);
    for (const r of [one, two]) {
      expect((await call('POST', '/api/contracts', gpA, { residentId: r.json().id, teamId: f.teams.teamA, packageCode: 'basic', keyPopulations: [] })).statusCode).toBe(201);
    }
    // Namesakes with different national IDs are two people: never each other's duplicate candidates.
    const dups = await call('GET', `/api/residents/${one.json().id}/duplicates`, gpA);
    expect(dups.json().items.map((c: { id: string }) => c.id)).not.toContain(two.json().id);
    const refused = await call('POST', '/api/mpi/merges', gpA, { residentA: one.json().id, residentB: two.json().id, reason: '疑似重复建档记录' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toBe('different_national_ids');
    // The GP cannot correct an identity; the administrator of the home institution can.
    expect((await call('POST', `/api/mpi/residents/${two.json().id}/identity-corrections`, gpA, { field: 'national_id', reason: '身份证号录入错误' })).statusCode).toBe(403);
    const corrected = await call('POST', `/api/mpi/residents/${two.json().id}/identity-corrections`, adminA, { field: 'national_id', reason: '身份证号录入错误，核对户口本' });
    expect(corrected.statusCode).toBe(201);
    const merged = await call('POST', '/api/mpi/merges', gpA, { residentA: one.json().id, residentB: two.json().id, reason: '身份更正后合并' });
    expect(merged.statusCode).toBe(201);
  });

  it('a 409 for a national ID already on file names the record only to someone who may open it, and is audited', async () => {
    const gpA = await login(t.app, 'gp_a');
    const before = await lastAuditId();
    const res = await call('POST', '/api/residents', gpA, { name: '李测试', nationalId: f.residents.residentB.nationalId });
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toBe('duplicate_national_id');
    expect(res.body).not.toContain(f.residents.residentB.id);
    const rows = await auditSince(before);
    expect(rows).toEqual(expect.arrayContaining([expect.objectContaining({ resident_id: f.residents.residentB.id, access_basis: 'identifier_match', actor_user_id: f.users.gpA })]));
    const own = await call('POST', '/api/residents', gpA, { name: '张测试', nationalId: f.residents.residentA.nationalId });
    expect(own.statusCode).toBe(409);
    expect(own.body).toContain(f.residents.residentA.id);
  });
});

describe('lists follow the care relationship', () => {
  it('a resident whose contract ends leaves the team’s worklist, its counts and the drill-down at once; every resident listed is audited with its basis', async () => {
    const hmA = await login(t.app, 'hm_a');
    const gpA = await login(t.app, 'gp_a');
    const reg = await call('POST', '/api/residents', gpA, { name: '赵离开', nationalId: makeNationalId('330106', '1955-01-09', 41) });
    const id = reg.json().id as string;
    const sign = await call('POST', '/api/contracts', gpA, { residentId: id, teamId: f.teams.teamA, packageCode: 'basic', keyPopulations: [] });
    expect((await call('POST', `/api/residents/${id}/enrolments`, gpA, { programme: 'hypertension', icd10: 'I10', diagnosedOn: addDays(today, -60), enrolledOn: addDays(today, -50) })).statusCode).toBe(201);

    const before = await lastAuditId();
    const listed = (await call('GET', '/api/worklist?bucket=open&limit=100', hmA)).json();
    expect(listed.items.map((i: { residentId: string }) => i.residentId)).toContain(id);
    const audit = await auditSince(before);
    const shown = [...new Set(listed.items.map((i: { residentId: string }) => i.residentId))];
    for (const r of shown) {
      expect(audit.filter((a) => a.resident_id === r && a.resource === 'worklist' && a.access_basis === 'care_team')).toHaveLength(1);
    }
    const kpiScope = `level=team&id=${f.teams.teamA}&from=${today.slice(0, 4)}-01-01&to=${today}`;
    const drill = (await call('GET', `/api/kpi/residents?${kpiScope}&indicator=htn_standard_management&set=denominator`, gpA));
    expect(drill.statusCode).toBe(200);
    expect(drill.json().items.map((i: { id: string }) => i.id)).toContain(id);

    const terminate = await call('POST', `/api/contracts/${sign.json().id}/terminate`, gpA, { reason: '居民迁出本辖区' });
    expect(terminate.statusCode).toBe(200);
    const after = (await call('GET', '/api/worklist?bucket=open&limit=100', hmA)).json();
    expect(after.items.map((i: { residentId: string }) => i.residentId)).not.toContain(id);
    expect(after.counts.open).toBe(listed.counts.open - listed.items.filter((i: { residentId: string }) => i.residentId === id).length);
    const drillAfter = await call('GET', `/api/kpi/residents?${kpiScope}&indicator=htn_standard_management&set=denominator`, gpA);
    expect(drillAfter.json().items.map((i: { id: string }) => i.id)).not.toContain(id);
    expect((await call('GET', `/api/residents/${id}`, gpA)).statusCode).toBe(403);
  });

  it('duplicate candidates are only those in the clinician’s care, each audited', async () => {
    const gpA = await login(t.app, 'gp_a');
    // A copy of team B's resident registered by A without an ID: B's record is not shown to A.
    const before = await lastAuditId();
    const res = await call('POST', '/api/residents', gpA, { name: '李测试', sex: 'female', birthDate: '1962-07-08', phone: '13800002222' });
    expect(res.statusCode).toBe(201);
    expect(res.json().possibleDuplicates.map((c: { id: string }) => c.id)).not.toContain(f.residents.residentB.id);
    const audit = await auditSince(before);
    for (const c of res.json().possibleDuplicates as { id: string }[]) {
      expect(audit.some((a) => a.resident_id === c.id && a.resource === 'duplicate_candidate' && a.access_basis !== null)).toBe(true);
    }
  });
});

describe('small cells', () => {
  it('the commission and insurance never see a count of 1–4, at team or doctor level; the team’s own staff do', async () => {
    const scope = (level: string, id: string) => `/api/kpi?level=${level}&id=${id}&from=${today.slice(0, 4)}-01-01&to=${today}`;
    for (const who of ['gov_admin', 'insurer']) {
      const h = await login(t.app, who);
      for (const [level, id] of [
        ['team', f.teams.teamA],
        ['doctor', f.users.gpA],
        ['institution', f.institutions.centreA],
        ['region', ''],
      ] as const) {
        const res = await call('GET', level === 'region' ? `/api/kpi?level=region&from=${today.slice(0, 4)}-01-01&to=${today}` : scope(level, id), h);
        expect(res.statusCode).toBe(200);
        const cells = [...res.json().indicators, ...res.json().breakdown.flatMap((b: { indicators: Record<string, unknown> }) => Object.values(b.indicators))] as {
          numerator: number | null;
          denominator: number | null;
          suppressed: boolean;
        }[];
        expect(cells.length).toBeGreaterThan(0);
        for (const c of cells) {
          for (const n of [c.numerator, c.denominator]) if (n !== null) expect(n === 0 || n >= 5).toBe(true);
          if (c.suppressed) expect([c.numerator, c.denominator]).toEqual([null, null]);
        }
        // The fixture is small: some cells must actually have been withheld.
        if (level === 'team') expect(cells.some((c) => c.suppressed)).toBe(true);
      }
    }
    const own = (await call('GET', scope('team', f.teams.teamA), await login(t.app, 'gp_a'))).json();
    expect(own.indicators.some((c: { numerator: number | null }) => c.numerator !== null && c.numerator > 0 && c.numerator < 5)).toBe(true);
    expect(own.indicators.every((c: { suppressed: boolean }) => !c.suppressed)).toBe(true);
  });
});

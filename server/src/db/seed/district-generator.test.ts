import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addDays,
  ageOn,
  classifyDiabetesVisit,
  classifyHypertensionVisit,
  isBpControlledForKpi,
  isFbgControlled,
} from '../../chronic/rules/index.js';
import { validateNationalId } from '../../residents/national-id.js';
import { BasicInfo } from '../../residents/resident.schemas.js';
import { FieldCrypto } from '../../security/field-crypto.js';
import { todayIso } from '../../shared/dates.js';
import { migrateToLatest, openDatabase, type Database } from '../database.js';
import { verifyPassword } from '../../auth/passwords.js';
import { accountsWithDemoPassword, DEMO_LOGINS, DEMO_PASSWORD, FIXED_RESIDENTS, seedDemoDistrict } from './demo-district.js';

// Always an in-memory PGlite: the generator owns the whole database it writes.
let database: Database;
const crypto = new FieldCrypto(randomBytes(32), randomBytes(32));
const today = todayIso();

const count = async (query: ReturnType<typeof sql<{ n: number }>>) => Number((await query.execute(database.db)).rows[0]?.n ?? -1);

beforeAll(async () => {
  database = await openDatabase({ kind: 'pglite', dataDir: 'memory://' });
  await migrateToLatest(database.db);
  const first = await seedDemoDistrict(database.db, crypto, { residents: 800, seed: 7 });
  expect(first.created).toBe(true);
});

afterAll(async () => {
  await database?.close();
});

describe('demo district seed', () => {
  it('is idempotent and always returns the log-ins', async () => {
    const again = await seedDemoDistrict(database.db, crypto, { residents: 800 });
    expect(again.created).toBe(false);
    expect(again.logins.map((l) => l.username)).toEqual(DEMO_LOGINS.map((l) => l.username));
    const users = await database.db
      .selectFrom('app_user')
      .select('username')
      .where(
        'username',
        'in',
        DEMO_LOGINS.map((l) => l.username),
      )
      .execute();
    expect(users).toHaveLength(DEMO_LOGINS.length);
  });

  it('gives every account its own password hash; only the demo log-ins open, with the demo password', async () => {
    const hashes = await sql<{ accounts: number; distinct_hashes: number }>`
      SELECT count(*)::int AS accounts, count(DISTINCT password_hash)::int AS distinct_hashes FROM app_user`.execute(database.db);
    expect(hashes.rows[0]!.accounts).toBeGreaterThan(400);
    expect(hashes.rows[0]!.distinct_hashes).toBe(hashes.rows[0]!.accounts);
    const open = await accountsWithDemoPassword(database.db);
    expect(open).toEqual(expect.arrayContaining(DEMO_LOGINS.map((l) => l.username)));
    const resident = await database.db.selectFrom('app_user').select('password_hash').where('username', '=', 'resident1').executeTakeFirstOrThrow();
    expect(await verifyPassword(resident.password_hash, DEMO_PASSWORD)).toBe(true);
    // The other generated staff have no usable password: only the documented demo log-ins open.
    const usable = await sql<{ username: string }>`SELECT username FROM app_user WHERE password_hash LIKE '$argon2%' ORDER BY username`.execute(database.db);
    expect(usable.rows.map((r) => r.username)).toEqual(DEMO_LOGINS.map((l) => l.username).sort());
    const staff = await database.db.selectFrom('app_user').select('password_hash').where('username', '=', 'c1t2_gp').executeTakeFirstOrThrow();
    expect(await verifyPassword(staff.password_hash, DEMO_PASSWORD)).toBe(false);
  });

  it('has hospital sessions ahead, the first team’s referrals in every state and a discharge calendar in progress', async () => {
    expect(await count(sql`SELECT count(*)::int AS n FROM specialist_session WHERE session_date IN (${today}::date, ${today}::date + 1)`)).toBeGreaterThan(0);
    expect(await count(sql`SELECT count(*)::int AS n FROM specialist_session WHERE reserved <> round(capacity * 0.3)`)).toBe(0);
    const states = await sql<{ status: string }>`
      SELECT DISTINCT f.status FROM referral f JOIN app_user u ON u.id = f.requested_by JOIN app_user g ON g.username = 'gp1' AND g.institution_id = u.institution_id
       WHERE f.direction = 'up' AND f.urgency <> 'urgent'`.execute(database.db);
    expect(states.rows.map((r) => r.status).sort()).toEqual(['accepted', 'cancelled', 'completed', 'failed', 'in_progress', 'on_hold', 'received', 'rejected', 'requested']);
    const tasks = await sql<{ status: string; n: number }>`
      SELECT t.status, count(*)::int AS n FROM care_task t JOIN referral f ON f.id = t.referral_id AND f.direction = 'down' AND f.parent_referral_id IS NOT NULL
       WHERE t.task_code LIKE 'discharge:%' GROUP BY t.status`.execute(database.db);
    expect(Object.fromEntries(tasks.rows.map((r) => [r.status, r.n]))).toEqual({ done: 2, open: 3 });
  });

  it('builds the organisation of seed 001', async () => {
    const kinds = await sql<{ kind: string; n: number }>`SELECT kind, count(*)::int AS n FROM institution GROUP BY kind`.execute(
      database.db,
    );
    const byKind = Object.fromEntries(kinds.rows.map((r) => [r.kind, r.n]));
    expect(byKind).toMatchObject({
      tertiary_hospital: 1,
      secondary_hospital: 1,
      community_health_centre: 9,
      community_health_station: 46,
      health_commission: 1,
      insurance_bureau: 1,
    });
    expect(await count(sql`SELECT count(*)::int AS n FROM team`)).toBe(108);
    expect(await count(sql`SELECT count(*)::int AS n FROM grid`)).toBe(108);
    // Every station's parent is a centre; every team has one GP, one health manager, one public-health doctor.
    expect(
      await count(
        sql`SELECT count(*)::int AS n FROM institution s JOIN institution c ON c.id = s.parent_id WHERE s.kind = 'community_health_station' AND c.kind = 'community_health_centre'`,
      ),
    ).toBe(46);
    const roles = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM team t WHERE
        (SELECT count(*) FROM team_member m WHERE m.team_id = t.id AND m.team_role = 'gp') <> 1 OR
        (SELECT count(*) FROM team_member m WHERE m.team_id = t.id AND m.team_role = 'health_manager') <> 1 OR
        (SELECT count(*) FROM team_member m WHERE m.team_id = t.id AND m.team_role = 'public_health') <> 1 OR
        (SELECT count(*) FROM team_member m WHERE m.team_id = t.id AND m.team_role = 'nurse') NOT BETWEEN 1 AND 2`.execute(database.db);
    expect(roles.rows[0]?.n).toBe(0);
  });

  it('makes gp1, hm1, ph1 and nurse1 the members of team 1 of the first centre', async () => {
    const members = await database.db
      .selectFrom('team_member as m')
      .innerJoin('app_user as u', 'u.id', 'm.user_id')
      .innerJoin('team as t', 't.id', 'm.team_id')
      .select(['u.username', 'm.team_role', 't.name'])
      .where('u.username', 'in', ['gp1', 'hm1', 'ph1', 'nurse1'])
      .execute();
    expect(members).toHaveLength(4);
    expect(new Set(members.map((m) => m.name)).size).toBe(1);
    const gp1Contracts = await count(
      sql`SELECT count(*)::int AS n FROM contract c JOIN app_user u ON u.id = c.gp_user_id WHERE u.username = 'gp1' AND c.status = 'active'`,
    );
    expect(gp1Contracts).toBeGreaterThan(4);
  });

  it('writes valid, protected identities', async () => {
    const rows = await database.db
      .selectFrom('resident')
      .select([
        'name',
        'sex',
        'birth_date',
        'national_id_enc',
        'national_id_bidx',
        'national_id_masked',
        'phone_enc',
        'phone_bidx',
        'phone_masked',
        'basic_info',
      ])
      .execute();
    expect(rows.length).toBeGreaterThan(800);
    let withId = 0;
    for (const r of rows) {
      if (r.national_id_enc) {
        withId++;
        const id = crypto.decrypt(r.national_id_enc);
        const check = validateNationalId(id);
        expect(check.valid).toBe(true);
        if (check.valid) {
          expect(check.birthDate).toBe(r.birth_date);
          expect(check.sex).toBe(r.sex);
        }
        expect(r.national_id_bidx).toBe(crypto.blindIndex('national_id', id));
        expect(r.national_id_masked).toBe(`${id.slice(0, 6)}********${id.slice(-4)}`);
      }
      if (r.phone_enc) {
        const phone = crypto.decrypt(r.phone_enc);
        expect(phone).toMatch(/^1[3-9][0-9]{9}$/);
        expect(r.phone_bidx).toBe(crypto.blindIndex('phone', phone));
      }
      expect(() => BasicInfo.parse(r.basic_info)).not.toThrow();
    }
    expect(withId / rows.length).toBeGreaterThan(0.94);
  });

  it('keeps the follow-up care-task invariants of the write path', async () => {
    const db = database.db;
    // Each visit completed exactly one task: done on the visit day, code followup:<window end>.
    expect(
      await count(sql`SELECT count(*)::int AS n FROM followup_visit v WHERE (
        SELECT count(*) FROM care_task t WHERE t.done_ref = v.id AND t.status = 'done' AND t.programme = v.programme
          AND t.done_on = v.visit_date AND t.task_code = 'followup:' || t.window_end::text) <> 1`),
    ).toBe(0);
    // That task was opened by the previous visit: window end = its next due date; due the same day when it said
    // "continue", else the day after it; priority and reason from it.
    expect(
      await count(sql`WITH v AS (
          SELECT v.id, lag(v.next_due_date) OVER w AS prev_due, lag(v.visit_date) OVER w AS prev_date, lag(v.action) OVER w AS prev_action,
                 lag(v.classification) OVER w AS prev_class, lag(v.urgent) OVER w AS prev_urgent, lag(v.referral_suggested) OVER w AS prev_ref
            FROM followup_visit v WINDOW w AS (PARTITION BY v.enrolment_id ORDER BY v.visit_date))
        SELECT count(*)::int AS n FROM v JOIN care_task t ON t.done_ref = v.id
         WHERE v.prev_due IS NOT NULL AND (t.window_end <> v.prev_due
            OR t.due_date <> CASE WHEN v.prev_action = 'continue' THEN v.prev_due ELSE v.prev_date + 1 END
            OR t.reason <> v.prev_class
            OR t.priority <> CASE WHEN v.prev_urgent THEN 'urgent' WHEN v.prev_ref THEN 'high' ELSE 'normal' END)`),
    ).toBe(0);
    // Exactly one open follow-up task per chronic enrolment, matching the latest visit and the enrolment summary.
    expect(
      await count(sql`SELECT count(*)::int AS n FROM programme_enrolment e WHERE e.programme IN ('hypertension','diabetes')
        AND (SELECT count(*) FROM care_task t WHERE t.resident_id = e.resident_id AND t.programme = e.programme AND t.status = 'open') <> 1`),
    ).toBe(0);
    expect(
      await count(sql`SELECT count(*)::int AS n FROM programme_enrolment e
        JOIN care_task t ON t.resident_id = e.resident_id AND t.programme = e.programme AND t.status = 'open'
        LEFT JOIN LATERAL (SELECT * FROM followup_visit v WHERE v.enrolment_id = e.id ORDER BY v.visit_date DESC LIMIT 1) l ON true
        WHERE e.programme IN ('hypertension','diabetes') AND (
          t.window_end <> e.next_due_date OR t.task_code <> 'followup:' || t.window_end::text
          OR (l.id IS NULL AND (e.last_visit_date IS NOT NULL OR e.risk_colour IS NOT NULL))
          OR (l.id IS NOT NULL AND (l.next_due_date <> e.next_due_date OR l.visit_date <> e.last_visit_date OR l.controlled <> e.last_controlled
            OR t.due_date <> CASE WHEN l.action = 'continue' THEN l.next_due_date ELSE l.visit_date + 1 END
            OR t.reason <> l.classification
            OR e.risk_colour IS NULL OR e.risk_rule IS NULL OR e.risk_reason IS NULL OR e.risk_reason_en IS NULL
            OR t.priority <> CASE WHEN l.urgent THEN 'urgent' WHEN l.referral_suggested THEN 'high' ELSE 'normal' END)))`),
    ).toBe(0);
    // A new enrolment's first task is due on the enrolment day, within 14 days.
    expect(
      await count(sql`SELECT count(*)::int AS n FROM care_task t JOIN programme_enrolment e ON e.resident_id = t.resident_id AND e.programme = t.programme
        WHERE t.reason = 'enrolment' AND (t.due_date <> e.enrolled_on OR t.window_end <> e.enrolled_on + 14)`),
    ).toBe(0);
    expect(await count(sql`SELECT count(*)::int AS n FROM care_task WHERE reason = 'enrolment'`)).toBeGreaterThan(0);

    // Every stored classification is what the rules say, given the previous visit of the same programme.
    const visits = await db
      .selectFrom('followup_visit as v')
      .innerJoin('resident as r', 'r.id', 'v.resident_id')
      .select([
        'v.enrolment_id',
        'v.programme',
        'v.visit_date',
        'v.sbp',
        'v.dbp',
        'v.heart_rate',
        'v.fbg',
        'v.symptoms',
        'v.adverse_reaction',
        'v.new_complication',
        'v.classification',
        'v.controlled',
        'v.kpi_controlled',
        'v.action',
        'v.urgent',
        'v.referral_suggested',
        'v.reasons',
        'v.next_due_date',
        'r.birth_date',
      ])
      .orderBy('v.enrolment_id')
      .orderBy('v.visit_date')
      .execute();
    expect(visits.length).toBeGreaterThan(100);
    let prev: (typeof visits)[number] | null = null;
    for (const v of visits) {
      const previousVisit =
        prev && prev.enrolment_id === v.enrolment_id ? { visitDate: prev.visit_date, controlled: prev.controlled } : null;
      const common = {
        visitDate: v.visit_date,
        symptoms: v.symptoms,
        adverseReaction: v.adverse_reaction as 'none',
        newOrWorseComplication: v.new_complication,
        previousVisit,
        heartRate: v.heart_rate,
      };
      const r =
        v.programme === 'hypertension'
          ? classifyHypertensionVisit({ ...common, ageYears: ageOn(v.birth_date, v.visit_date), sbp: v.sbp!, dbp: v.dbp! })
          : classifyDiabetesVisit({ ...common, fbg: Number(v.fbg), sbp: v.sbp, dbp: v.dbp });
      const kpi =
        v.programme === 'hypertension'
          ? isBpControlledForKpi({ ageYears: ageOn(v.birth_date, v.visit_date), sbp: v.sbp!, dbp: v.dbp! })
          : isFbgControlled(Number(v.fbg));
      expect({
        kpi: v.kpi_controlled,
        c: v.classification,
        ctl: v.controlled,
        a: v.action,
        u: v.urgent,
        ref: v.referral_suggested,
        reasons: v.reasons,
        next: v.next_due_date,
      }).toEqual({
        kpi,
        c: r.classification,
        ctl: r.controlled,
        a: r.action,
        u: r.urgentReferral,
        ref: r.referralSuggested,
        reasons: r.reasons,
        next: r.nextDueDate,
      });
      prev = v;
    }
  });

  it('gives the fixed residents the histories the demo relies on', async () => {
    const db = database.db;
    const enrolment = async (nationalId: string, programme: string) =>
      db
        .selectFrom('programme_enrolment as e')
        .innerJoin('resident as r', 'r.id', 'e.resident_id')
        .selectAll('e')
        .where('r.national_id_bidx', '=', crypto.blindIndex('national_id', nationalId))
        .where('e.programme', '=', programme)
        .executeTakeFirstOrThrow();
    const zhang = await enrolment(FIXED_RESIDENTS.zhangJianguo.nationalId, 'hypertension');
    expect(zhang.last_controlled).toBe(true);
    expect(zhang.risk_colour).toBe('green');
    expect(zhang.next_due_date! > today && zhang.next_due_date! <= addDays(today, 7)).toBe(true);
    const li = await enrolment(FIXED_RESIDENTS.liXiuying.nationalId, 'diabetes');
    expect(li.last_controlled).toBe(false);
    const liLast = await db
      .selectFrom('followup_visit')
      .select(['fbg', 'classification'])
      .where('enrolment_id', '=', li.id)
      .orderBy('visit_date', 'desc')
      .executeTakeFirstOrThrow();
    expect(Number(liLast.fbg)).toBe(8.2);
    expect(liLast.classification).toBe('first_uncontrolled');
    const wang = await enrolment(FIXED_RESIDENTS.wangJianhua.nationalId, 'hypertension');
    expect(wang.next_due_date).toBe(addDays(today, -10));
    const resident1 = await db
      .selectFrom('app_user')
      .select(['resident_id', 'role'])
      .where('username', '=', 'resident1')
      .executeTakeFirstOrThrow();
    expect(resident1).toEqual({ resident_id: zhang.resident_id, role: 'resident' });
    // The fixed residents were created before every generated one.
    const order = await sql<{ name: string }>`SELECT name FROM resident ORDER BY created_at, id LIMIT 3`.execute(db);
    expect(order.rows.map((r) => r.name)).toEqual(['张建国', '李秀英', '王建华']);
  });

  it('schedules key-population visits with the codes the write path uses', async () => {
    const db = database.db;
    const elderly = await sql<{ code: string }>`SELECT DISTINCT task_code AS code FROM care_task WHERE programme = 'elderly'`.execute(db);
    expect(elderly.rows.length).toBeGreaterThan(0);
    for (const r of elderly.rows) expect(r.code).toMatch(/^elderly_annual_check_\d{4}$/);
    // Done elderly checks point at their self-care assessment.
    expect(
      await count(sql`SELECT count(*)::int AS n FROM care_task t WHERE t.programme = 'elderly' AND t.status = 'done'
        AND NOT EXISTS (SELECT 1 FROM elderly_assessment a WHERE a.id = t.done_ref AND a.assessed_on = t.done_on)`),
    ).toBe(0);
    const child = await sql<{ code: string }>`SELECT DISTINCT task_code AS code FROM care_task WHERE programme = 'child'`.execute(db);
    expect(child.rows.map((r) => r.code)).toContain('newborn_home_visit');
    // Mothers who gave birth have their postpartum visits; antenatal registration is on file for every pregnancy.
    expect(
      await count(
        sql`SELECT count(*)::int AS n FROM programme_enrolment WHERE programme = 'maternal' AND details->>'deliveryDate' IS NOT NULL`,
      ),
    ).toBeGreaterThan(0);
    expect(
      await count(sql`SELECT count(*)::int AS n FROM programme_enrolment e WHERE e.programme = 'maternal'
        AND NOT EXISTS (SELECT 1 FROM care_task t WHERE t.resident_id = e.resident_id AND t.task_code = 'antenatal_registration' AND t.status = 'done')`),
    ).toBe(0);
    expect(
      await count(sql`SELECT count(*)::int AS n FROM programme_enrolment e WHERE e.programme = 'maternal' AND e.details->>'deliveryDate' IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM care_task t WHERE t.resident_id = e.resident_id AND t.task_code = 'postpartum_42d_check')`),
    ).toBe(0);
    // No more than one open task per resident, programme and code (the unique index), none in the future for done ones.
    expect(await count(sql`SELECT count(*)::int AS n FROM care_task WHERE status = 'done' AND done_on > ${today}::date`)).toBe(0);
  });

  it('leaves resident_activity equal to a recomputation from the source tables', async () => {
    const { rows } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM resident r
        LEFT JOIN resident_activity a ON a.resident_id = r.id
       WHERE a.last_entry_on IS DISTINCT FROM greatest(
               (SELECT max(f.visit_date) FROM followup_visit f WHERE f.resident_id = r.id AND f.entry_status = 'active'),
               (SELECT max(e.started_at)::date FROM encounter e WHERE e.resident_id = r.id AND e.entry_status = 'active'),
               (SELECT max(s.measured_on) FROM screening s WHERE s.resident_id = r.id AND s.entry_status = 'active'),
               (SELECT max(x.assessed_on) FROM elderly_assessment x WHERE x.resident_id = r.id AND x.entry_status = 'active'))`.execute(database.db);
    expect(rows[0]!.n).toBe(0);
    const { rows: withEntries } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM resident_activity WHERE last_entry_on IS NOT NULL`.execute(database.db);
    expect(withEntries[0]!.n).toBeGreaterThan(100);
  });

  it('has a duplicate record for duplicate detection to find', async () => {
    const c = FIXED_RESIDENTS.chenGuilan;
    // The candidate list itself is filtered by a clinician's care relationships (API tests); here
    // the data: two or more records of one person, one of them without a national ID.
    const { rows } = await sql<{ national_id_masked: string | null }>`
      SELECT national_id_masked FROM resident WHERE name = ${c.name} AND birth_date = ${c.birthDate}::date AND status <> 'merged'`.execute(database.db);
    expect(rows.length).toBeGreaterThanOrEqual(2);
    expect(rows.some((x) => x.national_id_masked === null)).toBe(true);
  });
});

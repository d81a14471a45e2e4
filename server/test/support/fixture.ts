import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { DB } from '../../src/db/schema.js';
import { hashPassword } from '../../src/auth/passwords.js';
import type { Role } from '../../src/auth/actor.js';
import { makeNationalId } from '../../src/residents/national-id.js';
import type { FieldCrypto } from '../../src/security/field-crypto.js';
import { resolveIdentity } from '../../src/residents/resident-identity.js';
import { addYears } from '../../src/chronic/rules/age.js';
import { todayIso } from '../../src/shared/dates.js';

export const PASSWORD = 'Fixture-pass-2026';

/**
 * A small, explicit world for API tests: two community centres each with one family-doctor team,
 * a hospital, administrators, and two residents contracted one to each team.
 */
export async function createFixture(app: FastifyInstance) {
  const db: Kysely<DB> = app.deps.database.db;
  const crypto: FieldCrypto = app.deps.crypto;
  await db.insertInto('region').values({ code: '330106', name: '示范区', name_en: 'Demo District' }).execute();
  const inst = async (code: string, name: string, kind: string) =>
    (await db.insertInto('institution').values({ code, name, name_en: name, kind, region_code: '330106' }).returning('id').executeTakeFirstOrThrow()).id;
  const centreA = await inst('C-A', '甲社区卫生服务中心', 'community_health_centre');
  const centreB = await inst('C-B', '乙社区卫生服务中心', 'community_health_centre');
  const hospital = await inst('H-1', '第一人民医院', 'tertiary_hospital');
  const commission = await inst('GOV-1', '卫生健康局', 'health_commission');
  const team = async (institution_id: string, name: string) =>
    (await db.insertInto('team').values({ institution_id, name, name_en: name }).returning('id').executeTakeFirstOrThrow()).id;
  const teamA = await team(centreA, '甲一团队');
  const teamB = await team(centreB, '乙一团队');
  await db.insertInto('service_package').values({ code: 'basic', name: '基础包', name_en: 'Basic package', kind: 'basic' }).execute();

  const user = async (username: string, role: Role, institution_id: string | null, teamId?: string, resident_id?: string) => {
    // Every account its own hash (argon2, own salt), as in the seeds.
    const passwordHash = await hashPassword(PASSWORD);
    const id = (
      await db
        .insertInto('app_user')
        .values({ username, role, display_name: username, institution_id, password_hash: passwordHash, resident_id: resident_id ?? null })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    if (teamId) await db.insertInto('team_member').values({ team_id: teamId, user_id: id, team_role: role === 'gp' ? 'gp' : role === 'nurse' ? 'nurse' : role === 'public_health' ? 'public_health' : 'health_manager' }).execute();
    return id;
  };
  const gpA = await user('gp_a', 'gp', centreA, teamA);
  const hmA = await user('hm_a', 'health_manager', centreA, teamA);
  const gpB = await user('gp_b', 'gp', centreB, teamB);
  const specialist = await user('spec_h', 'specialist', hospital);
  const commissionAdmin = await user('gov_admin', 'commission_admin', commission);
  const adminA = await user('admin_a', 'institution_admin', centreA);

  const resident = async (name: string, birthDate: string, seq: number, phone: string) => {
    const nationalId = makeNationalId('330106', birthDate, seq);
    const identity = resolveIdentity({ nationalId, phone }, crypto);
    const id = (
      await db
        .insertInto('resident')
        .values({ name, sex: identity.sex, birth_date: identity.birthDate, ...identity.protectedColumns, home_institution_id: centreA })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    return { id, nationalId, phone, name };
  };
  const residentA = await resident('张测试', '1958-03-12', 17, '13800001111');
  const residentB = await resident('李测试', '1962-07-08', 26, '13800002222');
  const today = todayIso();
  const contract = (resident_id: string, team_id: string, gp_user_id: string) =>
    db
      .insertInto('contract')
      .values({ resident_id, team_id, gp_user_id, package_code: 'basic', start_date: today, end_date: addYears(today, 1) })
      .execute();
  await contract(residentA.id, teamA, gpA);
  await contract(residentB.id, teamB, gpB);
  const residentUserA = await user('res_a', 'resident', null, undefined, residentA.id);
  return {
    db,
    crypto,
    institutions: { centreA, centreB, hospital, commission },
    teams: { teamA, teamB },
    users: { gpA, hmA, gpB, specialist, commissionAdmin, adminA, residentUserA },
    residents: { residentA, residentB },
  };
}

export async function login(app: FastifyInstance, username: string, password = PASSWORD): Promise<{ authorization: string; cookie: string }> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
  if (res.statusCode !== 200) throw new Error(`login ${username} failed: ${res.statusCode} ${res.body}`);
  const token = res.json<{ token: string }>().token;
  const cookie = res.cookies.find((c) => c.name === 'kl_session');
  return { authorization: `Bearer ${token}`, cookie: `kl_session=${cookie?.value}` };
}

/**
 * More of the organisation, for tests that go through every role: a second team in centre A, the
 * rest of team A (nurse, public health), a referral coordinator at the hospital, an insurance
 * bureau with its administrator, and a way to give a resident a log-in.
 */
export async function extendFixture(f: Awaited<ReturnType<typeof createFixture>>) {
  const { db } = f;
  const { password_hash } = await db.selectFrom('app_user').select('password_hash').where('id', '=', f.users.gpA).executeTakeFirstOrThrow();
  const user = async (username: string, role: Role, institution_id: string | null, team?: { id: string; role: string }, resident_id: string | null = null) => {
    const id = (await db.insertInto('app_user').values({ username, role, display_name: username, institution_id, password_hash, resident_id }).returning('id').executeTakeFirstOrThrow()).id;
    if (team) await db.insertInto('team_member').values({ team_id: team.id, user_id: id, team_role: team.role }).execute();
    return id;
  };
  const insurance = (
    await db.insertInto('institution').values({ code: 'INS-1', name: '医疗保障局', name_en: 'Healthcare Security Bureau', kind: 'insurance_bureau', region_code: '330106' }).returning('id').executeTakeFirstOrThrow()
  ).id;
  const teamA2 = (await db.insertInto('team').values({ institution_id: f.institutions.centreA, name: '甲二团队', name_en: 'A2' }).returning('id').executeTakeFirstOrThrow()).id;
  const gpA2 = await user('gp_a2', 'gp', f.institutions.centreA, { id: teamA2, role: 'gp' });
  const nurseA = await user('nurse_a', 'nurse', f.institutions.centreA, { id: f.teams.teamA, role: 'nurse' });
  const phA = await user('ph_a', 'public_health', f.institutions.centreA, { id: f.teams.teamA, role: 'public_health' });
  const coordinator = await user('coord_h', 'referral_coordinator', f.institutions.hospital);
  const insuranceAdmin = await user('ins_admin', 'insurance_admin', insurance);
  // Sterile supply staff: no resident data is theirs.
  for (const role of ['cssd_staff', 'cssd_run_nurse', 'cssd_centre_nurse'] as const) await user(role, role, role === 'cssd_centre_nurse' ? f.institutions.centreA : f.institutions.hospital);
  return {
    institutions: { insurance },
    teams: { teamA2 },
    users: { gpA2, nurseA, phA, coordinator, insuranceAdmin },
    /** A resident's own log-in (the portal). */
    residentUser: (username: string, residentId: string) => user(username, 'resident', null, undefined, residentId),
  };
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import type { DB } from '../src/db/schema.js';
import { ROLES as ALL_ROLES, type Role } from '../src/auth/actor.js';
import { routeTable, type AccessKind, type ExampleWorld, type RouteExample, type RouteTableEntry } from '../src/http/route-access.js';
import { makeNationalId } from '../src/residents/national-id.js';
import { resolveIdentity } from '../src/residents/resident-identity.js';
import { addDays, addYears } from '../src/chronic/rules/age.js';
import { todayIso } from '../src/shared/dates.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { createFixture, extendFixture, login } from './support/fixture.js';

/**
 * The access matrix, generated from the route table: every role × relation × route that touches
 * resident data sends the route's own example request (`config.access.example`) and is judged
 * against an oracle computed here from how the world was built — never by the production access
 * query. A new route is covered by declaring its access; a route without a declaration fails.
 */

type Relation = 'own_patient' | 'other_team' | 'other_centre' | 'self' | 'other_resident' | 'after_termination' | 'inside_break_glass' | 'after_break_glass';
const RELATIONS: Relation[] = ['own_patient', 'other_team', 'other_centre', 'self', 'other_resident', 'after_termination', 'inside_break_glass', 'after_break_glass'];
/** Every role the server knows: a new role joins the matrix without editing this test. */
const ROLES: Role[] = [...ALL_ROLES];
/** Who delivers care (the oracle's own list, not the production one). */
const CARE_ROLES: Role[] = ['gp', 'health_manager', 'nurse', 'public_health', 'specialist', 'referral_coordinator'];
type Basis = 'care_team' | 'referral' | 'break_glass' | 'self' | 'identifier_match';
/** Kinds that only read; every other kind is sent against a resident built for the one request. */
const READ_KINDS: AccessKind[] = ['resident', 'list', 'identify', 'aggregate'];
const SUBJECT_KEYS = ['residentId', 'nationalId', 'phone', 'name', 'birthDate', 'sex', 'partnerId', 'contractId', 'taskId', 'entry', 'mergeId', 'breakGlassId', 'referralId', 'inProgressReferralId'];
/** The subject's referrals an example may read (built only when it does). */
const REFERRAL_KEYS = ['referralId', 'inProgressReferralId'];
/**
 * Relations in which the subject's referral to the hospital is open (a referral basis for the
 * hospital's staff and the referring centre's): the own patient (from centre A), another centre's
 * patient and the resident's own record (from centre B). In the others it is closed (cancelled), so
 * the relation keeps its meaning: an open referral from centre A would give centre A's clinicians
 * access to another team's patient, and one to the hospital would make a break-the-glass write legitimate.
 */
const OPEN_REFERRAL_RELATIONS: Relation[] = ['own_patient', 'other_centre', 'self'];
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const NO_ID = '00000000-0000-4000-8000-000000000000';

interface Actor {
  role: Role;
  userId: string;
  institutionId: string | null;
  teamIds: string[];
  residentId: string | null;
  headers: Record<string, string>;
}

/** What the test knows of each resident: how it was built. */
interface Known {
  id: string;
  nationalId: string | null;
  phone: string;
  name: string;
  birthDate: string;
  sex: 'male' | 'female';
  homeInstitutionId: string;
  /** Team of the contract in force, if any. */
  contractTeam: string | null;
  referral: { from: string; to: string } | null;
  /** Users holding unexpired break-the-glass access. */
  breakGlass: Set<string>;
  mergedInto: string | null;
  contractId: string;
  taskId: string;
  entryId?: string;
  partnerId?: string;
  mergeId?: string;
  breakGlassId?: string;
  referralId?: string;
  inProgressReferralId?: string;
}

let t: TestApp;
let db: Kysely<DB>;
let f: Awaited<ReturnType<typeof createFixture>>;
let more: Awaited<ReturnType<typeof extendFixture>>;
const known = new Map<string, Known>();
const actors = new Map<Role, Actor>();
let teamOf: Record<string, string>;
/** A hospital department receiving referrals and one of its sessions with free places. */
let org: { departmentId: string; sessionId: string };
/** Referral keys read by the examples of read routes: the shared world builds those. */
let sharedNeeds: Set<string>;
let today: string;
let seq = 0;

function basis(a: Actor, residentId: string): Basis | null {
  const r = known.get(residentId);
  if (!r) return null;
  if (r.mergedInto) return basis(a, r.mergedInto);
  if (a.role === 'resident') return a.residentId === residentId ? 'self' : null;
  if (!CARE_ROLES.includes(a.role)) return null;
  if (r.contractTeam && a.teamIds.includes(r.contractTeam)) return 'care_team';
  if (r.referral && a.institutionId && (r.referral.from === a.institutionId || r.referral.to === a.institutionId)) return 'referral';
  if (r.breakGlass.has(a.userId)) return 'break_glass';
  return null;
}

/** May this actor get a 2xx from a route of this kind about these residents (the subject first)? */
function may(kind: AccessKind, a: Actor, residents: string[]): boolean {
  const care = CARE_ROLES.includes(a.role);
  const subject = residents[0];
  switch (kind) {
    case 'resident':
      return residents.every((r) => basis(a, r) !== null);
    case 'resident-write':
      return a.role !== 'resident' && residents.every((r) => basis(a, r) === 'care_team' || basis(a, r) === 'referral');
    case 'emergency-note':
      return care && residents.every((r) => basis(a, r) !== null);
    case 'list':
      return true;
    case 'identify':
    case 'break-glass':
      return care;
    case 'starts-relationship':
      return care || a.role === 'institution_admin';
    case 'oversight': {
      if (a.role !== 'institution_admin') return false;
      if (!subject) return true;
      const r = known.get(subject)!;
      return r.homeInstitutionId === a.institutionId || (r.contractTeam !== null && teamOf[r.contractTeam] === a.institutionId);
    }
    case 'aggregate':
      return a.role !== 'resident';
    default:
      return false;
  }
}

interface BuildSpec {
  relation: Relation;
  /** Actors who broke the glass (inside: unexpired; after: expired). */
  glassFor?: Actor[];
  /** A namesake of this resident (same name, birth date, sex and phone, no national ID), in centre B's care unless `twinInCare`. */
  twinOf?: Known;
  /** The namesake is in team A1's care (a duplicate its members may see). */
  twinInCare?: boolean;
  /** World keys the example reads: extra rows are built only for those. */
  needs?: Set<string>;
  /** After termination, terminated by the caller through the API (the contract is built in force). */
  terminateLater?: boolean;
}

/**
 * Builds residents in the given relations to the actors, a few multi-row inserts for the lot: a
 * contract (in force, lapsed or terminated), a referral for the own patient, a hypertension
 * enrolment and an open task attributed to the contract's team, and what the examples need.
 */
async function buildResidents(specs: BuildSpec[]): Promise<Known[]> {
  const centreA = f.institutions.centreA;
  const centreB = f.institutions.centreB;
  const A1 = f.teams.teamA;
  const A2 = more.teams.teamA2;
  const B1 = f.teams.teamB;
  const gpOf: Record<string, string> = { [A1]: f.users.gpA, [A2]: more.users.gpA2, [B1]: f.users.gpB };
  const rows = { resident: [] as object[], contract: [] as object[], referral: [] as object[], enrolment: [] as object[], task: [] as object[], glass: [] as object[], condition: [] as object[], merge: [] as object[] };
  const out: Known[] = [];
  const uuid = () => crypto.randomUUID();
  for (const spec of specs) {
    const { relation, twinOf: twin } = spec;
    const n = ++seq;
    const birthDate = twin?.birthDate ?? addDays('1940-01-01', n);
    const nationalId = twin ? null : makeNationalId('330106', birthDate, 100 + (n % 800));
    const phone = twin?.phone ?? `139${String(n).padStart(8, '0')}`;
    const identity = resolveIdentity(nationalId ? { nationalId, phone } : { birthDate, sex: twin!.sex, phone }, f.crypto);
    const name = twin?.name ?? `矩阵${n}号`;
    const homeInstitutionId = twin ? (spec.twinInCare ? centreA : centreB) : ['own_patient', 'other_team', 'after_termination'].includes(relation) ? centreA : centreB;
    const id = uuid();
    rows.resident.push({ id, name, sex: identity.sex, birth_date: identity.birthDate, ...identity.protectedColumns, home_institution_id: homeInstitutionId });
    const team = twin ? (spec.twinInCare ? A1 : B1) : ({ own_patient: A1, other_team: A2, after_termination: A1 } as Record<string, string>)[relation] ?? B1;
    const gp = gpOf[team]!;
    const lapsed = relation === 'other_resident' && !twin;
    const terminated = relation === 'after_termination' && !twin && !spec.terminateLater;
    const contractId = uuid();
    rows.contract.push({
      id: contractId,
      resident_id: id,
      team_id: team,
      gp_user_id: gp,
      package_code: 'basic',
      start_date: lapsed ? addYears(today, -2) : today,
      end_date: lapsed ? addYears(today, -1) : addYears(today, 1),
      status: terminated ? 'terminated' : 'active',
      end_reason: terminated ? '迁出' : null,
      ended_at: terminated ? new Date(Date.now() - 60_000) : null,
    });
    const needs = spec.needs ?? new Set();
    const wantsReferral = REFERRAL_KEYS.some((key) => needs.has(key));
    // The own patient is always referred (from centre A); what an example reads is built beside it.
    const open = !twin && (relation === 'own_patient' || (wantsReferral && OPEN_REFERRAL_RELATIONS.includes(relation)));
    const referral = open ? { from: teamOf[team]!, to: f.institutions.hospital } : null;
    const referralRow = (status: string) => {
      const rid = uuid();
      rows.referral.push({ id: rid, resident_id: id, direction: 'up', from_institution_id: teamOf[team]!, to_institution_id: f.institutions.hospital, department_id: org.departmentId, reason: '血压控制不佳，请专科会诊', status, seen_at: status === 'in_progress' ? new Date() : null });
      return rid;
    };
    const requestedReferral = relation === 'own_patient' && !twin ? referralRow('requested') : undefined;
    rows.enrolment.push({ resident_id: id, programme: 'hypertension', icd10: 'I10', enrolled_on: addDays(today, -60), team_id: team, institution_id: teamOf[team]!, doctor_user_id: gp, risk_colour: 'yellow', risk_rule: 'matrix', risk_reason: '血压未达标' });
    const taskId = uuid();
    rows.task.push({ id: taskId, resident_id: id, programme: 'elderly', task_code: 'elderly_health_check', label: '老年人健康体检', label_en: 'Elderly health check', due_date: today, window_end: addDays(today, 30), team_id: team, priority: 'high' });
    const k: Known = {
      id,
      nationalId,
      phone,
      name,
      birthDate: identity.birthDate,
      sex: identity.sex as 'male' | 'female',
      homeInstitutionId,
      contractTeam: lapsed || terminated ? null : team,
      referral,
      breakGlass: new Set(),
      mergedInto: null,
      contractId,
      taskId,
    };
    if (!twin && needs.has('referralId')) k.referralId = requestedReferral ?? referralRow(open ? 'requested' : 'cancelled');
    if (!twin && needs.has('inProgressReferralId')) k.inProgressReferralId = referralRow(open ? 'in_progress' : 'cancelled');
    known.set(id, k);
    out.push(k);
    const glass = relation === 'inside_break_glass' || relation === 'after_break_glass';
    for (const a of glass && !twin ? (spec.glassFor ?? []) : []) {
      if (!CARE_ROLES.includes(a.role)) continue;
      const expired = relation === 'after_break_glass';
      rows.glass.push({
        user_id: a.userId,
        resident_id: id,
        reason: '急诊抢救需要查看病史',
        created_at: expired ? new Date(Date.now() - 2 * 86_400_000) : new Date(),
        expires_at: expired ? new Date(Date.now() - 86_400_000) : new Date(Date.now() + 3_600_000),
      });
      if (!expired) k.breakGlass.add(a.userId);
    }
    if (needs.has('entry')) {
      k.entryId = uuid();
      rows.condition.push({ id: k.entryId, resident_id: id, icd10: 'I10', display: '原发性高血压', diagnosed_on: addDays(today, -30) });
    }
    if (needs.has('partnerId')) {
      // Another record of the same person (no national ID), in team A1's care and referred to the hospital.
      const p = resolveIdentity({ birthDate: k.birthDate, sex: k.sex, phone }, f.crypto);
      const partner = uuid();
      const pc = uuid();
      const pr = { from: centreA, to: f.institutions.hospital };
      rows.resident.push({ id: partner, name, sex: p.sex, birth_date: p.birthDate, ...p.protectedColumns, home_institution_id: centreA });
      rows.contract.push({ id: pc, resident_id: partner, team_id: A1, gp_user_id: f.users.gpA, package_code: 'basic', start_date: today, end_date: addYears(today, 1), status: 'active', end_reason: null, ended_at: null });
      rows.referral.push({ id: uuid(), resident_id: partner, direction: 'up', from_institution_id: pr.from, to_institution_id: pr.to, department_id: org.departmentId, reason: '会诊', status: 'requested', seen_at: null });
      known.set(partner, { ...k, id: partner, nationalId: null, homeInstitutionId: centreA, contractTeam: A1, referral: pr, breakGlass: new Set(), contractId: pc, taskId: NO_ID });
      k.partnerId = partner;
    }
    if (needs.has('mergeId')) {
      // A record already merged into this one (created later, so the earlier record survived).
      const p = resolveIdentity({ birthDate: k.birthDate, sex: k.sex }, f.crypto);
      const merged = uuid();
      rows.resident.push({ id: merged, name, sex: p.sex, birth_date: p.birthDate, ...p.protectedColumns, home_institution_id: homeInstitutionId, status: 'merged', merged_into_id: id });
      known.set(merged, { ...k, id: merged, nationalId: null, contractTeam: null, referral: null, breakGlass: new Set(), mergedInto: id });
      k.mergeId = uuid();
      rows.merge.push({ id: k.mergeId, survivor_id: id, merged_id: merged, reason: '同一人', merged_by: f.users.gpA, moved_entries: '[]' });
    }
    if (needs.has('breakGlassId')) {
      // Break-the-glass by a GP of centre B, to be reviewed.
      k.breakGlassId = uuid();
      rows.glass.push({ id: k.breakGlassId, user_id: f.users.gpB, resident_id: id, reason: '夜间急诊，需查看用药', created_at: new Date(), expires_at: new Date(Date.now() + 3_600_000) });
    }
  }
  // Merged records point at their survivor: insert survivors first.
  const insert = async (table: keyof DB, values: object[]) => {
    if (values.length) await db.insertInto(table).values(values as never).execute();
  };
  await insert('resident', rows.resident.filter((r) => !('merged_into_id' in r)));
  await insert('resident', rows.resident.filter((r) => 'merged_into_id' in r));
  await insert('contract', rows.contract);
  await insert('referral', rows.referral);
  await insert('programme_enrolment', rows.enrolment);
  await insert('care_task', rows.task);
  await insert('condition', rows.condition);
  await insert('resident_merge', rows.merge);
  // Break-the-glass rows with and without a given id: one insert each, as the columns differ.
  await insert('break_glass', rows.glass.filter((g) => 'id' in g));
  await insert('break_glass', rows.glass.filter((g) => !('id' in g)));
  return out;
}

const buildResident = async (relation: Relation, opts: Omit<BuildSpec, 'relation'> = {}) => (await buildResidents([{ relation, ...opts }]))[0]!;

function worldFor(a: Actor, s: Known | null, unique: number): ExampleWorld {
  return {
    residentId: s?.id ?? NO_ID,
    nationalId: s?.nationalId ?? '',
    phone: s?.phone ?? '',
    name: s?.name ?? '',
    birthDate: s?.birthDate ?? today,
    sex: s?.sex ?? 'female',
    partnerId: s?.partnerId ?? NO_ID,
    teamId: a.teamIds[0] ?? f.teams.teamA,
    otherTeamId: more.teams.teamA2,
    contractId: s?.contractId ?? NO_ID,
    taskId: s?.taskId ?? NO_ID,
    entry: { table: 'condition', id: s?.entryId ?? NO_ID },
    mergeId: s?.mergeId ?? NO_ID,
    breakGlassId: s?.breakGlassId ?? NO_ID,
    referralId: s?.referralId ?? NO_ID,
    inProgressReferralId: s?.inProgressReferralId ?? NO_ID,
    hospitalId: f.institutions.hospital,
    departmentId: org?.departmentId ?? NO_ID,
    specialistSessionId: org?.sessionId ?? NO_ID,
    today,
    unique,
  };
}

/** The world keys an example reads (to know whether it depends on the subject, and what to build). */
function keysRead(route: RouteTableEntry): Set<string> {
  const used = new Set<string>();
  const probe = new Proxy(worldFor({ role: 'gp', userId: NO_ID, institutionId: null, teamIds: [], residentId: null, headers: {} }, null, 0), {
    get(target, key) {
      used.add(String(key));
      return target[key as keyof ExampleWorld];
    },
  });
  route.access!.example!(probe);
  return used;
}

const variantsOf = (route: RouteTableEntry, w: ExampleWorld): RouteExample[] => {
  const ex = route.access!.example!(w);
  return Array.isArray(ex) ? ex : [ex];
};

function requestFor(route: RouteTableEntry, ex: RouteExample) {
  const url = route.url.replace(/:(\w+)/g, (_, k: string) => {
    const v = ex.params?.[k];
    if (v === undefined) throw new Error(`${route.method} ${route.url}: the example gives no :${k}`);
    return encodeURIComponent(v);
  });
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(ex.query ?? {})) if (v !== undefined) qs.set(k, String(v));
  const full = qs.size ? `${url}?${qs}` : url;
  return { url: full, payload: ex.body as object | undefined };
}

const failures: string[] = [];
const stats = { cases: 0, ok: 0, listed: 0, byRoute: new Map<string, number>() };

async function maxAuditId(): Promise<number> {
  const r = await db.selectFrom('audit_event').select((eb) => eb.fn.max('id').as('m')).executeTakeFirst();
  return Number(r?.m ?? 0);
}

async function runCase(route: RouteTableEntry, ex: RouteExample, a: Actor, relation: Relation | 'any', subject: Known | null) {
  const kind = ex.kind ?? route.access!.kind;
  const { url, payload } = requestFor(route, ex);
  const sent = `${url} ${payload ? JSON.stringify(payload) : ''}`;
  const label = `${a.role} × ${relation} × ${route.method} ${route.url}${ex.kind ? ` (${ex.kind})` : ''}`;
  const inRequest = new Set((sent.match(UUID) ?? []).map((s) => s.toLowerCase()).filter((id) => known.has(id)));
  const involved = [...new Set([...(subject ? [subject.id] : []), ...inRequest])];
  const before = await maxAuditId();
  const res = await t.app.inject({ method: route.method as 'GET', url, headers: a.headers, ...(payload !== undefined ? { payload } : {}) });
  stats.cases++;
  const ok = res.statusCode >= 200 && res.statusCode < 300;
  const fail = (why: string) => failures.push(`${label}: ${why} → ${res.statusCode} ${res.body.slice(0, 200)}`);
  if (res.statusCode >= 500) fail('5xx');
  const allowed = may(kind, a, involved);
  if (ok) {
    stats.ok++;
    stats.byRoute.set(`${route.method} ${route.url}`, (stats.byRoute.get(`${route.method} ${route.url}`) ?? 0) + 1);
    if (!allowed) fail('unauthorised 2xx');
  }
  // Inside break-the-glass, writes are refused as such (the emergency note is its own kind).
  if (kind === 'resident-write' && relation === 'inside_break_glass' && CARE_ROLES.includes(a.role)) {
    const code = res.statusCode === 403 ? (res.json() as { error?: string }).error : undefined;
    if (code !== 'break_glass_read_only' && code !== 'care_relationship_required') fail('a write inside break-the-glass was not refused as read-only');
  }
  // Residents named in the answer (any status) that the request did not name: a relationship, or an identifier match.
  const shown = [...new Set((res.body.match(UUID) ?? []).map((s) => s.toLowerCase()).filter((id) => known.has(id)))];
  const expected = (r: string): Basis | null => {
    const b = basis(a, r);
    if (b) return b;
    const k = known.get(r)!;
    const matched = (k.nationalId !== null && sent.includes(k.nationalId)) || sent.includes(k.phone);
    return kind === 'identify' && matched ? 'identifier_match' : null;
  };
  for (const r of shown) {
    if (!inRequest.has(r) && expected(r) === null) fail(`resident ${r} shown without a care relationship`);
  }
  if (!ok) return;
  // Every resident shown, and the subject of a record route, has its own audit row with the basis found.
  const audited = [...new Set([...shown, ...(['resident', 'resident-write', 'emergency-note'].includes(kind) ? involved : [])])];
  if (shown.some((r) => !inRequest.has(r))) stats.listed++;
  if (audited.length === 0) return;
  const rows = await db
    .selectFrom('audit_event')
    .select(['resident_id', 'access_basis'])
    .where('id', '>', before)
    .where('actor_user_id', '=', a.userId)
    .where('outcome', '=', 'success')
    .where('resident_id', 'in', audited)
    .execute();
  for (const r of audited) {
    const want = expected(r);
    if (!rows.some((row) => row.resident_id === r && row.access_basis === want)) {
      fail(`resident ${r} has no audit row with basis ${want} (found ${JSON.stringify(rows.filter((x) => x.resident_id === r).map((x) => x.access_basis))})`);
    }
  }
}

beforeAll(async () => {
  t = await createTestApp();
  db = t.database.db;
  f = await createFixture(t.app);
  more = await extendFixture(f);
  today = todayIso();
  teamOf = { [f.teams.teamA]: f.institutions.centreA, [more.teams.teamA2]: f.institutions.centreA, [f.teams.teamB]: f.institutions.centreB };
  for (const r of [f.residents.residentA, f.residents.residentB]) {
    const row = await db.selectFrom('resident as r').innerJoin('contract as c', 'c.resident_id', 'r.id').select(['r.sex', 'r.birth_date', 'r.home_institution_id', 'c.team_id', 'c.id']).where('r.id', '=', r.id).executeTakeFirstOrThrow();
    known.set(r.id, { id: r.id, nationalId: r.nationalId, phone: r.phone, name: r.name, birthDate: row.birth_date, sex: row.sex as 'male' | 'female', homeInstitutionId: row.home_institution_id!, contractTeam: row.team_id, referral: null, breakGlass: new Set(), mergedInto: null, contractId: row.id, taskId: NO_ID });
  }
  const usernames: Record<Role, string> = {
    gp: 'gp_a',
    health_manager: 'hm_a',
    nurse: 'nurse_a',
    public_health: 'ph_a',
    specialist: 'spec_h',
    referral_coordinator: 'coord_h',
    institution_admin: 'admin_a',
    commission_admin: 'gov_admin',
    insurance_admin: 'ins_admin',
    resident: 'res_self',
    cssd_staff: 'cssd_staff',
    cssd_run_nurse: 'cssd_run_nurse',
    cssd_centre_nurse: 'cssd_centre_nurse',
  };
  // A cardiology department of the hospital and a session next week with room for every booking the matrix makes.
  const departmentId = (await db.insertInto('department').values({ institution_id: f.institutions.hospital, name: '心内科', name_en: 'Cardiology', specialty: 'cardiology' }).returning('id').executeTakeFirstOrThrow()).id;
  const published = await t.app.inject({
    method: 'POST',
    url: '/api/specialist-sessions',
    headers: { authorization: (await login(t.app, 'coord_h')).authorization },
    payload: { departmentId, date: addDays(today, 7), startTime: '08:00', endTime: '11:30', capacity: 500 },
  });
  expect(published.statusCode).toBe(201);
  org = { departmentId, sessionId: (published.json() as { id: string }).id };
  // What the read routes' examples read of the subject's referrals (the shared world builds it).
  sharedNeeds = new Set();
  for (const route of routeTable(t.app)) {
    if (!route.url.startsWith('/api/') || !route.access?.example || !(route.method === 'GET' || READ_KINDS.includes(route.access.kind))) continue;
    for (const key of keysRead(route)) if (REFERRAL_KEYS.includes(key)) sharedNeeds.add(key);
  }
  // The resident's own record (the self relation), contracted to centre B.
  const self = await buildResident('self', { needs: sharedNeeds });
  const residentUser = await more.residentUser('res_self', self.id);
  for (const role of ROLES) {
    const u = await db.selectFrom('app_user').select(['id', 'institution_id', 'resident_id']).where('username', '=', usernames[role]).executeTakeFirstOrThrow();
    const teams = await db.selectFrom('team_member').select('team_id').where('user_id', '=', u.id).execute();
    const h = await login(t.app, usernames[role]);
    actors.set(role, { role, userId: u.id, institutionId: u.institution_id, teamIds: teams.map((x) => x.team_id), residentId: u.resident_id, headers: { authorization: h.authorization } });
  }
  expect(actors.get('resident')!.userId).toBe(residentUser);
});
afterAll(async () => t?.close());

describe('the route table declares its access', () => {
  it('every /api route has config.access, and every route that touches resident data an example request', () => {
    const api = routeTable(t.app).filter((r) => r.url.startsWith('/api/'));
    expect(api.length).toBeGreaterThan(30);
    expect(api.filter((r) => !r.access).map((r) => `${r.method} ${r.url}`)).toEqual([]);
    expect(api.filter((r) => r.access!.kind !== 'public' && r.access!.kind !== 'session' && !r.access!.example).map((r) => `${r.method} ${r.url}`)).toEqual([]);
    // Public means no session: the declaration and the auth plugin's flag agree.
    expect(api.filter((r) => (r.access!.kind === 'public') !== r.public).map((r) => `${r.method} ${r.url}`)).toEqual([]);
  });
});

describe('access matrix: role × relation × route', () => {
  it('no unauthorised 2xx, no resident shown without a relationship, every resident shown audited with its basis', async () => {
    const started = Date.now();
    const routes = routeTable(t.app).filter((r) => r.url.startsWith('/api/') && r.access && r.access.kind !== 'public' && r.access.kind !== 'session');
    const plan = routes.map((route) => {
      const keys = keysRead(route);
      const read = route.method === 'GET' || READ_KINDS.includes(route.access!.kind);
      return { route, keys, read, perRelation: SUBJECT_KEYS.some((k) => keys.has(k)) };
    });
    const all = [...actors.values()];

    // Reads run against one shared world: a resident per relation, each with a namesake elsewhere
    // (same name, birth date and phone, no national ID) that no actor may see; the own patient also
    // with one in team A1's care (a duplicate its members see).
    const shared = new Map<Relation, Known>();
    const selfSubject = known.get(actors.get('resident')!.residentId!)!;
    for (const relation of RELATIONS) {
      const s = relation === 'self' ? selfSubject : await buildResident(relation, { terminateLater: true, needs: sharedNeeds });
      await buildResident('other_centre', { twinOf: s });
      if (relation === 'own_patient') await buildResident('own_patient', { twinOf: s, twinInCare: true });
      shared.set(relation, s);
    }
    // Termination and break-the-glass through the API, as they happen.
    const term = shared.get('after_termination')!;
    const ended = await t.app.inject({ method: 'POST', url: `/api/contracts/${term.contractId}/terminate`, headers: actors.get('gp')!.headers, payload: { reason: '迁出本区' } });
    expect(ended.statusCode).toBe(200);
    term.contractTeam = null;
    for (const relation of ['inside_break_glass', 'after_break_glass'] as const) {
      const s = shared.get(relation)!;
      for (const a of all.filter((x) => CARE_ROLES.includes(x.role))) {
        const res = await t.app.inject({ method: 'POST', url: `/api/residents/${s.id}/break-glass`, headers: a.headers, payload: { reason: '患者昏迷送来急诊，需查看既往病史' } });
        expect(res.statusCode).toBe(201);
        s.breakGlass.add(a.userId);
      }
      if (relation === 'after_break_glass') {
        await db.updateTable('break_glass').set({ expires_at: new Date(Date.now() - 60_000) }).where('resident_id', '=', s.id).execute();
        s.breakGlass.clear();
      }
    }

    for (const { route, perRelation } of plan.filter((p) => p.read)) {
      for (const a of all) {
        for (const relation of perRelation ? RELATIONS : (['any'] as const)) {
          const s = relation === 'any' ? null : shared.get(relation)!;
          for (const ex of variantsOf(route, worldFor(a, s, seq))) await runCase(route, ex, a, relation, s);
        }
      }
    }

    const readSeconds = (Date.now() - started) / 1000;
    // Writes (which may succeed) each get a resident built for the one request (built per route, in bulk).
    for (const { route, keys, perRelation } of plan.filter((p) => !p.read)) {
      const variants = variantsOf(route, worldFor(all[0]!, null, 0)).length;
      for (let v = 0; v < variants; v++) {
        const cells = all.flatMap((a) => (perRelation ? RELATIONS : (['any'] as const)).map((relation) => ({ a, relation })));
        const built = await buildResidents(cells.filter((c) => c.relation !== 'any').map((c) => ({ relation: c.relation as Relation, glassFor: [c.a], needs: keys })));
        let next = 0;
        for (const { a, relation } of cells) {
          const s = relation === 'any' ? null : built[next++]!;
          if (s && relation === 'self' && a.role === 'resident') {
            await db.updateTable('app_user').set({ resident_id: s.id }).where('id', '=', a.userId).execute();
            a.residentId = s.id;
          }
          await runCase(route, variantsOf(route, worldFor(a, s, seq))[v]!, a, relation, s);
        }
      }
    }

    const seconds = (Date.now() - started) / 1000;
    console.log(`access matrix: ${stats.cases} cases (${plan.length} routes × ${ROLES.length} roles × ${RELATIONS.length} relations where the route has a subject), ${stats.ok} 2xx, ${stats.listed} answers listing residents, ${seconds.toFixed(1)} s on ${t.database.kind} (reads ${readSeconds.toFixed(1)} s)`);
    // One line per (route, kind of fault), with the number of cases and the first of them.
    const grouped = new Map<string, { n: number; first: string }>();
    for (const x of failures) {
      const key = x.replace(/^\S+ × \S+ × /, '').replace(/ → .*$/, '').replace(UUID, '…');
      const g = grouped.get(key);
      if (g) g.n++;
      else grouped.set(key, { n: 1, first: x });
    }
    expect([...grouped.values()].map((g) => `${g.n}× ${g.first}`)).toEqual([]);
    // The examples are valid: every route answered 2xx to someone, and lists did list residents.
    expect(plan.filter((p) => !stats.byRoute.has(`${p.route.method} ${p.route.url}`)).map((p) => `${p.route.method} ${p.route.url}`)).toEqual([]);
    expect(stats.listed).toBeGreaterThan(0);
  }, 600_000);
});

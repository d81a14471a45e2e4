import { sql } from 'kysely';
import type { CareContext } from '../http/care-context.js';
import { badRequest, forbidden, notFound } from '../http/errors.js';
import { todayIso } from '../shared/dates.js';
import { addDays } from '../chronic/rules/age.js';
import { choosePool, isAllianceMember, releaseAt, reservedSlots } from './referral-rules.js';

/** Hospital specialist sessions (号源) and the reserved-quota policy: organisation data, `ctx.shared` only. */

export const DEFAULT_POLICY = { reservedShare: 0.3, releaseHours: 48 };

function requireHospitalStaff(ctx: CareContext, institutionId: string) {
  if (!['referral_coordinator', 'institution_admin'].includes(ctx.actor.role)) throw forbidden('Sessions and quotas are managed by the referral coordinator or the institution administrator');
  if (ctx.actor.institutionId !== institutionId) throw forbidden('Only for your own institution');
}

export async function getPolicy(ctx: CareContext, institutionId: string) {
  const row = await ctx.shared.selectFrom('referral_policy').select(['reserved_share', 'release_hours']).where('institution_id', '=', institutionId).executeTakeFirst();
  return { institutionId, reservedShare: row ? Number(row.reserved_share) : DEFAULT_POLICY.reservedShare, releaseHours: row?.release_hours ?? DEFAULT_POLICY.releaseHours };
}

export async function setPolicy(ctx: CareContext, institutionId: string, body: { reservedShare: number; releaseHours: number }) {
  requireHospitalStaff(ctx, institutionId);
  await ctx.shared
    .insertInto('referral_policy')
    .values({ institution_id: institutionId, reserved_share: body.reservedShare, release_hours: body.releaseHours, updated_by: ctx.actor.userId })
    .onConflict((oc) => oc.column('institution_id').doUpdateSet({ reserved_share: body.reservedShare, release_hours: body.releaseHours, updated_by: ctx.actor.userId, updated_at: sql`now()` }))
    .execute();
  await ctx.audit({ action: 'update', resource: 'referral_policy', detail: { institutionId, ...body } });
  return getPolicy(ctx, institutionId);
}

export interface NewSession {
  departmentId: string;
  doctorUserId?: string | undefined;
  clinicName?: string | undefined;
  date: string;
  startTime: string;
  endTime: string;
  capacity: number;
}

/** A session published by the hospital; its reserved share and release time come from the policy in force. */
export async function createSession(ctx: CareContext, body: NewSession) {
  const dept = await ctx.shared.selectFrom('department').select(['id', 'institution_id']).where('id', '=', body.departmentId).executeTakeFirst();
  if (!dept) throw badRequest('body.departmentId', 'is not a department');
  requireHospitalStaff(ctx, dept.institution_id);
  if (body.endTime <= body.startTime) throw badRequest('body.endTime', 'is not after startTime');
  if (body.date < todayIso()) throw badRequest('body.date', 'is in the past');
  if (body.doctorUserId) {
    const doc = await ctx.shared.selectFrom('app_user').select('institution_id').where('id', '=', body.doctorUserId).executeTakeFirst();
    if (doc?.institution_id !== dept.institution_id) throw badRequest('body.doctorUserId', 'is not a doctor of this hospital');
  }
  const policy = await getPolicy(ctx, dept.institution_id);
  // Session times are China time (UTC+8).
  const startsAt = new Date(`${body.date}T${body.startTime.length === 5 ? `${body.startTime}:00` : body.startTime}+08:00`);
  const reserved = reservedSlots(body.capacity, policy.reservedShare);
  const row = await ctx.shared
    .insertInto('specialist_session')
    .values({
      institution_id: dept.institution_id,
      department_id: dept.id,
      doctor_user_id: body.doctorUserId ?? null,
      clinic_name: body.clinicName ?? null,
      session_date: body.date,
      start_time: body.startTime,
      end_time: body.endTime,
      starts_at: startsAt,
      capacity: body.capacity,
      reserved,
      release_at: releaseAt(startsAt, policy.releaseHours),
      created_by: ctx.actor.userId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await ctx.audit({ action: 'create', resource: 'specialist_session', detail: { sessionId: row.id, departmentId: dept.id, date: body.date, capacity: body.capacity, reserved } });
  return (await listSessions(ctx, { sessionId: row.id, from: body.date, to: body.date }))[0]!;
}

export interface SessionQuery {
  institutionId?: string | undefined;
  departmentId?: string | undefined;
  specialty?: string | undefined;
  sessionId?: string | undefined;
  from: string;
  to: string;
}

/**
 * Sessions with their counts and what is bookable by the asking institution (member or not, before
 * or after release): the same rule as the booking (`choosePool`).
 */
export async function listSessions(ctx: CareContext, q: SessionQuery) {
  if (q.from > q.to) throw badRequest('querystring.from', 'is after to');
  if (addDays(q.from, 62) < q.to) throw badRequest('querystring.to', 'a listing spans at most 62 days');
  let query = ctx.shared
    .selectFrom('specialist_session as s')
    .innerJoin('department as d', 'd.id', 's.department_id')
    .innerJoin('institution as i', 'i.id', 's.institution_id')
    .leftJoin('app_user as u', 'u.id', 's.doctor_user_id')
    .select([
      's.id', 's.institution_id', 'i.name as institution_name', 'i.region_code', 's.department_id', 'd.name as department_name', 'd.specialty', 's.doctor_user_id', 'u.display_name as doctor_name',
      's.clinic_name', 's.session_date', 's.start_time', 's.end_time', 's.capacity', 's.reserved', 's.open_booked', 's.reserved_booked', 's.release_at', 's.status',
    ])
    .where('s.session_date', '>=', q.from)
    .where('s.session_date', '<=', q.to)
    .where('s.status', '=', 'open');
  if (q.sessionId) query = query.where('s.id', '=', q.sessionId);
  if (q.institutionId) query = query.where('s.institution_id', '=', q.institutionId);
  if (q.departmentId) query = query.where('s.department_id', '=', q.departmentId);
  if (q.specialty) query = query.where('d.specialty', '=', q.specialty);
  const rows = await query.orderBy('s.session_date').orderBy('s.start_time').limit(500).execute();
  const mine = ctx.actor.institutionId
    ? await ctx.shared.selectFrom('institution').select(['kind', 'region_code']).where('id', '=', ctx.actor.institutionId).executeTakeFirst()
    : undefined;
  const now = new Date();
  return rows.map((s) => {
    const member = mine ? isAllianceMember({ kind: mine.kind, regionCode: mine.region_code }, { regionCode: s.region_code }) : false;
    const counts = { capacity: s.capacity, reserved: s.reserved, openBooked: s.open_booked, reservedBooked: s.reserved_booked, releaseAt: new Date(s.release_at), now };
    const released = now >= new Date(s.release_at);
    const openLeft = s.capacity - s.reserved - s.open_booked;
    const reservedLeft = s.reserved - s.reserved_booked;
    return {
      id: s.id,
      institutionId: s.institution_id,
      institution: s.institution_name,
      departmentId: s.department_id,
      department: s.department_name,
      specialty: s.specialty,
      doctorUserId: s.doctor_user_id,
      doctor: s.doctor_name,
      clinicName: s.clinic_name,
      date: s.session_date,
      startTime: String(s.start_time).slice(0, 5),
      endTime: String(s.end_time).slice(0, 5),
      capacity: s.capacity,
      reserved: s.reserved,
      openBooked: s.open_booked,
      reservedBooked: s.reserved_booked,
      openLeft,
      reservedLeft,
      releaseAt: new Date(s.release_at).toISOString(),
      released,
      member,
      bookableByYou: choosePool({ ...counts, member, greenChannel: false }) !== null,
      bookableGreenChannel: choosePool({ ...counts, member, greenChannel: true }) !== null,
    };
  });
}

export async function departments(ctx: CareContext, institutionId: string | undefined, specialty: string | undefined) {
  let q = ctx.shared
    .selectFrom('department as d')
    .innerJoin('institution as i', 'i.id', 'd.institution_id')
    .select(['d.id', 'd.name', 'd.name_en', 'd.specialty', 'i.id as institution_id', 'i.name as institution_name', 'i.kind'])
    .where('i.kind', 'in', ['tertiary_hospital', 'secondary_hospital']);
  if (institutionId) q = q.where('i.id', '=', institutionId);
  if (specialty) q = q.where('d.specialty', '=', specialty);
  const rows = await q.orderBy('i.name').orderBy('d.name').limit(500).execute();
  if (institutionId && rows.length === 0) {
    const exists = await ctx.shared.selectFrom('institution').select('id').where('id', '=', institutionId).executeTakeFirst();
    if (!exists) throw notFound('Institution');
  }
  return rows.map((d) => ({ id: d.id, name: d.name, nameEn: d.name_en, specialty: d.specialty, institutionId: d.institution_id, institution: d.institution_name }));
}

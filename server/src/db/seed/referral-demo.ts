/**
 * The referral part of the demo district (issue 13): hospital specialist sessions for the coming three
 * weeks (30% reserved for member centres, released 48 h before), referrals of the first team's
 * hypertension patients to cardiology in every state of the workflow, and a down-referred patient
 * whose discharge calendar is in progress. Written after the district, with plain inserts.
 */
import { sql, type Kysely } from 'kysely';
import type { DB } from '../schema.js';
import { addDays } from '../../chronic/rules/age.js';
import { DISCHARGE_TEMPLATES, expandTemplate, releaseAt, reservedSlots, type ReferralStatus } from '../../referrals/referral-rules.js';
import { DEFAULT_POLICY } from '../../referrals/schedule.service.js';
import { cst } from './care-history.js';

const SESSION_DAYS = 21;

export async function seedReferralDemo(db: Kysely<DB>, today: string, excludeNames: string[]): Promise<{ sessions: number; referrals: number }> {
  const hospitals = await db.selectFrom('institution').select(['id', 'kind']).where('kind', 'in', ['tertiary_hospital', 'secondary_hospital']).execute();
  const depts = await db.selectFrom('department').select(['id', 'institution_id', 'specialty']).where('institution_id', 'in', hospitals.map((h) => h.id)).execute();
  const sessions: { id: string; department: string; date: string }[] = [];
  const rows = [];
  for (const d of depts) {
    const tertiary = hospitals.find((h) => h.id === d.institution_id)!.kind === 'tertiary_hospital';
    for (let n = 0; n < SESSION_DAYS; n++) {
      const date = addDays(today, n);
      const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
      // Weekdays, and always today and tomorrow (the green channel's window).
      if (n > 1 && (weekday === 0 || weekday === 6)) continue;
      const capacity = tertiary ? 20 : 12;
      const startsAt = new Date(`${date}T08:00:00+08:00`);
      rows.push({
        institution_id: d.institution_id,
        department_id: d.id,
        clinic_name: tertiary ? '专家门诊' : '普通门诊',
        session_date: date,
        start_time: '08:00',
        end_time: '11:30',
        starts_at: startsAt,
        capacity,
        reserved: reservedSlots(capacity, DEFAULT_POLICY.reservedShare),
        release_at: releaseAt(startsAt, DEFAULT_POLICY.releaseHours),
      });
    }
  }
  if (rows.length) {
    const inserted = await db.insertInto('specialist_session').values(rows).returning(['id', 'department_id', 'session_date']).execute();
    for (const s of inserted) sessions.push({ id: s.id, department: s.department_id, date: s.session_date });
  }

  // The first team's GP, the tertiary hospital's cardiology, coordinator and cardiologist.
  const gp = await db.selectFrom('app_user').select(['id', 'institution_id']).where('username', '=', 'gp1').executeTakeFirst();
  const coord = await db.selectFrom('app_user').select(['id', 'institution_id']).where('username', '=', 'coord1').executeTakeFirst();
  const spec = await db.selectFrom('app_user').select(['id', 'display_name']).where('username', '=', 'specialist1').executeTakeFirst();
  if (!gp?.institution_id || !coord?.institution_id || !spec) return { sessions: sessions.length, referrals: 0 };
  const cardiology = depts.find((d) => d.institution_id === coord.institution_id && d.specialty === 'cardiology');
  if (!cardiology) return { sessions: sessions.length, referrals: 0 };
  const team = await db.selectFrom('team_member').select('team_id').where('user_id', '=', gp.id).executeTakeFirstOrThrow();
  // Hypertension patients of the first centre (the first team's first), without an open referral.
  const patients = await db
    .selectFrom('programme_enrolment as pe')
    .innerJoin('contract as c', 'c.resident_id', 'pe.resident_id')
    .innerJoin('team as tm', 'tm.id', 'c.team_id')
    .innerJoin('resident as r', 'r.id', 'pe.resident_id')
    .select(['r.id', 'r.name', 'c.gp_user_id', 'c.team_id'])
    .where('pe.programme', '=', 'hypertension')
    .where('pe.status', '=', 'active')
    .where('tm.institution_id', '=', gp.institution_id)
    .where('c.status', '=', 'active')
    .where('r.name', 'not in', excludeNames.length ? excludeNames : ['—'])
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('referral as f').select('f.id').whereRef('f.resident_id', '=', 'r.id').where('f.status', 'in', ['requested', 'received', 'accepted', 'in_progress', 'on_hold']))),
    )
    .orderBy(sql`c.team_id = ${team.team_id}::uuid`, 'desc')
    .orderBy('r.created_at')
    .limit(9)
    .execute();

  const states: { status: ReferralStatus; urgency: string; path: string[]; reason?: string }[] = [
    { status: 'completed', urgency: 'routine', path: ['receive', 'accept', 'arrive', 'return_results', 'complete'] },
    { status: 'requested', urgency: 'routine', path: [] },
    { status: 'received', urgency: 'routine', path: ['receive'] },
    { status: 'accepted', urgency: 'routine', path: ['receive', 'accept'] },
    { status: 'rejected', urgency: 'routine', path: ['receive', 'reject'], reason: '非本科室诊治范围，建议转神经内科' },
    { status: 'on_hold', urgency: 'routine', path: ['accept', 'hold'], reason: '专家外出，待重新排班' },
    { status: 'in_progress', urgency: 'green_channel', path: ['accept', 'arrive'] },
    { status: 'cancelled', urgency: 'routine', path: ['cancel'], reason: '患者选择暂缓就医' },
    { status: 'failed', urgency: 'routine', path: ['accept', 'fail'], reason: '患者未按时到诊' },
  ];
  const to: Record<string, ReferralStatus> = {
    receive: 'received', accept: 'accepted', reject: 'rejected', hold: 'on_hold', arrive: 'in_progress', return_results: 'in_progress', complete: 'completed', cancel: 'cancelled', fail: 'failed',
  };
  let count = 0;
  for (const [i, p] of patients.entries()) {
    const st = states[i];
    if (!st) break;
    // The completed one was requested 16 days ago and discharged 12 days ago; the others in the last days.
    const requestedOn = st.status === 'completed' ? addDays(today, -16) : addDays(today, -Math.min(i, 3));
    const requestedAt = new Date(cst(requestedOn, 9, 10));
    const session = st.status === 'accepted' || st.status === 'in_progress' ? sessions.find((s) => s.department === cardiology.id && s.date >= today) : undefined;
    const seenAt = st.path.includes('arrive') ? new Date(requestedAt.getTime() + (st.urgency === 'green_channel' ? 3 : 20) * 3_600_000) : null;
    const ref = await db
      .insertInto('referral')
      .values({
        resident_id: p.id,
        direction: 'up',
        from_institution_id: gp.institution_id,
        to_institution_id: coord.institution_id,
        department_id: cardiology.id,
        urgency: st.urgency,
        reason: st.urgency === 'green_channel' ? '随访血压≥180/110mmHg，紧急转诊' : '连续两次随访血压控制不满意，转上级医院调整治疗方案',
        status: st.status,
        status_reason: st.reason ?? null,
        requested_by: p.gp_user_id ?? gp.id,
        requested_at: requestedAt,
        seen_at: seenAt,
        returned_at: st.path.includes('return_results') ? new Date(seenAt!.getTime() + 6 * 3_600_000) : null,
        completed_at: st.status === 'completed' ? new Date(seenAt!.getTime() + 7 * 3_600_000) : null,
        session_id: session?.id ?? null,
        findings: st.path.includes('return_results') ? '24小时动态血压均值152/94mmHg，心脏彩超未见明显异常' : null,
        diagnosis: st.path.includes('return_results') ? '原发性高血压2级（高危）' : null,
        reimbursement_pathway: 'referred',
        reimbursement_ratio: 0.7,
      })
      .returning(['id'])
      .executeTakeFirstOrThrow();
    count++;
    let at = requestedAt.getTime();
    let from: ReferralStatus = 'requested';
    await db.insertInto('referral_event').values({ referral_id: ref.id, resident_id: p.id, action: 'request', from_status: null, to_status: 'requested', actor_user_id: p.gp_user_id ?? gp.id, at: requestedAt }).execute();
    for (const action of st.path) {
      at += 2 * 3_600_000;
      const next = to[action]!;
      const actor = action === 'cancel' ? (p.gp_user_id ?? gp.id) : action === 'receive' || action === 'accept' || action === 'reject' || action === 'hold' ? coord.id : spec.id;
      await db
        .insertInto('referral_event')
        .values({ referral_id: ref.id, resident_id: p.id, action, from_status: from, to_status: next, reason: ['reject', 'hold', 'cancel', 'fail'].includes(action) ? (st.reason ?? null) : null, actor_user_id: actor, at: new Date(at) })
        .execute();
      from = next;
    }
    if (session) {
      await db.insertInto('slot_booking').values({ session_id: session.id, referral_id: ref.id, resident_id: p.id, pool: 'reserved', booked_by: gp.id }).execute();
      await db.updateTable('specialist_session').set({ reserved_booked: sql`reserved_booked + 1` }).where('id', '=', session.id).execute();
    }
    if (st.status === 'completed') await downReferral(db, { today, upId: ref.id, residentId: p.id, hospital: coord.institution_id, centre: gp.institution_id, specialistId: spec.id, teamId: p.team_id });
  }
  return { sessions: sessions.length, referrals: count };
}

/** Down-referred 12 days ago with the hypertension package: the first visit and first BP check done, the rest ahead. */
async function downReferral(db: Kysely<DB>, a: { today: string; upId: string; residentId: string; hospital: string; centre: string; specialistId: string; teamId: string }) {
  const discharge = addDays(a.today, -12);
  const pkg = {
    dischargeDate: discharge,
    diagnosis: '原发性高血压2级（高危）',
    icd10: 'I10',
    template: 'hypertension',
    medications: [
      { drugName: '氨氯地平', change: 'dose', dose: '10mg', frequency: '每日一次' },
      { drugName: '缬沙坦', change: 'start', dose: '80mg', frequency: '每日一次' },
    ],
    rehabPlan: null,
    monitoring: ['血压每日监测2周'],
    followUpPlan: '4周后社区复诊，必要时心内科门诊复查',
    warningSigns: ['剧烈头痛', '胸闷胸痛', '视物模糊'],
  };
  const down = await db
    .insertInto('referral')
    .values({
      resident_id: a.residentId,
      direction: 'down',
      from_institution_id: a.hospital,
      to_institution_id: a.centre,
      urgency: 'routine',
      reason: `下转社区：${pkg.diagnosis}`,
      status: 'accepted',
      requested_by: a.specialistId,
      requested_at: new Date(cst(discharge, 15, 0)),
      accepted_at: new Date(cst(addDays(discharge, 1), 9, 0)),
      parent_referral_id: a.upId,
      diagnosis: pkg.diagnosis,
      discharge_package: JSON.stringify(pkg),
      updated_at: new Date(cst(discharge, 15, 0)),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db.insertInto('referral_event').values([
    { referral_id: down.id, resident_id: a.residentId, action: 'request', from_status: null, to_status: 'requested', actor_user_id: a.specialistId, at: new Date(cst(discharge, 15, 0)) },
    { referral_id: down.id, resident_id: a.residentId, action: 'accept', from_status: 'requested', to_status: 'accepted', actor_user_id: null, at: new Date(cst(addDays(discharge, 1), 9, 0)) },
  ]).execute();
  const hm = await db.selectFrom('team_member').select('user_id').where('team_id', '=', a.teamId).where('team_role', '=', 'health_manager').executeTakeFirst();
  const tasks = expandTemplate(DISCHARGE_TEMPLATES.hypertension!, discharge);
  await db
    .insertInto('care_task')
    .values(
      tasks.map((t) => {
        const done = t.windowEnd < a.today && t.dueDate <= addDays(discharge, 7);
        return {
          resident_id: a.residentId,
          programme: 'referral',
          task_code: `discharge:${down.id}:${t.code}`,
          label: t.label,
          label_en: t.labelEn,
          due_date: t.dueDate,
          window_end: t.windowEnd,
          priority: t.priority,
          reason: `出院管理：${pkg.diagnosis}`,
          team_id: a.teamId,
          assignee_user_id: hm?.user_id ?? null,
          referral_id: down.id,
          status: done ? 'done' : 'open',
          done_on: done ? t.dueDate : null,
        };
      }),
    )
    .execute();
}

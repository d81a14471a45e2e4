/**
 * The demo district's central sterile supply (seed 000 article 1): the supply department of the district hospital
 * (示范区人民医院) serves the 9 community health centres with one van, one driver and one run nurse, on two routes
 * (东线 Mon/Wed/Fri, 西线 Tue/Thu), with a month of runs, loads, monitoring and one failed biological indicator and
 * its recall. Written through the module's own services (the same rules as the API); only the clock times of past
 * stops are set afterwards, so on-time delivery has history. Idempotent: skipped when the department exists.
 */
import { sql, type Kysely } from 'kysely';
import type { DB } from '../schema.js';
import type { FieldCrypto } from '../../security/field-crypto.js';
import { CareContext } from '../../http/care-context.js';
import type { Actor, Role } from '../../auth/actor.js';
import { addDays } from '../../chronic/rules/age.js';
import { todayIso } from '../../shared/dates.js';
import { isoWeekday } from '../../sterile-supply/rules/schedule.js';
import { createPackType, createSteriliser, setupDepartment } from '../../sterile-supply/catalogue.service.js';
import { countStep, createRequest, issueAtStop, planRun, putSlip, resolveDiscrepancy, tickStep, usePack } from '../../sterile-supply/loop.service.js';
import { addPacks, createBatch, recordBdTest, recordBiTest, recordResults, releaseBatch } from '../../sterile-supply/sterilisation.service.js';
import { Random } from './random.js';
import { hashPassword, unusablePasswordHash } from '../../auth/passwords.js';
import { STAFF_PASSWORD } from './district-generator.js';
import { cst } from './care-history.js';
import type { DemoLogin } from './demo-district.js';

const PASSWORD = STAFF_PASSWORD;
export const STERILE_SUPPLY_LOGINS: readonly DemoLogin[] = [
  { username: 'cssd1', password: PASSWORD, role: 'cssd_staff', description: '黄丽 消毒供应中心 · 示范区人民医院 (supply department: runs, loads, recalls)' },
  { username: 'runnurse1', password: PASSWORD, role: 'cssd_run_nurse', description: '林芳 下收下送护士 · 示范区人民医院 (run nurse: today’s run, phone view)' },
  { username: 'centrenurse1', password: PASSWORD, role: 'cssd_centre_nurse', description: '郭敏 社康护士 · 东湖街道社区卫生服务中心 (centre: requests, stock, expiry)' },
];

const PACKS = [
  { code: 'HYB', name: '换药包', material: 'textile', lowUse: false, perDay: 6, contents: [['弯盘', '20cm', 1], ['镊子', '14cm', 2], ['治疗碗', '', 1]] },
  { code: 'FHB', name: '缝合包', material: 'nonwoven', lowUse: false, perDay: 4, contents: [['持针器', '16cm', 1], ['线剪', '14cm', 1], ['有齿镊', '12.5cm', 1]] },
  { code: 'QCB', name: '清创包', material: 'crepe_paper', lowUse: false, perDay: 2, contents: [['止血钳', '14cm 直', 2], ['组织剪', '16cm', 1]] },
  { code: 'JMQK', name: '静脉切开包', material: 'paper_plastic', lowUse: true, perDay: 1, contents: [['手术刀柄', '4#', 1], ['止血钳', '12.5cm 弯', 2]] },
  { code: 'QGQK', name: '气管切开包', material: 'paper_plastic', lowUse: true, perDay: 1, contents: [['气管拉钩', '', 2], ['止血钳', '14cm 弯', 4]] },
  { code: 'XCB', name: '胸穿包', material: 'paper_plastic', lowUse: true, perDay: 1, contents: [['胸穿针', '16G', 1], ['弯盘', '20cm', 1]] },
] as const;

function actor(u: { id: string; username: string; role: string; institution_id: string | null; display_name: string }): Actor {
  return { userId: u.id, username: u.username, role: u.role as Role, displayName: u.display_name, institutionId: u.institution_id, residentId: null, teamIds: [], sessionId: 'seed' };
}

export async function seedSterileSupply(db: Kysely<DB>, crypto: FieldCrypto, opts: { today?: string | undefined; password: string; log?: (m: string) => void }): Promise<boolean> {
  const hospital = await db.selectFrom('institution').select(['id']).where('code', '=', '330106H002').executeTakeFirst();
  if (!hospital) return false;
  if (await db.selectFrom('ss_department').select('id').where('institution_id', '=', hospital.id).executeTakeFirst()) return false;
  const started = Date.now();
  const today = opts.today ?? todayIso();
  const rng = new Random(17);
  const centres = await db.selectFrom('institution').select(['id', 'name', 'code']).where('kind', '=', 'community_health_centre').orderBy('code').execute();
  const admin = await db.selectFrom('app_user').selectAll().where('institution_id', '=', hospital.id).where('role', '=', 'institution_admin').executeTakeFirstOrThrow();
  // Each demo log-in gets its own hash; the other generated nurses have no usable password.
  const demoLogins = new Set(['cssd1', 'runnurse1', 'centrenurse1']);
  const newUser = async (username: string, role: Role, displayName: string, institutionId: string) =>
    db
      .insertInto('app_user')
      .values({ username, role, display_name: displayName, institution_id: institutionId, password_hash: demoLogins.has(username) ? await hashPassword(opts.password) : unusablePasswordHash() })
      .returning(['id', 'username', 'role', 'institution_id', 'display_name'])
      .executeTakeFirstOrThrow();
  const staffU = await newUser('cssd1', 'cssd_staff', '黄丽', hospital.id);
  const nurseU = await newUser('runnurse1', 'cssd_run_nurse', '林芳', hospital.id);
  const centreNurses: Awaited<ReturnType<typeof newUser>>[] = [];
  for (const [i, c] of centres.entries()) {
    centreNurses.push(await newUser(i === 0 ? 'centrenurse1' : `c${i + 1}_cssd_nurse`, 'cssd_centre_nurse', i === 0 ? '郭敏' : `${c.name.slice(0, 2)}社康护士`, c.id));
  }
  const ctx = (u: Parameters<typeof actor>[0]) => new CareContext(db, actor(u), '127.0.0.1', crypto);
  const staff = ctx(staffU);
  const nurse = ctx(nurseU);

  // Routes: 东线 the first five centres (Mon/Wed/Fri), 西线 the other four (Tue/Thu); 08:30 then every 40 min.
  await setupDepartment(ctx(admin), {
    name: '示范区人民医院消毒供应中心',
    storeControlled: true,
    centres: centres.map((c, i) => {
      const east = i < 5;
      const order = east ? i + 1 : i - 4;
      const minutes = 8 * 60 + 30 + (order - 1) * 40;
      return {
        centreId: c.id,
        routeName: east ? '东线' : '西线',
        stopOrder: order,
        plannedTime: `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`,
        runWeekdays: east ? [1, 3, 5] : [2, 4],
      };
    }),
  });
  const types: Record<string, string> = {};
  for (const p of PACKS) {
    types[p.code] = (
      await createPackType(staff, {
        code: p.code,
        name: p.name,
        contents: p.contents.map(([name, spec, quantity]) => ({ name, spec, quantity })),
        material: p.material,
        method: 'steam_prevacuum',
        lowUse: p.lowUse,
        highRisk: true,
        implant: false,
      })
    ).id;
  }
  const p1 = (await createSteriliser(staff, { code: 'P1', name: '脉动真空压力蒸汽灭菌器 1号', method: 'steam_prevacuum' })).id;
  const p2 = (await createSteriliser(staff, { code: 'P2', name: '脉动真空压力蒸汽灭菌器 2号', method: 'steam_prevacuum' })).id;

  const load = async (steriliserId: string, on: string, packs: [string, number][]) => {
    const b = await createBatch(staff, { steriliserId, sterilisedOn: on });
    const labels: string[] = [];
    for (const [code, n] of packs) if (n > 0) labels.push(...(await addPacks(staff, b.id, { packTypeId: types[code]!, quantity: n })).labels);
    await recordResults(staff, b.id, {
      temperatureC: 134,
      pressureKpa: 210,
      exposureMinutes: 4,
      physicalPass: true,
      chemical: labels.map((label) => ({ label, external: 'pass' as const, internal: 'pass' as const })),
    });
    return b.id;
  };

  const first = addDays(today, -30);
  const failDay = addDays(today, -12);
  let recallDone = false;
  for (let d = first; d < today; d = addDays(d, 1)) {
    const wd = isoWeekday(d);
    if (wd === 7) continue;
    for (const s of [p1, p2]) await recordBdTest(staff, { steriliserId: s, testedOn: d, result: 'pass' });
    // Loads: P1 standard packs twice a day, P2 low-use paper-plastic packs once.
    const a = await load(p1, d, [['HYB', 3 + rng.int(0, 2)], ['FHB', 2 + rng.int(0, 1)], ['QCB', 1]]);
    const b = await load(p1, d, [['HYB', 2 + rng.int(0, 2)], ['FHB', 1 + rng.int(0, 1)], ['QCB', rng.int(0, 1)]]);
    const c = await load(p2, d, [['JMQK', 1], ['QGQK', 1], ['XCB', 1], ['HYB', 2]]);
    // Routine biological indicators: weekly (Mondays) on each steriliser; on the failure day P2's fails.
    if (wd === 1 || d === first) {
      await recordBiTest(staff, { batchId: a, result: 'pass', readOn: d });
      await recordBiTest(staff, { batchId: c, result: 'pass', readOn: d });
    }
    if (d >= failDay && !recallDone && wd !== 1) {
      // P2 failed: a week of its packs recalled; three passing test cycles return it to service.
      await recordBiTest(staff, { batchId: c, result: 'fail', readOn: d });
      for (let i = 0; i < 3; i++) {
        const tc = await createBatch(staff, { steriliserId: p2, sterilisedOn: d, testCycle: true });
        await recordResults(staff, tc.id, { temperatureC: 134, pressureKpa: 210, exposureMinutes: 4, physicalPass: true, chemical: [] });
        await recordBiTest(staff, { batchId: tc.id, result: 'pass', readOn: d });
      }
      recallDone = true;
    }
    for (const id of [a, b, c]) {
      const ok = await db.selectFrom('ss_bi_test').select('id').where('batch_id', '=', id).where('result', '=', 'fail').executeTakeFirst();
      if (!ok) await releaseBatch(staff, id);
    }

    // The day's run: one van, one route.
    const route = wd === 2 || wd === 4 ? '西线' : '东线';
    if (wd === 6) continue;
    await runDay(d, route, false);
  }
  // Today's run is planned and loaded, not yet worked (the run nurse's phone view); plus tomorrow's requests.
  const todayRoute = isoWeekday(today) === 2 || isoWeekday(today) === 4 ? '西线' : '东线';
  const todayCentres = isoWeekday(today) >= 6 ? centres.slice(0, 5).map((c) => c.id) : undefined;
  await runDay(today, todayRoute, true, todayCentres);
  for (const [i, c] of centres.entries()) {
    if (i % 3 !== 0) continue;
    await createRequest(ctx(centreNurses[i]!), { packTypeId: types.JMQK!, quantity: 1, neededOn: addDays(today, 2) });
    void c;
  }
  opts.log?.(`demo: sterile supply department, ${centres.length} centres, a month of runs (${Date.now() - started} ms)`);
  return true;

  async function runDay(d: string, route: string, planOnly: boolean, centreIds?: string[]) {
    const run = await planRun(staff, { runDate: d, routeName: route, driverName: '张师傅', nurseUserId: nurseU.id, centreIds });
    const stops = await db
      .selectFrom('ss_stop as s')
      .innerJoin('ss_centre as c', 'c.centre_id', 's.centre_id')
      .select(['s.id', 's.centre_id', 's.planned_time'])
      .where('s.run_id', '=', run.id)
      .orderBy('s.stop_order')
      .execute();
    for (const s of stops) {
      const ci = centres.findIndex((c) => c.id === s.centre_id);
      const cn = ctx(centreNurses[ci]!);
      const reprocess = rng.chance(0.5) ? [{ kind: 'reprocess' as const, name: '弯盘', spec: '20cm', quantity: 1 + rng.int(0, 2) }] : [];
      const used = [
        { kind: 'used' as const, name: '止血钳', spec: '14cm 直', quantity: 2 + rng.int(0, 4) },
        { kind: 'used' as const, name: '镊子', spec: '14cm', quantity: 2 + rng.int(0, 3) },
      ];
      await putSlip(cn, s.id, [...reprocess, ...used]);
      if (planOnly) {
        if (d >= today) await createRequest(cn, { packTypeId: types.HYB!, quantity: 2, neededOn: d });
        continue;
      }
      const short = rng.chance(0.08);
      await tickStep(nurse, s.id, 'gloves_on');
      await countStep(nurse, s.id, { kind: 'reprocess', lines: reprocess.map((l) => ({ name: l.name, spec: l.spec, quantity: l.quantity })) });
      await tickStep(nurse, s.id, 'reprocess_boxed');
      await countStep(nurse, s.id, { kind: 'used', lines: used.map((l, i) => ({ name: l.name, spec: l.spec, quantity: short && i === 0 ? l.quantity - 1 : l.quantity })) });
      for (const step of ['used_boxed', 'gloves_off', 'hand_hygiene'] as const) await tickStep(nurse, s.id, step);
      const items = [];
      for (const [code, n] of [['HYB', 1 + rng.int(0, 1)], ['FHB', rng.int(0, 1)], ['QCB', rng.chance(0.3) ? 1 : 0], ['JMQK', rng.chance(0.15) ? 1 : 0]] as const) {
        if (n === 0) continue;
        const available = await db
          .selectFrom('ss_pack as p')
          .innerJoin('ss_batch as b', 'b.id', 'p.batch_id')
          .select(sql<number>`count(*)::int`.as('n'))
          .where('p.pack_type_id', '=', types[code]!)
          .where('p.status', '=', 'in_store')
          .where('b.status', '=', 'released')
          .where('p.expires_on', '>=', d)
          .where('p.sterilised_on', '<=', d)
          .executeTakeFirstOrThrow();
        if (available.n >= n) items.push({ packTypeId: types[code]!, quantity: n, indicatorColour: 'pass' as const });
      }
      if (items.length === 0) continue;
      const issued = await issueAtStop(nurse, s.id, items);
      // Centres open most of what they received (one through the service, the rest in one statement).
      const opened = issued.issued.filter(() => rng.chance(0.6));
      if (opened[0]) await usePack(cn, opened[0], { usedOn: d });
      if (opened.length > 1) {
        const usedOn = addDays(d, Math.min(rng.int(0, 3), Math.max(0, daysTo(d, today) - 1)));
        await db
          .updateTable('ss_pack')
          .set({ status: 'used', used_on: usedOn, used_by: centreNurses[ci]!.id })
          .where('label', 'in', opened.slice(1))
          .where('status', '=', 'issued')
          .where('expires_on', '>=', usedOn)
          .execute();
      }
      if (short && rng.chance(0.6)) await resolveDiscrepancy(staff, s.id, '社康中心确认器械遗失一把，已登记');
      // The clock times of the past stop: around the planned time (some late).
      const [h, m] = s.planned_time.split(':').map(Number) as [number, number];
      const at = h * 60 + m + rng.int(-15, rng.chance(0.12) ? 70 : 25);
      await db
        .updateTable('ss_stop')
        .set({ issued_at: new Date(cst(d, Math.floor(at / 60), at % 60)) })
        .where('id', '=', s.id)
        .execute();
      await db
        .updateTable('ss_stop_event')
        .set({ done_at: sql<Date>`${new Date(cst(d, Math.floor(at / 60), at % 60))}::timestamptz - (8 - step_no) * interval '2 minutes'` })
        .where('stop_id', '=', s.id)
        .execute();
    }
  }
}

function daysTo(from: string, to: string): number {
  return Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);
}

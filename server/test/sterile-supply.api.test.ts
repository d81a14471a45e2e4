import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './support/test-app.js';
import { createFixture, login, PASSWORD } from './support/fixture.js';
import { hashPassword } from '../src/auth/passwords.js';
import type { Role } from '../src/auth/actor.js';

/**
 * The sterile supply loop through the HTTP API (seed 000 article 1; WS 310-2016 where the seed is silent). Dates are
 * fixed in 2024 so the expected expiry and schedule dates are the seed's and the calendar's, not computed here.
 */
let t: TestApp;
let f: Awaited<ReturnType<typeof createFixture>>;
type Who = { authorization: string; cookie: string };
const as: Record<string, Who> = {};
const ids: Record<string, string> = {};

async function call(method: 'GET' | 'POST' | 'PUT', url: string, who: Who, payload?: unknown) {
  return t.app.inject({ method, url: `/api/sterile-supply${url}`, headers: who, ...(payload === undefined ? {} : { payload: payload as object }) });
}
async function ok<T = Record<string, unknown>>(method: 'GET' | 'POST' | 'PUT', url: string, who: Who, payload?: unknown): Promise<T> {
  const res = await call(method, url, who, payload);
  if (res.statusCode >= 300) throw new Error(`${method} ${url} → ${res.statusCode} ${res.body}`);
  return res.json() as T;
}

async function addUser(username: string, role: Role, institutionId: string) {
  const row = await f.db
    .insertInto('app_user')
    .values({ username, role, display_name: username, institution_id: institutionId, password_hash: await hashPassword(PASSWORD) })
    .returning('id')
    .executeTakeFirstOrThrow();
  ids[username] = row.id;
  as[username] = await login(t.app, username);
}

interface RunOut {
  id: string;
  stops: { id: string; centreId: string; progress: number; nextStep: string | null; collectionStatus: string; counted: unknown[]; issued: { label: string }[] }[];
}
const stopOf = async (runId: string, centreId: string) => (await ok<RunOut>('GET', `/runs/${runId}`, as.staff!)).stops.find((s) => s.centreId === centreId)!;

/** Works a stop up to hand hygiene, in the seed's order. */
async function collect(stopId: string, nurse: Who, used: { name: string; spec: string; quantity: number }[] = []) {
  await ok('POST', `/stops/${stopId}/steps`, nurse, { step: 'gloves_on' });
  await ok('POST', `/stops/${stopId}/count`, nurse, { kind: 'reprocess', lines: [] });
  await ok('POST', `/stops/${stopId}/steps`, nurse, { step: 'reprocess_boxed' });
  await ok('POST', `/stops/${stopId}/count`, nurse, { kind: 'used', lines: used });
  await ok('POST', `/stops/${stopId}/steps`, nurse, { step: 'used_boxed' });
  await ok('POST', `/stops/${stopId}/steps`, nurse, { step: 'gloves_off' });
  await ok('POST', `/stops/${stopId}/steps`, nurse, { step: 'hand_hygiene' });
}

/** A released load of `n` packs of a kind; the chemical indicator is recorded for all but `withoutIndicator` packs. */
async function releasedLoad(steriliserId: string, on: string, packTypeId: string, n: number, opts: { withoutIndicator?: number; bi?: 'pass' | 'fail' } = {}) {
  const batch = await ok<{ id: string; batchNo: string }>('POST', '/batches', as.staff!, { steriliserId, sterilisedOn: on });
  const { labels, expiresOn } = await ok<{ labels: string[]; expiresOn: string }>('POST', `/batches/${batch.id}/packs`, as.staff!, { packTypeId, quantity: n });
  const withIndicator = labels.slice(0, labels.length - (opts.withoutIndicator ?? 0));
  await ok('POST', `/batches/${batch.id}/results`, as.staff!, {
    temperatureC: 134,
    pressureKpa: 210,
    exposureMinutes: 4,
    physicalPass: true,
    chemical: withIndicator.map((label) => ({ label, external: 'pass', internal: 'pass' })),
  });
  await ok('POST', `/batches/${batch.id}/release`, as.staff!);
  return { batchId: batch.id, batchNo: batch.batchNo, labels, expiresOn };
}

async function packStatus(label: string) {
  return (await f.db.selectFrom('ss_pack').select(['status', 'issued_centre_id']).where('label', '=', label).executeTakeFirstOrThrow());
}

beforeAll(async () => {
  t = await createTestApp();
  f = await createFixture(t.app);
  const { centreA, centreB, hospital } = f.institutions;
  await addUser('hosp_admin', 'institution_admin', hospital);
  await addUser('staff', 'cssd_staff', hospital);
  await addUser('run1', 'cssd_run_nurse', hospital);
  await addUser('run2', 'cssd_run_nurse', hospital);
  await addUser('cn_a', 'cssd_centre_nurse', centreA);
  await addUser('cn_b', 'cssd_centre_nurse', centreB);
  await ok('PUT', '/department', as.hosp_admin!, {
    name: '消毒供应中心',
    storeControlled: true,
    centres: [
      { centreId: centreA, routeName: '东线', stopOrder: 1, plannedTime: '08:30', runWeekdays: [1, 4] },
      { centreId: centreB, routeName: '东线', stopOrder: 2, plannedTime: '09:30', runWeekdays: [1, 4] },
    ],
  });
  ids.venous = (await ok<{ id: string }>('POST', '/pack-types', as.staff!, {
    code: 'JMQK',
    name: '静脉切开包',
    contents: [{ name: '手术刀柄', spec: '4#', quantity: 1 }, { name: '止血钳', spec: '12.5cm 弯', quantity: 2 }],
    material: 'paper_plastic',
    method: 'steam_prevacuum',
    lowUse: true,
  })).id;
  ids.dressing = (await ok<{ id: string }>('POST', '/pack-types', as.staff!, { code: 'HYB', name: '换药包', material: 'textile', method: 'steam_gravity' })).id;
  ids.s1 = (await ok<{ id: string }>('POST', '/sterilisers', as.staff!, { code: 'P1', name: '脉动真空灭菌器1号', method: 'steam_prevacuum' })).id;
  ids.s2 = (await ok<{ id: string }>('POST', '/sterilisers', as.staff!, { code: 'G1', name: '下排气灭菌器1号', method: 'steam_gravity' })).id;
}, 120_000);
afterAll(async () => t?.close());

describe('roles and scoping', () => {
  it('keeps clinical and other roles out, and centre nurses to their centre', async () => {
    const gp = await login(t.app, 'gp_a');
    expect((await call('GET', '/department', gp)).statusCode).toBe(403);
    expect((await call('POST', '/pack-types', as.cn_a!, { code: 'X', name: 'X', material: 'textile', method: 'steam_gravity' })).statusCode).toBe(403);
    const dept = await ok<{ centres: unknown[]; scope: { centreId: string } }>('GET', '/department', as.cn_a!);
    expect(dept.scope.centreId).toBe(f.institutions.centreA);
    expect((await call('GET', `/stock/centre?centreId=${f.institutions.centreB}`, as.cn_a!)).statusCode).toBe(403);
  });

  it('validates input and names the field', async () => {
    const res = await call('POST', '/pack-types', as.staff!, { code: 'Y', name: '缝合包', material: 'glass', method: 'steam_gravity' });
    expect(res.statusCode).toBe(400);
    expect(res.json().issues[0].field).toBe('body.material');
    const bd = await call('POST', '/bd-tests', as.staff!, { steriliserId: ids.s2, result: 'pass' });
    expect(bd.statusCode).toBe(400);
    expect(bd.json().issues[0].field).toBe('body.steriliserId');
  });
});

describe('validity, indicators and the stop order', () => {
  let load: Awaited<ReturnType<typeof releasedLoad>>;

  it('needs the day’s B-D test before the first pre-vacuum load', async () => {
    const res = await call('POST', '/batches', as.staff!, { steriliserId: ids.s1, sterilisedOn: '2024-01-15' });
    expect(res.statusCode).toBe(422);
    expect(res.json().issues[0].field).toBe('steriliserId');
    await ok('POST', '/bd-tests', as.staff!, { steriliserId: ids.s1, testedOn: '2024-01-15', result: 'pass' });
  });

  it('labels a paper-plastic pack sterilised on 2024-01-15 to expire on 2024-07-15', async () => {
    load = await releasedLoad(ids.s1!, '2024-01-15', ids.venous!, 3, { withoutIndicator: 1 });
    expect(load.expiresOn).toBe('2024-07-15');
    expect(load.labels).toHaveLength(3);
    const trace = await ok<{ pack: { expiresOn: string; material: string } }>('GET', `/trace/${load.labels[0]}`, as.staff!);
    expect(trace.pack).toMatchObject({ expiresOn: '2024-07-15', material: 'paper_plastic' });
  });

  it('refuses issue before collection at the same stop, then works the stop in order', async () => {
    const run = await ok<{ id: string }>('POST', '/runs', as.staff!, { runDate: '2024-07-15', routeName: '东线', driverName: '王师傅', nurseUserId: ids.run1 });
    ids.runJul15 = run.id;
    const stop = await stopOf(run.id, f.institutions.centreA);
    ids.stopA15 = stop.id;
    const early = await call('POST', `/stops/${stop.id}/issue`, as.run1!, { items: [{ label: load.labels[0], indicatorColour: 'pass' }] });
    expect(early.statusCode).toBe(409);
    expect(early.json().error).toBe('collect_first');
    expect((await packStatus(load.labels[0]!)).status).toBe('in_store');
    // Steps cannot be skipped either: counting before gloves on is refused.
    const skipped = await call('POST', `/stops/${stop.id}/count`, as.run1!, { kind: 'reprocess', lines: [] });
    expect(skipped.statusCode).toBe(409);
    expect(skipped.json().error).toBe('step_out_of_order');
  });

  it('keeps a collection that differs from the 换物单 as a discrepancy until resolved', async () => {
    await ok('PUT', `/stops/${ids.stopA15}/slip`, as.cn_a!, {
      lines: [
        { kind: 'reprocess', name: '弯盘', spec: '20cm', quantity: 2 },
        { kind: 'used', name: '止血钳', spec: '14cm 直', quantity: 6 },
      ],
    });
    const nurse = as.run1!;
    await ok('POST', `/stops/${ids.stopA15}/steps`, nurse, { step: 'gloves_on' });
    const c1 = await ok<{ discrepancy: boolean; scheduled: { scheduledOn: string }[] }>('POST', `/stops/${ids.stopA15}/count`, nurse, { kind: 'reprocess', lines: [{ name: '弯盘', spec: '20cm', quantity: 2 }] });
    expect(c1.discrepancy).toBe(false);
    await ok('POST', `/stops/${ids.stopA15}/steps`, nurse, { step: 'reprocess_boxed' });
    const c2 = await ok<{ discrepancy: boolean }>('POST', `/stops/${ids.stopA15}/count`, nurse, { kind: 'used', lines: [{ name: '止血钳', spec: '14cm 直', quantity: 5 }] });
    expect(c2.discrepancy).toBe(true);
    for (const step of ['used_boxed', 'gloves_off', 'hand_hygiene']) await ok('POST', `/stops/${ids.stopA15}/steps`, nurse, { step });
    expect((await stopOf(ids.runJul15!, f.institutions.centreA)).collectionStatus).toBe('discrepancy');
  });

  it('refuses a pack without a passing indicator, naming the field, and changes nothing', async () => {
    const res = await call('POST', `/stops/${ids.stopA15}/issue`, as.run1!, { items: [{ label: load.labels[2], indicatorColour: 'pass' }] });
    expect(res.statusCode).toBe(422);
    expect(res.json().issues.map((i: { field: string }) => i.field)).toEqual(['items.0.chemicalIndicator']);
    expect((await packStatus(load.labels[2]!)).status).toBe('in_store');
    expect((await stopOf(ids.runJul15!, f.institutions.centreA)).progress).toBe(7);
    // The nurse's own check of the tape colour is a field of the request.
    const tape = await call('POST', `/stops/${ids.stopA15}/issue`, as.run1!, { items: [{ label: load.labels[0], indicatorColour: 'fail' }] });
    expect(tape.statusCode).toBe(400);
    expect(tape.json().issues[0].field).toBe('body.items.0.indicatorColour');
  });

  it('issues on the expiry date; the discrepancy stays after issue until the department resolves it', async () => {
    const out = await ok<{ issued: string[] }>('POST', `/stops/${ids.stopA15}/issue`, as.run1!, { items: [{ label: load.labels[0], indicatorColour: 'pass' }] });
    expect(out.issued).toEqual([load.labels[0]]);
    const stop = await stopOf(ids.runJul15!, f.institutions.centreA);
    expect(stop).toMatchObject({ progress: 8, nextStep: null, collectionStatus: 'discrepancy' });
    expect((await call('POST', `/stops/${ids.stopA15}/resolve`, as.run1!, { note: '少1把, 社康中心确认遗失' })).statusCode).toBe(403);
    await ok('POST', `/stops/${ids.stopA15}/resolve`, as.staff!, { note: '少1把, 社康中心确认遗失' });
    expect((await stopOf(ids.runJul15!, f.institutions.centreA)).collectionStatus).toBe('resolved');
  });

  it('cannot issue the paper-plastic pack after 2024-07-15', async () => {
    const run = await ok<{ id: string }>('POST', '/runs', as.staff!, { runDate: '2024-07-16', routeName: '东线', driverName: '王师傅', nurseUserId: ids.run1, centreIds: [f.institutions.centreB] });
    const stop = await stopOf(run.id, f.institutions.centreB);
    await collect(stop.id, as.run1!);
    const res = await call('POST', `/stops/${stop.id}/issue`, as.run1!, { items: [{ label: load.labels[1], indicatorColour: 'pass' }] });
    expect(res.statusCode).toBe(422);
    expect(res.json().issues.map((i: { field: string }) => i.field)).toEqual(['items.0.expiresOn']);
    expect((await packStatus(load.labels[1]!)).status).toBe('in_store');
    // By kind, nothing issuable is left either: the expired pack is not handed out.
    const byKind = await call('POST', `/stops/${stop.id}/issue`, as.run1!, { items: [{ packTypeId: ids.venous, quantity: 1, indicatorColour: 'pass' }] });
    expect(byKind.statusCode).toBe(409);
  });

  it('the database itself refuses an expired or unindicated issue (CHECK ss_pack_issuable)', async () => {
    await expect(
      f.db.updateTable('ss_pack').set({ issued_on: '2024-07-16' }).where('label', '=', load.labels[1]!).execute(),
    ).rejects.toThrow(/ss_pack_issuable/);
    await expect(
      f.db.updateTable('ss_pack').set({ issued_on: '2024-02-01' }).where('label', '=', load.labels[2]!).execute(),
    ).rejects.toThrow(/ss_pack_issuable/);
  });
});

describe('代消毒 items are scheduled for the day before the centre’s next run', () => {
  it('D−1 of the next run on the route’s weekdays, and of a run planned sooner', async () => {
    // Collected at centre A on Monday 2024-07-15; A runs on Mondays and Thursdays → next run Thursday 07-18.
    const items = await ok<{ items: { centreId: string; name: string; collectedOn: string; nextRunOn: string; scheduledOn: string }[] }>('GET', '/reprocess-items?status=pending', as.staff!);
    const item = items.items.find((i) => i.centreId === f.institutions.centreA && i.name === '弯盘')!;
    expect(item).toMatchObject({ collectedOn: '2024-07-15', nextRunOn: '2024-07-18', scheduledOn: '2024-07-17' });
    // A run for A planned on Wednesday 07-17 moves it to Tuesday 07-16.
    await ok('POST', '/runs', as.staff!, { runDate: '2024-07-17', routeName: '东线', driverName: '王师傅', nurseUserId: ids.run2, centreIds: [f.institutions.centreA] });
    const again = await ok<{ items: { id: string; nextRunOn: string; scheduledOn: string }[] }>('GET', `/reprocess-items?centreId=${f.institutions.centreA}`, as.staff!);
    expect(again.items.find((i) => i.id === (item as unknown as { id: string }).id)).toMatchObject({ nextRunOn: '2024-07-17', scheduledOn: '2024-07-16' });
  });

  it('the database refuses any other schedule', async () => {
    await expect(f.db.updateTable('ss_reprocess_item').set({ scheduled_on: '2024-07-15' }).where('centre_id', '=', f.institutions.centreA).execute()).rejects.toThrow(/check/i);
  });

  it('a low-use pack must be called in a day ahead', async () => {
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const res = await call('POST', '/requests', as.cn_a!, { packTypeId: ids.venous, quantity: 1, neededOn: today });
    expect(res.statusCode).toBe(400);
    expect(res.json().issues[0].field).toBe('body.neededOn');
    expect((await call('POST', '/requests', as.cn_a!, { packTypeId: ids.dressing, quantity: 2, neededOn: today })).statusCode).toBe(201);
  });
});

describe('a failed biological indicator', () => {
  const L = {} as Record<'before' | 'pass' | 'issued' | 'store' | 'failed', Awaited<ReturnType<typeof releasedLoad>>>;
  let recallId = '';

  it('recalls every unused pack since the last passing indicator, and blocks the steriliser', async () => {
    // G1 (gravity): loads on 06-30 (before the pass), 07-01 (BI pass), 07-02 (issued to A and B), 07-03 (store), 07-04 (BI fails).
    L.before = await releasedLoad(ids.s2!, '2024-06-30', ids.dressing!, 1);
    L.pass = await releasedLoad(ids.s2!, '2024-07-01', ids.dressing!, 1);
    await ok('POST', '/bi-tests', as.staff!, { batchId: L.pass.batchId, result: 'pass', readOn: '2024-07-02' });
    L.issued = await releasedLoad(ids.s2!, '2024-07-02', ids.dressing!, 4);
    L.store = await releasedLoad(ids.s2!, '2024-07-03', ids.dressing!, 1);
    const runA = await ok<{ id: string }>('POST', '/runs', as.staff!, { runDate: '2024-07-04', routeName: '东线', driverName: '王师傅', nurseUserId: ids.run1 });
    ids.runJul4 = runA.id;
    const stopA = await stopOf(runA.id, f.institutions.centreA);
    const stopB = await stopOf(runA.id, f.institutions.centreB);
    await collect(stopA.id, as.run1!);
    await ok('POST', `/stops/${stopA.id}/issue`, as.run1!, { items: [{ label: L.issued.labels[0], indicatorColour: 'pass' }, { label: L.issued.labels[1], indicatorColour: 'pass' }] });
    await collect(stopB.id, as.run1!);
    await ok('POST', `/stops/${stopB.id}/issue`, as.run1!, { items: [{ label: L.issued.labels[2], indicatorColour: 'pass' }] });
    // Centre A opens one of its two packs (for an encounter, by id only): used, so not recalled.
    const encounterId = '7f3e2a70-1b1c-4c55-9a55-1a2b3c4d5e6f';
    await ok('POST', `/packs/${L.issued.labels[0]}/use`, as.cn_a!, { usedOn: '2024-07-04', encounterId });
    L.failed = await releasedLoad(ids.s2!, '2024-07-04', ids.dressing!, 1);

    const bi = await ok<{ steriliserStatus: string; recall: { id: string; packs: number } }>('POST', '/bi-tests', as.staff!, { batchId: L.failed.batchId, result: 'fail', readOn: '2024-07-05' });
    expect(bi.steriliserStatus).toBe('blocked');
    recallId = bi.recall.id;
    const expected = [L.issued.labels[1], L.issued.labels[2], L.issued.labels[3], L.store.labels[0], L.failed.labels[0]].sort();
    const recall = await ok<{ holders: { centreId: string | null; packs: { label: string }[] }[]; lastPassBatchNo: string }>('GET', `/recalls/${recallId}`, as.staff!);
    expect(recall.holders.flatMap((h) => h.packs.map((p) => p.label)).sort()).toEqual(expected);
    expect(bi.recall.packs).toBe(expected.length);
    expect(recall.lastPassBatchNo).toBe(L.pass.batchNo);
    for (const label of [L.before.labels[0]!, L.pass.labels[0]!, L.issued.labels[0]!]) expect((await packStatus(label)).status).not.toBe('recalled');
    // The pre-vacuum steriliser's packs are another steriliser's: untouched.
    expect((await packStatus((await f.db.selectFrom('ss_pack').select('label').where('name', '=', '静脉切开包').executeTakeFirstOrThrow()).label)).status).not.toBe('recalled');
  });

  it('the steriliser takes no load until 3 consecutive passes', async () => {
    const blocked = await call('POST', '/batches', as.staff!, { steriliserId: ids.s2, sterilisedOn: '2024-07-05' });
    expect(blocked.statusCode).toBe(409);
    expect(blocked.json().error).toBe('steriliser_blocked');
    const testCycle = async (result: 'pass' | 'fail') => {
      const b = await ok<{ id: string }>('POST', '/batches', as.staff!, { steriliserId: ids.s2, sterilisedOn: '2024-07-05', testCycle: true });
      await ok('POST', `/batches/${b.id}/results`, as.staff!, { temperatureC: 121, pressureKpa: 105, exposureMinutes: 30, physicalPass: true, chemical: [] });
      return ok<{ steriliserStatus: string; recall: unknown }>('POST', '/bi-tests', as.staff!, { batchId: b.id, result, readOn: '2024-07-06' });
    };
    expect((await testCycle('pass')).steriliserStatus).toBe('blocked');
    expect((await testCycle('pass')).steriliserStatus).toBe('blocked');
    expect((await testCycle('pass')).steriliserStatus).toBe('in_service');
    expect((await call('POST', '/batches', as.staff!, { steriliserId: ids.s2, sterilisedOn: '2024-07-06' })).statusCode).toBe(201);
  });

  it('a recalled pack cannot be issued or used', async () => {
    const use = await call('POST', `/packs/${L.issued.labels[1]}/use`, as.cn_a!, { usedOn: '2024-07-05' });
    expect(use.statusCode).toBe(409);
    expect(use.json().error).toBe('recalled');
  });

  it('traces a label to its load, steriliser, monitoring and centre', async () => {
    const tr = await ok<{
      pack: { label: string; packer: string; name: string; status: string };
      batch: { batchNo: string; physicalPass: boolean; temperatureC: number };
      steriliser: { code: string };
      monitoring: { biological: { result: string }[]; bowieDick: unknown[] };
      issue: { centreId: string; centreName: string; runDate: string; nurse: string };
      use: { encounterId: string } | null;
      recall: { id: string; priorStatus: string } | null;
    }>('GET', `/trace/${L.issued.labels[1]}`, as.staff!);
    expect(tr.pack).toMatchObject({ label: L.issued.labels[1], packer: 'staff', name: '换药包', status: 'recalled' });
    expect(tr.batch).toMatchObject({ batchNo: L.issued.batchNo, physicalPass: true, temperatureC: 134 });
    expect(tr.steriliser.code).toBe('G1');
    expect(tr.issue).toMatchObject({ centreId: f.institutions.centreA, centreName: '甲社区卫生服务中心', runDate: '2024-07-04', nurse: 'run1' });
    expect(tr.recall).toMatchObject({ id: recallId, priorStatus: 'issued' });
    // The pass load's monitoring shows its passing biological indicator; the pre-vacuum load shows its B-D test.
    const passTrace = await ok<{ monitoring: { biological: { result: string }[] } }>('GET', `/trace/${L.pass.labels[0]}`, as.staff!);
    expect(passTrace.monitoring.biological).toEqual([{ readOn: '2024-07-02', result: 'pass' }]);
    const venous = await f.db.selectFrom('ss_pack').select('label').where('name', '=', '静脉切开包').orderBy('label').executeTakeFirstOrThrow();
    const vt = await ok<{ monitoring: { bowieDick: { result: string; testedOn: string }[] }; steriliser: { code: string } }>('GET', `/trace/${venous.label}`, as.staff!);
    expect(vt.monitoring.bowieDick).toEqual([{ testedOn: '2024-01-15', result: 'pass' }]);
    expect(vt.steriliser.code).toBe('P1');
    // Used pack: the encounter by id only.
    const used = await ok<{ use: { encounterId: string } }>('GET', `/trace/${L.issued.labels[0]}`, as.cn_a!);
    expect(used.use.encounterId).toBe('7f3e2a70-1b1c-4c55-9a55-1a2b3c4d5e6f');
    // A centre nurse traces her centre's packs only.
    expect((await call('GET', `/trace/${L.issued.labels[2]}`, as.cn_a!)).statusCode).toBe(403);
  });

  it('traces back from the recalled load to every centre holding its packs', async () => {
    const back = await ok<{ holders: { centreId: string | null; packs: { label: string; status: string }[] }[] }>('GET', `/batches/${L.issued.batchId}/trace`, as.staff!);
    const byCentre = Object.fromEntries(back.holders.map((h) => [h.centreId ?? 'store', h.packs.map((p) => p.label).sort()]));
    expect(byCentre).toEqual({
      [f.institutions.centreA]: [L.issued.labels[0], L.issued.labels[1]].sort(),
      [f.institutions.centreB]: [L.issued.labels[2]],
      store: [L.issued.labels[3]],
    });
    const recall = await ok<{ holders: { centreId: string | null; packs: { label: string }[] }[] }>('GET', `/recalls/${recallId}`, as.staff!);
    expect(recall.holders.map((h) => h.centreId).sort()).toEqual([f.institutions.centreA, f.institutions.centreB, null].sort());
    const forA = await ok<{ holders: { centreId: string }[] }>('GET', `/recalls/${recallId}`, as.cn_a!);
    expect(forA.holders.map((h) => h.centreId)).toEqual([f.institutions.centreA]);
    const stockA = await ok<{ items: { label: string; status: string; recallId: string | null }[] }>('GET', '/stock/centre', as.cn_a!);
    expect(stockA.items.find((i) => i.label === L.issued.labels[1])).toMatchObject({ status: 'recalled', recallId });
  });
});

describe('concurrency', () => {
  it('two nurses issuing the last pack of a kind to two centres at once: one succeeds, one 409', async () => {
    const kind = (await ok<{ id: string }>('POST', '/pack-types', as.staff!, { code: 'QGQK', name: '气管切开包', material: 'paper_plastic', method: 'steam_gravity', lowUse: true })).id;
    const last = await releasedLoad(ids.s2!, '2024-07-08', kind, 1);
    const r1 = await ok<{ id: string }>('POST', '/runs', as.staff!, { runDate: '2024-07-11', routeName: '东线', driverName: '王师傅', nurseUserId: ids.run1, centreIds: [f.institutions.centreA] });
    const r2 = await ok<{ id: string }>('POST', '/runs', as.staff!, { runDate: '2024-07-12', routeName: '东线', driverName: '李师傅', nurseUserId: ids.run2, centreIds: [f.institutions.centreB] });
    const sA = await stopOf(r1.id, f.institutions.centreA);
    const sB = await stopOf(r2.id, f.institutions.centreB);
    await collect(sA.id, as.run1!);
    await collect(sB.id, as.run2!);
    const [a, b] = await Promise.all([
      call('POST', `/stops/${sA.id}/issue`, as.run1!, { items: [{ packTypeId: kind, quantity: 1, indicatorColour: 'pass' }] }),
      call('POST', `/stops/${sB.id}/issue`, as.run2!, { items: [{ packTypeId: kind, quantity: 1, indicatorColour: 'pass' }] }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    const loser = a.statusCode === 409 ? a : b;
    expect(loser.json().error).toBe('pack_unavailable');
    const pack = await packStatus(last.labels[0]!);
    expect(pack.status).toBe('issued');
    expect(pack.issued_centre_id).toBe(a.statusCode === 200 ? f.institutions.centreA : f.institutions.centreB);
    // The loser's stop is untouched and can still issue something else later.
    const loserStop = await stopOf(a.statusCode === 409 ? r1.id : r2.id, a.statusCode === 409 ? f.institutions.centreA : f.institutions.centreB);
    expect(loserStop.progress).toBe(7);
  });

  it('the same pack by label at once: one succeeds, one 409', async () => {
    const kind = (await ok<{ id: string }>('POST', '/pack-types', as.staff!, { code: 'XCB', name: '胸穿包', material: 'paper_plastic', method: 'steam_gravity', lowUse: true })).id;
    const last = await releasedLoad(ids.s2!, '2024-07-08', kind, 1);
    const r1 = await ok<{ id: string }>('POST', '/runs', as.staff!, { runDate: '2024-07-22', routeName: '东线', driverName: '王师傅', nurseUserId: ids.run1, centreIds: [f.institutions.centreA] });
    const r2 = await ok<{ id: string }>('POST', '/runs', as.staff!, { runDate: '2024-07-23', routeName: '东线', driverName: '李师傅', nurseUserId: ids.run2, centreIds: [f.institutions.centreB] });
    const sA = await stopOf(r1.id, f.institutions.centreA);
    const sB = await stopOf(r2.id, f.institutions.centreB);
    await collect(sA.id, as.run1!);
    await collect(sB.id, as.run2!);
    const [a, b] = await Promise.all([
      call('POST', `/stops/${sA.id}/issue`, as.run1!, { items: [{ label: last.labels[0], indicatorColour: 'pass' }] }),
      call('POST', `/stops/${sB.id}/issue`, as.run2!, { items: [{ label: last.labels[0], indicatorColour: 'pass' }] }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
  });
});

describe('KPIs per centre and month', () => {
  it('counts discrepancies, recalls and the pass rate', async () => {
    const k = await ok<{ rows: { month: string; centreId: string | null; passRate: { numerator: number; denominator: number } | null; discrepancyRate: { numerator: number; denominator: number }; recalledPacks: number; recalls: number; expiredUnused: number }[] }>(
      'GET',
      '/kpi?from=2024-07&to=2024-07',
      as.staff!,
    );
    const dept = k.rows.find((r) => r.centreId === null)!;
    const a = k.rows.find((r) => r.centreId === f.institutions.centreA)!;
    const b = k.rows.find((r) => r.centreId === f.institutions.centreB)!;
    // July loads with results on G1: 07-01, 07-02, 07-03, 07-04 (BI fail), 4 test cycles (07-05 ×3 passes ... ) and the
    // 07-08 loads; only the 07-04 load failed.
    expect(dept.passRate!.denominator - dept.passRate!.numerator).toBe(1);
    expect(dept.recalls).toBe(1);
    expect(a.recalledPacks).toBe(1); // the unused one of A's two
    expect(b.recalledPacks).toBe(1);
    expect(dept.recalledPacks).toBe(5);
    // July stops collected at A: 07-04, 07-11, 07-15, 07-22 (one discrepancy, on 07-15).
    expect(a.discrepancyRate).toMatchObject({ numerator: 1, denominator: 4 });
    // Centre A nurse sees her centre only.
    const mine = await ok<{ rows: { centreId: string | null }[] }>('GET', '/kpi?from=2024-07&to=2024-07', as.cn_a!);
    expect(new Set(mine.rows.map((r) => r.centreId))).toEqual(new Set([f.institutions.centreA]));
  });
});

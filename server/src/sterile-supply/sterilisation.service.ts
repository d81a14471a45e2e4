import { sql, type Transaction } from 'kysely';
import type { SharedDB as DB } from '../http/care-context.js';
import type { CareContext } from '../http/care-context.js';
import { badRequest, conflict, notFound } from '../http/errors.js';
import { todayIso } from '../shared/dates.js';
import { pgCode, supplyScope, unprocessable, type SupplyScope } from './access.js';
import { validityRules } from './catalogue.service.js';
import { expiryDate, validityRuleFor, type Material } from './rules/validity.js';
import { afterBiologicalResult, biologicalDue, monitoringRequirements, releaseBlockers, type Method } from './rules/monitoring.js';
import { lastPassBefore, UNUSED_STATUSES } from './rules/recall.js';

type Trx = Transaction<DB>;

async function steriliserOf(ctx: CareContext, scope: SupplyScope, id: string, field: string) {
  const s = await ctx.shared.selectFrom('ss_steriliser').selectAll().where('id', '=', id).where('department_id', '=', scope.departmentId).executeTakeFirst();
  if (!s) throw badRequest(field, 'is not a steriliser of this department');
  return s;
}

function notFuture(field: string, date: string) {
  if (date > todayIso()) throw badRequest(field, 'is in the future');
}

/** B-D test: each day before the first run of a pre-vacuum steam steriliser (WS 310.3-2016). */
export async function recordBdTest(ctx: CareContext, input: { steriliserId: string; testedOn?: string | undefined; result: 'pass' | 'fail' }) {
  const scope = await supplyScope(ctx, ['cssd_staff']);
  const s = await steriliserOf(ctx, scope, input.steriliserId, 'body.steriliserId');
  if (s.method !== 'steam_prevacuum') throw badRequest('body.steriliserId', 'the B-D test is for pre-vacuum steam sterilisers');
  const testedOn = input.testedOn ?? todayIso();
  notFuture('body.testedOn', testedOn);
  return ctx.shared.transaction().execute(async (trx) => {
    const row = await trx.insertInto('ss_bd_test').values({ steriliser_id: s.id, tested_on: testedOn, result: input.result, recorded_by: ctx.actor.userId }).returning('id').executeTakeFirstOrThrow();
    await ctx.audit({ action: 'create', resource: 'ss_bd_test', detail: { id: row.id, steriliserId: s.id, result: input.result } }, trx);
    return { id: row.id };
  });
}

/**
 * Opens a load on a steriliser. The insert is conditional on the steriliser being in service and, for a pre-vacuum
 * steriliser, on that day's latest B-D test having passed — a blocked steriliser cannot start a load.
 */
export async function createBatch(ctx: CareContext, input: { steriliserId: string; sterilisedOn?: string | undefined; testCycle?: boolean | undefined }) {
  const testCycle = input.testCycle ?? false;
  const scope = await supplyScope(ctx, ['cssd_staff']);
  const s = await steriliserOf(ctx, scope, input.steriliserId, 'body.steriliserId');
  const on = input.sterilisedOn ?? todayIso();
  notFuture('body.sterilisedOn', on);
  try {
    return await ctx.shared.transaction().execute(async (trx) => {
      const cycle = sql<number>`(SELECT COALESCE(max(cycle_no), 0) + 1 FROM ss_batch WHERE steriliser_id = ${s.id} AND sterilised_on = ${on}::date)`;
      const inserted = await sql<{ id: string; batch_no: string; cycle_no: number }>`
        INSERT INTO ss_batch (department_id, steriliser_id, batch_no, sterilised_on, cycle_no, created_by, test_cycle)
        SELECT st.department_id, st.id, st.code || '-' || to_char(${on}::date, 'YYYYMMDD') || '-' || ${cycle}, ${on}::date, ${cycle}, ${ctx.actor.userId}, ${testCycle}
        FROM ss_steriliser st
        WHERE st.id = ${s.id} AND (st.status = 'in_service' OR ${testCycle})
          AND (st.method <> 'steam_prevacuum' OR (
            SELECT t.result FROM ss_bd_test t WHERE t.steriliser_id = st.id AND t.tested_on = ${on}::date ORDER BY t.recorded_at DESC LIMIT 1
          ) = 'pass')
        FOR SHARE OF st
        RETURNING id, batch_no, cycle_no`.execute(trx);
      const row = inserted.rows[0];
      if (!row) {
        const now = await trx.selectFrom('ss_steriliser').select('status').where('id', '=', s.id).executeTakeFirstOrThrow();
        if (now.status !== 'in_service') throw conflict('The steriliser is blocked after a failed biological indicator until 3 consecutive passes', 'steriliser_blocked');
        throw unprocessable('bd_test_required', 'A passing B-D test is needed that day before the first pre-vacuum run', [{ field: 'steriliserId', message: `no passing B-D test on ${on}` }]);
      }
      await ctx.audit({ action: 'create', resource: 'ss_batch', detail: { id: row.id, batchNo: row.batch_no } }, trx);
      return { id: row.id, batchNo: row.batch_no, cycleNo: row.cycle_no };
    });
  } catch (e) {
    if (pgCode(e) === '23505') throw conflict('Another load was opened on this steriliser at the same moment; try again', 'batch_race');
    throw e;
  }
}

async function lockLoading(trx: Trx, scope: SupplyScope, batchId: string) {
  const b = await trx
    .selectFrom('ss_batch as b')
    .innerJoin('ss_steriliser as s', 's.id', 'b.steriliser_id')
    .select(['b.id', 'b.status', 'b.batch_no', 'b.sterilised_on', 'b.department_id', 'b.test_cycle', 's.method', 's.code as steriliser_code'])
    .where('b.id', '=', batchId)
    .forUpdate('b')
    .executeTakeFirst();
  if (!b || b.department_id !== scope.departmentId) throw notFound('Load');
  return b;
}

/**
 * Packing into a load: each pack gets its label (name, packer, steriliser, load, sterilisation date, expiry from the
 * packaging material's validity rule). Standard packs by kind and number, or a centre's 代消毒 item.
 */
export async function addPacks(
  ctx: CareContext,
  batchId: string,
  input: { packTypeId: string; quantity: number } | { reprocessItemId: string; material: Material },
) {
  const scope = await supplyScope(ctx, ['cssd_staff']);
  const [rules, dept] = await Promise.all([
    validityRules(ctx.shared),
    ctx.shared.selectFrom('ss_department').select('store_controlled').where('id', '=', scope.departmentId).executeTakeFirstOrThrow(),
  ]);
  return ctx.shared.transaction().execute(async (trx) => {
    const b = await lockLoading(trx, scope, batchId);
    if (b.status !== 'loading') throw conflict(`The load is ${b.status}: no more packs`, 'batch_closed');
    if (b.test_cycle) throw badRequest('params.batchId', 'is a test cycle: it carries no packs');
    const existing = await trx.selectFrom('ss_pack').select(sql<number>`count(*)::int`.as('n')).where('batch_id', '=', batchId).executeTakeFirstOrThrow();
    type Item = { name: string; quantity: number; material: string; method: string; packTypeId: string | null; reprocessItemId: string | null; owner: string | null; implant: boolean };
    let items: Item[];
    if ('packTypeId' in input) {
      const pt = await trx.selectFrom('ss_pack_type').selectAll().where('id', '=', input.packTypeId).where('department_id', '=', scope.departmentId).executeTakeFirst();
      if (!pt) throw badRequest('body.packTypeId', 'is not a pack of this department');
      if (pt.method !== b.method) throw badRequest('body.packTypeId', `is sterilised by ${pt.method}, the steriliser runs ${b.method}`);
      items = Array.from({ length: input.quantity }, () => ({ name: pt.name, quantity: 1, material: pt.material, method: pt.method, packTypeId: pt.id, reprocessItemId: null, owner: null, implant: pt.implant }));
    } else {
      const it = await trx
        .updateTable('ss_reprocess_item')
        .set({ status: 'packed' })
        .where('id', '=', input.reprocessItemId)
        .where('department_id', '=', scope.departmentId)
        .where('status', '=', 'pending')
        .returning(['id', 'name', 'spec', 'quantity', 'centre_id'])
        .executeTakeFirst();
      if (!it) throw badRequest('body.reprocessItemId', 'is not a pending 代消毒 item of this department');
      items = [{ name: it.spec ? `${it.name} ${it.spec}` : it.name, quantity: it.quantity, material: input.material, method: b.method, packTypeId: null, reprocessItemId: it.id, owner: it.centre_id, implant: false }];
    }
    const rule = validityRuleFor(rules, items[0]!.material, dept.store_controlled, b.sterilised_on);
    const expires = expiryDate(rule, b.sterilised_on);
    const rows = await trx
      .insertInto('ss_pack')
      .values(
        items.map((it, i) => ({
          department_id: scope.departmentId,
          label: `${b.batch_no}-${String(existing.n + i + 1).padStart(3, '0')}`,
          pack_type_id: it.packTypeId,
          reprocess_item_id: it.reprocessItemId,
          owner_centre_id: it.owner,
          name: it.name,
          quantity: it.quantity,
          batch_id: batchId,
          packer_id: ctx.actor.userId,
          material: it.material,
          method: it.method,
          sterilised_on: b.sterilised_on,
          expires_on: expires,
          validity_rule_id: rule.id,
          implant: it.implant,
        })),
      )
      .returning(['label'])
      .execute();
    if (items.some((i) => i.implant)) {
      await trx.updateTable('ss_batch').set({ contains_implant: true, bi_required: true }).where('id', '=', batchId).execute();
    }
    await ctx.audit({ action: 'create', resource: 'ss_pack', detail: { batchId, packs: rows.length } }, trx);
    return { labels: rows.map((r) => r.label), sterilisedOn: b.sterilised_on, expiresOn: expires, validityRuleId: rule.id };
  });
}

/**
 * The cycle's records: physical parameters (every cycle) and the chemical indicator of every pack (external; internal
 * for high-risk packs). A failed physical record fails the load and its packs are discarded for reprocessing.
 */
export async function recordResults(
  ctx: CareContext,
  batchId: string,
  input: {
    temperatureC: number;
    pressureKpa: number;
    exposureMinutes: number;
    physicalPass: boolean;
    chemical: { label: string; external: 'pass' | 'fail'; internal?: 'pass' | 'fail' | undefined }[];
  },
) {
  const scope = await supplyScope(ctx, ['cssd_staff']);
  return ctx.shared.transaction().execute(async (trx) => {
    const b = await lockLoading(trx, scope, batchId);
    if (b.status !== 'loading') throw conflict(`The load is ${b.status}: results are recorded once`, 'batch_closed');
    const packs = await trx.selectFrom('ss_pack').select(['id', 'label']).where('batch_id', '=', batchId).execute();
    for (const [i, c] of input.chemical.entries()) {
      const p = packs.find((x) => x.label === c.label);
      if (!p) throw badRequest(`body.chemical.${i}.label`, 'is not a pack of this load');
      await trx.updateTable('ss_pack').set({ chemical_external: c.external, chemical_internal: c.internal ?? null }).where('id', '=', p.id).execute();
    }
    const status = input.physicalPass ? 'completed' : 'failed';
    await trx
      .updateTable('ss_batch')
      .set({
        status,
        temperature_c: input.temperatureC,
        pressure_kpa: input.pressureKpa,
        exposure_minutes: input.exposureMinutes,
        physical_pass: input.physicalPass,
        results_by: ctx.actor.userId,
        results_at: sql<Date>`now()`,
      })
      .where('id', '=', batchId)
      .execute();
    if (!input.physicalPass) await trx.updateTable('ss_pack').set({ status: 'discarded' }).where('batch_id', '=', batchId).execute();
    await ctx.audit({ action: 'update', resource: 'ss_batch', fields: ['physical', 'chemical'], detail: { batchId, status, packs: packs.length, chemical: input.chemical.length } }, trx);
    const withoutIndicator = packs.filter((p) => !input.chemical.some((c) => c.label === p.label)).map((p) => p.label);
    return { id: batchId, status, withoutIndicator };
  });
}

/**
 * Release to the store: a conditional update (completed, physical pass, steriliser in service, no failed biological
 * indicator, and a passing one first for implant or ethylene-oxide loads). Refusals name every unmet requirement.
 */
export async function releaseBatch(ctx: CareContext, batchId: string) {
  const scope = await supplyScope(ctx, ['cssd_staff']);
  return ctx.shared.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('ss_batch as b')
      .set({ status: 'released', released_by: ctx.actor.userId, released_at: sql<Date>`now()` })
      .where('b.id', '=', batchId)
      .where('b.department_id', '=', scope.departmentId)
      .where('b.status', '=', 'completed')
      .where('b.physical_pass', '=', true)
      .where('b.test_cycle', '=', false)
      .where((eb) => eb.exists(eb.selectFrom('ss_steriliser as s').select('s.id').whereRef('s.id', '=', 'b.steriliser_id').where('s.status', '=', 'in_service')))
      .where((eb) => eb.not(eb.exists(eb.selectFrom('ss_bi_test as t').select('t.id').whereRef('t.batch_id', '=', 'b.id').where('t.result', '=', 'fail'))))
      .where((eb) =>
        eb.or([eb('b.bi_required', '=', false), eb.exists(eb.selectFrom('ss_bi_test as t').select('t.id').whereRef('t.batch_id', '=', 'b.id').where('t.result', '=', 'pass'))]),
      )
      .returning('b.id')
      .executeTakeFirst();
    if (!row) {
      const b = await trx
        .selectFrom('ss_batch as b')
        .innerJoin('ss_steriliser as s', 's.id', 'b.steriliser_id')
        .select(['b.status', 'b.physical_pass', 'b.bi_required', 'b.department_id', 'b.test_cycle', 's.status as steriliser_status'])
        .where('b.id', '=', batchId)
        .executeTakeFirst();
      if (!b || b.department_id !== scope.departmentId) throw notFound('Load');
      if (b.test_cycle) throw unprocessable('not_releasable', 'A test cycle is never released', [{ field: 'batchId', message: 'is a test cycle' }]);
      const bi = await trx.selectFrom('ss_bi_test').select('result').where('batch_id', '=', batchId).execute();
      const blockers = releaseBlockers({ status: b.status, physicalPass: b.physical_pass, steriliserStatus: b.steriliser_status, biRequired: b.bi_required, biResults: bi.map((x) => x.result as 'pass' | 'fail') });
      throw unprocessable('not_releasable', `The load cannot be released: ${blockers.map((x) => x.message).join('; ')}`, blockers.map((x) => ({ field: x.field, message: x.message })));
    }
    const packs = await trx.updateTable('ss_pack').set({ status: 'in_store' }).where('batch_id', '=', batchId).where('status', '=', 'packed').returning('id').execute();
    await ctx.audit({ action: 'update', resource: 'ss_batch', fields: ['status'], detail: { batchId, released: packs.length } }, trx);
    return { id: batchId, status: 'released' as const, packs: packs.length };
  });
}

/**
 * A biological indicator result for a load. A failure blocks the steriliser (until 3 consecutive passes) and opens
 * a recall of every unused pack of that steriliser since the last passing indicator — in the same transaction, with
 * the steriliser row locked so results are applied one at a time.
 */
export async function recordBiTest(ctx: CareContext, input: { batchId: string; result: 'pass' | 'fail'; readOn?: string | undefined }) {
  const scope = await supplyScope(ctx, ['cssd_staff']);
  const readOn = input.readOn ?? todayIso();
  notFuture('body.readOn', readOn);
  return ctx.shared.transaction().execute(async (trx) => {
    const b = await trx
      .selectFrom('ss_batch')
      .select(['id', 'steriliser_id', 'sterilised_on', 'cycle_no', 'department_id', 'status'])
      .where('id', '=', input.batchId)
      .executeTakeFirst();
    if (!b || b.department_id !== scope.departmentId) throw badRequest('body.batchId', 'is not a load of this department');
    if (b.status === 'loading') throw conflict('Record the cycle before its biological indicator', 'batch_loading');
    if (readOn < b.sterilised_on) throw badRequest('body.readOn', 'is before the load was sterilised');
    const s = await trx.selectFrom('ss_steriliser').select(['status', 'bi_passes_since_block']).where('id', '=', b.steriliser_id).forUpdate().executeTakeFirstOrThrow();
    const test = await trx
      .insertInto('ss_bi_test')
      .values({ steriliser_id: b.steriliser_id, batch_id: b.id, result: input.result, read_on: readOn, recorded_by: ctx.actor.userId })
      .returning('id')
      .executeTakeFirstOrThrow();
    const next = afterBiologicalResult({ status: s.status as 'in_service' | 'blocked', passesSinceBlock: s.bi_passes_since_block }, input.result);
    await trx
      .updateTable('ss_steriliser')
      .set({
        status: next.status,
        bi_passes_since_block: next.passesSinceBlock,
        blocked_at: next.status === 'blocked' ? (s.status === 'blocked' && input.result === 'pass' ? sql<Date>`blocked_at` : sql<Date>`now()`) : null,
      })
      .where('id', '=', b.steriliser_id)
      .execute();
    let recall: { id: string; packs: number } | null = null;
    if (next.openRecall) recall = await openRecall(trx, ctx, scope, b, test.id, readOn);
    await ctx.audit({ action: 'create', resource: 'ss_bi_test', detail: { id: test.id, batchId: b.id, result: input.result, recallId: recall?.id ?? null } }, trx);
    return { id: test.id, steriliserStatus: next.status, passesSinceBlock: next.passesSinceBlock, recall };
  });
}

async function openRecall(
  trx: Trx,
  ctx: CareContext,
  scope: SupplyScope,
  failed: { id: string; steriliser_id: string; sterilised_on: string; cycle_no: number },
  testId: string,
  openedOn: string,
) {
  const passes = await trx
    .selectFrom('ss_bi_test as t')
    .innerJoin('ss_batch as b', 'b.id', 't.batch_id')
    .select(['b.id', 'b.sterilised_on', 'b.cycle_no'])
    .where('t.steriliser_id', '=', failed.steriliser_id)
    .where('t.result', '=', 'pass')
    .execute();
  const since = lastPassBefore(
    passes.map((p) => ({ sterilisedOn: p.sterilised_on, cycleNo: p.cycle_no })),
    { sterilisedOn: failed.sterilised_on, cycleNo: failed.cycle_no },
  );
  const sinceBatch = since ? passes.find((p) => p.sterilised_on === since.sterilisedOn && p.cycle_no === since.cycleNo)! : null;
  const recall = await trx
    .insertInto('ss_recall')
    .values({ department_id: scope.departmentId, steriliser_id: failed.steriliser_id, bi_test_id: testId, last_pass_batch_id: sinceBatch?.id ?? null, opened_on: openedOn, opened_by: ctx.actor.userId })
    .returning('id')
    .executeTakeFirstOrThrow();
  const items = await sql<{ pack_id: string }>`
    INSERT INTO ss_recall_item (recall_id, pack_id, prior_status, centre_id)
    SELECT ${recall.id}, p.id, p.status, CASE WHEN p.status = 'issued' THEN p.issued_centre_id END
    FROM ss_pack p JOIN ss_batch b ON b.id = p.batch_id
    WHERE b.steriliser_id = ${failed.steriliser_id}
      AND p.status IN (${sql.join(UNUSED_STATUSES.map((s) => sql.lit(s)))})
      AND (${since === null} OR (b.sterilised_on, b.cycle_no) > (${since?.sterilisedOn ?? '1900-01-01'}::date, ${since?.cycleNo ?? 0}::int))
    ON CONFLICT (pack_id) DO NOTHING
    RETURNING pack_id`.execute(trx);
  const ids = items.rows.map((r) => r.pack_id);
  if (ids.length) await trx.updateTable('ss_pack').set({ status: 'recalled' }).where('id', 'in', ids).execute();
  return { id: recall.id, packs: ids.length };
}

export async function listBatches(ctx: CareContext, q: { from: string; to: string }) {
  const scope = await supplyScope(ctx, ['cssd_staff', 'institution_admin']);
  const rows = await ctx.shared
    .selectFrom('ss_batch as b')
    .innerJoin('ss_steriliser as s', 's.id', 'b.steriliser_id')
    .leftJoin('ss_pack as p', 'p.batch_id', 'b.id')
    .select([
      'b.id',
      'b.batch_no',
      'b.sterilised_on',
      'b.cycle_no',
      'b.status',
      'b.physical_pass',
      'b.bi_required',
      'b.test_cycle',
      's.code as steriliser_code',
      's.method',
      sql<number>`count(p.id)::int`.as('packs'),
      sql<number>`count(p.id) FILTER (WHERE p.chemical_external IS DISTINCT FROM 'pass')::int`.as('without_indicator'),
      sql<string | null>`(SELECT t.result FROM ss_bi_test t WHERE t.batch_id = b.id ORDER BY t.recorded_at DESC LIMIT 1)`.as('bi_result'),
    ])
    .where('b.department_id', '=', scope.departmentId)
    .where('b.sterilised_on', '>=', q.from)
    .where('b.sterilised_on', '<=', q.to)
    .groupBy(['b.id', 's.code', 's.method'])
    .orderBy('b.sterilised_on', 'desc')
    .orderBy('s.code')
    .orderBy('b.cycle_no', 'desc')
    .limit(500)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    batchNo: r.batch_no,
    sterilisedOn: r.sterilised_on,
    cycleNo: r.cycle_no,
    status: r.status,
    physicalPass: r.physical_pass,
    biRequired: r.bi_required,
    testCycle: r.test_cycle,
    biResult: r.bi_result,
    steriliserCode: r.steriliser_code,
    method: r.method,
    packs: r.packs,
    withoutIndicator: r.without_indicator,
  }));
}

/** Sterilisers with what monitoring is due today (B-D before the first pre-vacuum run, routine biological indicator). */
export async function steriliserStatus(ctx: CareContext) {
  const scope = await supplyScope(ctx, ['cssd_staff', 'institution_admin']);
  const today = todayIso();
  const rows = await ctx.shared
    .selectFrom('ss_steriliser as s')
    .select([
      's.id',
      's.code',
      's.name',
      's.method',
      's.status',
      's.bi_passes_since_block',
      sql<string | null>`(SELECT t.result FROM ss_bd_test t WHERE t.steriliser_id = s.id AND t.tested_on = ${today}::date ORDER BY t.recorded_at DESC LIMIT 1)`.as('bd_today'),
      sql<string | null>`(SELECT max(t.read_on)::text FROM ss_bi_test t WHERE t.steriliser_id = s.id AND t.result = 'pass')`.as('last_bi_pass'),
    ])
    .where('s.department_id', '=', scope.departmentId)
    .orderBy('s.code')
    .execute();
  return rows.map((r) => {
    const req = monitoringRequirements({ method: r.method as Method, containsImplant: false, highRiskPack: true });
    return {
      id: r.id,
      code: r.code,
      name: r.name,
      method: r.method,
      status: r.status,
      passesSinceBlock: r.bi_passes_since_block,
      bowieDickRequired: req.bowieDickDaily,
      bowieDickToday: r.bd_today,
      lastBiologicalPass: r.last_bi_pass,
      biologicalDue: biologicalDue(r.method as Method, r.last_bi_pass, today),
      biologicalEvery: req.biologicalEvery,
    };
  });
}

export async function listRecalls(ctx: CareContext) {
  const scope = await supplyScope(ctx, ['cssd_staff', 'institution_admin', 'cssd_centre_nurse']);
  let q = ctx.shared
    .selectFrom('ss_recall as r')
    .innerJoin('ss_steriliser as s', 's.id', 'r.steriliser_id')
    .innerJoin('ss_bi_test as t', 't.id', 'r.bi_test_id')
    .innerJoin('ss_batch as b', 'b.id', 't.batch_id')
    .leftJoin('ss_recall_item as i', 'i.recall_id', 'r.id')
    .select([
      'r.id',
      'r.opened_on',
      's.code as steriliser_code',
      'b.batch_no as failed_batch_no',
      sql<number>`count(i.pack_id)::int`.as('packs'),
      sql<number>`count(DISTINCT i.centre_id)::int`.as('centres'),
    ])
    .where('r.department_id', '=', scope.departmentId)
    .groupBy(['r.id', 's.code', 'b.batch_no']);
  if (scope.centreId) q = q.where((eb) => eb.exists(eb.selectFrom('ss_recall_item as x').select('x.pack_id').whereRef('x.recall_id', '=', 'r.id').where('x.centre_id', '=', scope.centreId)));
  const rows = await q.orderBy('r.opened_on', 'desc').execute();
  return rows.map((r) => ({ id: r.id, openedOn: r.opened_on, steriliserCode: r.steriliser_code, failedBatchNo: r.failed_batch_no, packs: r.packs, centres: r.centres }));
}


import { sql, type Transaction } from 'kysely';
import type { SharedDB as DB } from '../http/care-context.js';
import type { CareContext } from '../http/care-context.js';
import { badRequest, conflict, forbidden, notFound } from '../http/errors.js';
import { addDays } from '../chronic/rules/age.js';
import { todayIso } from '../shared/dates.js';
import { pgCode, supplyScope, unprocessable, type SupplyScope } from './access.js';
import { dayAheadSatisfied, isoWeekday, nextRunDate, reprocessOn } from './rules/schedule.js';
import { compareWithSlip, COUNT_STEPS, isDiscrepancy, ISSUE_AFTER, nextStep, stepNo, STOP_STEPS, type CountedLine, type SlipLine, type StopStep } from './rules/stop.js';
import { issueBlockers } from './rules/monitoring.js';

type Trx = Transaction<DB>;

// ───────────────────────────── centre requests ─────────────────────────────

/** A centre asks for packs; low-use packs are called in at least a day ahead (seed 1.2.5.2). */
export async function createRequest(ctx: CareContext, input: { packTypeId: string; quantity: number; neededOn: string }) {
  const scope = await supplyScope(ctx, ['cssd_centre_nurse']);
  const today = todayIso();
  if (input.neededOn < today) throw badRequest('body.neededOn', 'is in the past');
  if (input.neededOn > addDays(today, 60)) throw badRequest('body.neededOn', 'is more than 60 days ahead');
  const pt = await ctx.shared.selectFrom('ss_pack_type').select(['id', 'low_use', 'name']).where('id', '=', input.packTypeId).where('department_id', '=', scope.departmentId).executeTakeFirst();
  if (!pt) throw badRequest('body.packTypeId', 'is not a pack of your supply department');
  const dayAhead = dayAheadSatisfied(today, input.neededOn);
  if (pt.low_use && !dayAhead) throw badRequest('body.neededOn', `${pt.name} is a low-use pack: call it in at least one day ahead`);
  return ctx.shared.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('ss_request')
      .values({
        department_id: scope.departmentId,
        centre_id: scope.centreId!,
        pack_type_id: input.packTypeId,
        quantity: input.quantity,
        needed_on: input.neededOn,
        requested_on: today,
        day_ahead: dayAhead,
        requested_by: ctx.actor.userId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await ctx.audit({ action: 'create', resource: 'ss_request', detail: { id: row.id, packTypeId: input.packTypeId, quantity: input.quantity } }, trx);
    return { id: row.id, dayAhead };
  });
}

export async function listRequests(ctx: CareContext, q: { status?: 'open' | 'fulfilled' | 'cancelled' | undefined }) {
  const scope = await supplyScope(ctx, ['cssd_staff', 'cssd_run_nurse', 'cssd_centre_nurse']);
  let query = ctx.shared
    .selectFrom('ss_request as r')
    .innerJoin('ss_pack_type as p', 'p.id', 'r.pack_type_id')
    .innerJoin('institution as i', 'i.id', 'r.centre_id')
    .select(['r.id', 'r.centre_id', 'i.name as centre_name', 'r.pack_type_id', 'p.name as pack_name', 'p.low_use', 'r.quantity', 'r.needed_on', 'r.requested_on', 'r.day_ahead', 'r.status'])
    .where('r.department_id', '=', scope.departmentId);
  if (scope.centreId) query = query.where('r.centre_id', '=', scope.centreId);
  if (q.status) query = query.where('r.status', '=', q.status);
  const rows = await query.orderBy('r.needed_on', 'desc').orderBy('i.name').limit(500).execute();
  return rows.map((r) => ({
    id: r.id,
    centreId: r.centre_id,
    centreName: r.centre_name,
    packTypeId: r.pack_type_id,
    packName: r.pack_name,
    lowUse: r.low_use,
    quantity: r.quantity,
    neededOn: r.needed_on,
    requestedOn: r.requested_on,
    dayAhead: r.day_ahead,
    status: r.status,
  }));
}

// ───────────────────────────── runs ─────────────────────────────

/**
 * Plans a run: the route's centres that run on that weekday (or the centres named), in stop order with their planned
 * times. Pending 代消毒 items of those centres move to the day before this run when it is sooner than planned.
 */
export async function planRun(ctx: CareContext, input: { runDate: string; routeName: string; driverName: string; nurseUserId: string; centreIds?: string[] | undefined }) {
  const scope = await supplyScope(ctx, ['cssd_staff']);
  if (input.runDate > addDays(todayIso(), 60)) throw badRequest('body.runDate', 'is more than 60 days ahead');
  const nurse = await ctx.shared.selectFrom('app_user').select('id').where('id', '=', input.nurseUserId).where('role', '=', 'cssd_run_nurse').where('institution_id', '=', scope.institutionId).executeTakeFirst();
  if (!nurse) throw badRequest('body.nurseUserId', 'is not a run nurse of this department');
  const route = await ctx.shared
    .selectFrom('ss_centre')
    .selectAll()
    .where('department_id', '=', scope.departmentId)
    .where('route_name', '=', input.routeName)
    .orderBy('stop_order')
    .execute();
  if (route.length === 0) throw badRequest('body.routeName', 'is not a route of this department');
  let stops = route;
  if (input.centreIds) {
    const missing = input.centreIds.findIndex((id) => !route.some((c) => c.centre_id === id));
    if (missing >= 0) throw badRequest(`body.centreIds.${missing}`, 'is not on this route');
    stops = route.filter((c) => input.centreIds!.includes(c.centre_id));
  } else {
    const wd = isoWeekday(input.runDate);
    stops = route.filter((c) => c.run_weekdays.map(Number).includes(wd));
    if (stops.length === 0) throw badRequest('body.runDate', 'no centre of this route runs on that weekday; name the centres');
  }
  try {
    return await ctx.shared.transaction().execute(async (trx) => {
      const run = await trx
        .insertInto('ss_run')
        .values({
          department_id: scope.departmentId,
          run_date: input.runDate,
          route_name: input.routeName,
          driver_name: input.driverName,
          nurse_user_id: input.nurseUserId,
          planned_by: ctx.actor.userId,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx
        .insertInto('ss_stop')
        .values(stops.map((c, i) => ({ run_id: run.id, centre_id: c.centre_id, stop_order: i + 1, planned_time: c.planned_time })))
        .execute();
      await trx
        .updateTable('ss_reprocess_item')
        .set({ next_run_on: input.runDate, scheduled_on: sql<string>`GREATEST(collected_on, ${input.runDate}::date - 1)` })
        .where('status', '=', 'pending')
        .where('centre_id', 'in', stops.map((c) => c.centre_id))
        .where('next_run_on', '>', input.runDate)
        .where('collected_on', '<', input.runDate)
        .execute();
      await ctx.audit({ action: 'create', resource: 'ss_run', detail: { id: run.id, runDate: input.runDate, stops: stops.length } }, trx);
      return { id: run.id, stops: stops.length };
    });
  } catch (e) {
    if (pgCode(e) === '23505') throw conflict('This route already has a run on that date', 'run_exists');
    throw e;
  }
}

export async function listRuns(ctx: CareContext, q: { from: string; to: string; mine?: boolean | undefined }) {
  const scope = await supplyScope(ctx, ['cssd_staff', 'cssd_run_nurse', 'institution_admin']);
  let query = ctx.shared
    .selectFrom('ss_run as r')
    .innerJoin('app_user as u', 'u.id', 'r.nurse_user_id')
    .leftJoin('ss_stop as s', 's.run_id', 'r.id')
    .select([
      'r.id',
      'r.run_date',
      'r.route_name',
      'r.driver_name',
      'u.display_name as nurse_name',
      'r.nurse_user_id',
      'r.status',
      sql<number>`count(s.id)::int`.as('stops'),
      sql<number>`count(s.id) FILTER (WHERE s.progress = 8)::int`.as('stops_done'),
      sql<number>`count(s.id) FILTER (WHERE s.collection_status = 'discrepancy')::int`.as('discrepancies'),
    ])
    .where('r.department_id', '=', scope.departmentId)
    .where('r.run_date', '>=', q.from)
    .where('r.run_date', '<=', q.to)
    .groupBy(['r.id', 'u.display_name']);
  if (q.mine) query = query.where('r.nurse_user_id', '=', ctx.actor.userId);
  const rows = await query.orderBy('r.run_date', 'desc').orderBy('r.route_name').limit(400).execute();
  return rows.map((r) => ({
    id: r.id,
    runDate: r.run_date,
    routeName: r.route_name,
    driverName: r.driver_name,
    nurseUserId: r.nurse_user_id,
    nurseName: r.nurse_name,
    status: r.status,
    stops: r.stops,
    stopsDone: r.stops_done,
    discrepancies: r.discrepancies,
  }));
}

export async function getRun(ctx: CareContext, runId: string) {
  const scope = await supplyScope(ctx, ['cssd_staff', 'cssd_run_nurse', 'institution_admin']);
  const db = ctx.shared;
  const run = await db
    .selectFrom('ss_run as r')
    .innerJoin('app_user as u', 'u.id', 'r.nurse_user_id')
    .select(['r.id', 'r.run_date', 'r.route_name', 'r.driver_name', 'r.status', 'r.nurse_user_id', 'u.display_name as nurse_name'])
    .where('r.id', '=', runId)
    .where('r.department_id', '=', scope.departmentId)
    .executeTakeFirst();
  if (!run) throw notFound('Run');
  const stops = await db
    .selectFrom('ss_stop as s')
    .innerJoin('institution as i', 'i.id', 's.centre_id')
    .select(['s.id', 's.centre_id', 'i.name as centre_name', 's.stop_order', 's.planned_time', 's.progress', 's.collection_status', 's.resolution_note', 's.issued_at'])
    .where('s.run_id', '=', runId)
    .orderBy('s.stop_order')
    .execute();
  const stopIds = stops.map((s) => s.id);
  const centreIds = stops.map((s) => s.centre_id);
  const [slips, counts, events, requests, issued] = stopIds.length
    ? await Promise.all([
        db.selectFrom('ss_slip_line').select(['stop_id', 'kind', 'name', 'spec', 'quantity']).where('stop_id', 'in', stopIds).orderBy('name').execute(),
        db.selectFrom('ss_count_line').select(['stop_id', 'kind', 'name', 'spec', 'slip_quantity', 'counted_quantity', 'intact']).where('stop_id', 'in', stopIds).orderBy('name').execute(),
        db.selectFrom('ss_stop_event').select(['stop_id', 'step', 'step_no', 'done_at']).where('stop_id', 'in', stopIds).orderBy('step_no').execute(),
        db
          .selectFrom('ss_request as r')
          .innerJoin('ss_pack_type as p', 'p.id', 'r.pack_type_id')
          .select(['r.id', 'r.centre_id', 'r.pack_type_id', 'p.name', 'r.quantity', 'r.needed_on', 'r.status', 'r.fulfilled_stop_id'])
          .where('r.centre_id', 'in', centreIds)
          .where((eb) => eb.or([eb.and([eb('r.status', '=', 'open'), eb('r.needed_on', '<=', run.run_date)]), eb('r.fulfilled_stop_id', 'in', stopIds)]))
          .orderBy('p.name')
          .execute(),
        db
          .selectFrom('ss_pack')
          .select(['issued_stop_id', 'label', 'name', 'quantity', 'sterilised_on', 'expires_on', 'method', 'chemical_external'])
          .where('issued_stop_id', 'in', stopIds)
          .orderBy('label')
          .execute(),
      ])
    : [[], [], [], [], []];
  return {
    id: run.id,
    runDate: run.run_date,
    routeName: run.route_name,
    driverName: run.driver_name,
    nurseUserId: run.nurse_user_id,
    nurseName: run.nurse_name,
    status: run.status,
    stops: stops.map((s) => ({
      id: s.id,
      centreId: s.centre_id,
      centreName: s.centre_name,
      stopOrder: s.stop_order,
      plannedTime: s.planned_time,
      progress: s.progress,
      nextStep: nextStep(s.progress),
      collectionStatus: s.collection_status,
      resolutionNote: s.resolution_note,
      issuedAt: s.issued_at ? new Date(s.issued_at).toISOString() : null,
      events: events.filter((e) => e.stop_id === s.id).map((e) => ({ step: e.step, doneAt: new Date(e.done_at).toISOString() })),
      slip: slips.filter((l) => l.stop_id === s.id).map((l) => ({ kind: l.kind, name: l.name, spec: l.spec, quantity: l.quantity })),
      counted: counts
        .filter((l) => l.stop_id === s.id)
        .map((l) => ({ kind: l.kind, name: l.name, spec: l.spec, slipQuantity: l.slip_quantity, countedQuantity: l.counted_quantity, intact: l.intact, matches: l.intact && l.slip_quantity === l.counted_quantity })),
      requests: requests
        .filter((r) => r.centre_id === s.centre_id && (r.status === 'open' || r.fulfilled_stop_id === s.id))
        .map((r) => ({ id: r.id, packTypeId: r.pack_type_id, packName: r.name, quantity: r.quantity, neededOn: r.needed_on, status: r.status })),
      issued: issued
        .filter((p) => p.issued_stop_id === s.id)
        .map((p) => ({ label: p.label, name: p.name, quantity: p.quantity, sterilisedOn: p.sterilised_on, expiresOn: p.expires_on, method: p.method, chemicalIndicator: p.chemical_external })),
    })),
  };
}

// ───────────────────────────── the stop ─────────────────────────────

async function stopFor(ctx: CareContext, scope: SupplyScope, stopId: string) {
  const stop = await ctx.shared
    .selectFrom('ss_stop as s')
    .innerJoin('ss_run as r', 'r.id', 's.run_id')
    .select(['s.id', 's.centre_id', 's.progress', 's.collection_status', 'r.id as run_id', 'r.run_date', 'r.nurse_user_id', 'r.department_id'])
    .where('s.id', '=', stopId)
    .executeTakeFirst();
  if (!stop || stop.department_id !== scope.departmentId) throw notFound('Stop');
  if (scope.centreId && scope.centreId !== stop.centre_id) throw forbidden('Another centre’s stop');
  return stop;
}

/** The work of a stop is the run nurse's (any run nurse of the department may stand in) or the department staff's. */
const STOP_WORKERS = ['cssd_run_nurse', 'cssd_staff'] as const;

/**
 * Advances the stop by exactly one step: a conditional update from the step before, so steps cannot be skipped,
 * repeated or raced. A refusal names the step that is due.
 */
async function advance(trx: Trx, ctx: CareContext, stopId: string, step: StopStep, extra: { issued_at?: Date } = {}) {
  const n = stepNo(step);
  const row = await trx
    .updateTable('ss_stop')
    .set({ progress: n, ...extra })
    .where('id', '=', stopId)
    .where('progress', '=', n - 1)
    .returning('id')
    .executeTakeFirst();
  if (!row) {
    const now = await trx.selectFrom('ss_stop').select('progress').where('id', '=', stopId).executeTakeFirstOrThrow();
    const due = nextStep(now.progress);
    if (step === 'issued' && now.progress < ISSUE_AFTER) {
      throw conflict(`Issue comes after collection and hand hygiene at this stop; next step is ${due}`, 'collect_first');
    }
    throw conflict(due ? `Out of order: the next step at this stop is ${due}` : 'This stop is finished', 'step_out_of_order');
  }
  await trx.insertInto('ss_stop_event').values({ stop_id: stopId, step_no: n, step, done_by: ctx.actor.userId }).execute();
  return n;
}

async function markRunStarted(trx: Trx, runId: string) {
  await trx.updateTable('ss_run').set({ status: 'in_progress' }).where('id', '=', runId).where('status', '=', 'planned').execute();
}

/** The centre's 换物单, entered by the centre nurse (or copied by the run nurse) before counting starts. */
export async function putSlip(ctx: CareContext, stopId: string, lines: { kind: 'reprocess' | 'used'; name: string; spec: string; quantity: number }[]) {
  const scope = await supplyScope(ctx, ['cssd_centre_nurse', ...STOP_WORKERS]);
  const stop = await stopFor(ctx, scope, stopId);
  const keys = lines.map((l) => `${l.kind}|${l.name.trim()}|${l.spec.trim()}`);
  const dup = keys.findIndex((k, i) => keys.indexOf(k) !== i);
  if (dup >= 0) throw badRequest(`body.lines.${dup}`, 'the same name and specification appear twice');
  return ctx.shared.transaction().execute(async (trx) => {
    // Lock the stop and refuse once counting has begun (gloves on is the first step of collection).
    const locked = await trx.selectFrom('ss_stop').select('progress').where('id', '=', stopId).where('progress', '<', stepNo('reprocess_counted')).forUpdate().executeTakeFirst();
    if (!locked) throw conflict('Counting has started at this stop: the slip can no longer change', 'counting_started');
    await trx.deleteFrom('ss_slip_line').where('stop_id', '=', stopId).execute();
    if (lines.length) {
      await trx
        .insertInto('ss_slip_line')
        .values(lines.map((l) => ({ stop_id: stopId, kind: l.kind, name: l.name.trim(), spec: l.spec.trim(), quantity: l.quantity, entered_by: ctx.actor.userId })))
        .execute();
    }
    await ctx.audit({ action: 'update', resource: 'ss_slip', detail: { stopId, lines: lines.length, centreId: stop.centre_id } }, trx);
    return { stopId, lines: lines.length };
  });
}

/** A tick step (gloves on, boxes, gloves off, hand hygiene). */
export async function tickStep(ctx: CareContext, stopId: string, step: StopStep) {
  const scope = await supplyScope(ctx, STOP_WORKERS);
  const stop = await stopFor(ctx, scope, stopId);
  return ctx.shared.transaction().execute(async (trx) => {
    const progress = await advance(trx, ctx, stopId, step);
    await markRunStarted(trx, stop.run_id);
    await ctx.audit({ action: 'update', resource: 'ss_stop', fields: [step], detail: { stopId } }, trx);
    return { stopId, progress, nextStep: nextStep(progress) };
  });
}

/**
 * Counting against the 换物单 (品名、数量、规格). A mismatch makes the stop a discrepancy, which stays until the department
 * resolves it. Counted 代消毒 items are scheduled for the day before the centre's next run.
 */
export async function countStep(ctx: CareContext, stopId: string, input: { kind: 'reprocess' | 'used'; lines: CountedLine[] }) {
  const scope = await supplyScope(ctx, STOP_WORKERS);
  const stop = await stopFor(ctx, scope, stopId);
  const step = COUNT_STEPS[input.kind];
  return ctx.shared.transaction().execute(async (trx) => {
    const progress = await advance(trx, ctx, stopId, step);
    const slip: SlipLine[] = (await trx.selectFrom('ss_slip_line').select(['name', 'spec', 'quantity']).where('stop_id', '=', stopId).where('kind', '=', input.kind).execute());
    const compared = compareWithSlip(slip, input.lines);
    if (compared.length) {
      await trx
        .insertInto('ss_count_line')
        .values(compared.map((l) => ({ stop_id: stopId, kind: input.kind, name: l.name, spec: l.spec, slip_quantity: l.slipQuantity, counted_quantity: l.countedQuantity, intact: l.intact })))
        .execute();
    }
    const discrepancy = isDiscrepancy(compared);
    // pending → matched/discrepancy; a discrepancy found on the first count is not cleared by a clean second count.
    await trx
      .updateTable('ss_stop')
      .set({ collection_status: discrepancy ? 'discrepancy' : sql<string>`CASE WHEN collection_status = 'pending' THEN 'matched' ELSE collection_status END` })
      .where('id', '=', stopId)
      .execute();
    let scheduled: { name: string; quantity: number; scheduledOn: string }[] = [];
    if (input.kind === 'reprocess') scheduled = await scheduleReprocess(trx, scope, stop, compared.filter((l) => l.countedQuantity > 0));
    await markRunStarted(trx, stop.run_id);
    await ctx.audit({ action: 'update', resource: 'ss_stop', fields: [step], detail: { stopId, discrepancy, lines: compared.length } }, trx);
    return { stopId, progress, nextStep: nextStep(progress), discrepancy, lines: compared, scheduled };
  });
}

async function scheduleReprocess(
  trx: Trx,
  scope: SupplyScope,
  stop: { id: string; centre_id: string; run_date: string },
  lines: { name: string; spec: string; countedQuantity: number }[],
) {
  if (lines.length === 0) return [];
  const [centre, planned] = await Promise.all([
    trx.selectFrom('ss_centre').select('run_weekdays').where('centre_id', '=', stop.centre_id).executeTakeFirstOrThrow(),
    trx
      .selectFrom('ss_stop as s')
      .innerJoin('ss_run as r', 'r.id', 's.run_id')
      .select('r.run_date')
      .where('s.centre_id', '=', stop.centre_id)
      .where('r.run_date', '>', stop.run_date)
      .execute(),
  ]);
  const nextRun = nextRunDate(stop.run_date, planned.map((p) => p.run_date), centre.run_weekdays.map(Number));
  const on = reprocessOn(stop.run_date, nextRun);
  await trx
    .insertInto('ss_reprocess_item')
    .values(
      lines.map((l) => ({
        department_id: scope.departmentId,
        centre_id: stop.centre_id,
        stop_id: stop.id,
        name: l.name,
        spec: l.spec,
        quantity: l.countedQuantity,
        collected_on: stop.run_date,
        next_run_on: nextRun,
        scheduled_on: on,
      })),
    )
    .execute();
  return lines.map((l) => ({ name: l.name, quantity: l.countedQuantity, scheduledOn: on }));
}

export async function resolveDiscrepancy(ctx: CareContext, stopId: string, note: string) {
  const scope = await supplyScope(ctx, ['cssd_staff']);
  await stopFor(ctx, scope, stopId);
  return ctx.shared.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('ss_stop')
      .set({ collection_status: 'resolved', resolved_by: ctx.actor.userId, resolved_at: sql<Date>`now()`, resolution_note: note })
      .where('id', '=', stopId)
      .where('collection_status', '=', 'discrepancy')
      .returning('id')
      .executeTakeFirst();
    if (!row) throw conflict('This stop has no open discrepancy', 'no_discrepancy');
    await ctx.audit({ action: 'update', resource: 'ss_stop', fields: ['collection_status'], reason: note, detail: { stopId } }, trx);
    return { stopId, collectionStatus: 'resolved' as const };
  });
}

export type IssueLine =
  | { label: string; indicatorColour: 'pass' | 'fail' }
  | { packTypeId: string; quantity: number; indicatorColour: 'pass' | 'fail' };

/**
 * Issue at the centre, after collection and hand hygiene at the same stop (seed 1.2.5.2). The nurse checks name,
 * quantity, sterilisation date, method and indicator colour; the database takes each pack with one conditional
 * update (in store, released load, passing indicator, not expired on the run date), so the last pack of a kind goes
 * to one centre only — the other gets 409. All lines or none.
 */
export async function issueAtStop(ctx: CareContext, stopId: string, items: IssueLine[]) {
  const scope = await supplyScope(ctx, STOP_WORKERS);
  const stop = await stopFor(ctx, scope, stopId);
  items.forEach((it, i) => {
    if (it.indicatorColour !== 'pass') throw badRequest(`body.items.${i}.indicatorColour`, 'the indicator tape has not changed colour: do not issue');
  });
  const issueOn = stop.run_date;
  return ctx.shared.transaction().execute(async (trx) => {
    const progress = await advance(trx, ctx, stopId, 'issued', { issued_at: new Date() });
    const issuedIds: string[] = [];
    const set = {
      status: 'issued',
      issued_stop_id: stopId,
      issued_centre_id: stop.centre_id,
      issued_on: issueOn,
      issued_by: ctx.actor.userId,
      issued_at: sql<Date>`now()`,
    };
    for (const [i, it] of items.entries()) {
      if ('label' in it) {
        const row = await trx
          .updateTable('ss_pack')
          .set(set)
          .where('label', '=', it.label)
          .where('department_id', '=', scope.departmentId)
          .where('status', '=', 'in_store')
          .where('chemical_external', '=', 'pass')
          .where('expires_on', '>=', issueOn)
          .where('sterilised_on', '<=', issueOn)
          .where((eb) => eb.exists(eb.selectFrom('ss_batch as b').select('b.id').whereRef('b.id', '=', 'ss_pack.batch_id').where('b.status', '=', 'released')))
          .where((eb) => eb.or([eb('owner_centre_id', 'is', null), eb('owner_centre_id', '=', stop.centre_id)]))
          .returning('id')
          .executeTakeFirst();
        if (row) {
          issuedIds.push(row.id);
          continue;
        }
        const p = await trx
          .selectFrom('ss_pack as p')
          .innerJoin('ss_batch as b', 'b.id', 'p.batch_id')
          .select(['p.status', 'b.status as batch_status', 'p.chemical_external', 'p.expires_on', 'p.owner_centre_id', 'p.department_id'])
          .where('p.label', '=', it.label)
          .executeTakeFirst();
        if (!p || p.department_id !== scope.departmentId) throw badRequest(`body.items.${i}.label`, 'is not a pack of this department');
        if (p.owner_centre_id && p.owner_centre_id !== stop.centre_id) throw badRequest(`body.items.${i}.label`, 'is another centre’s 代消毒 item');
        const blockers = issueBlockers({ status: p.status, batchStatus: p.batch_status, chemicalExternal: p.chemical_external, expiresOn: p.expires_on }, issueOn);
        if (blockers.length === 1 && blockers[0]!.field === 'status' && p.status === 'issued') {
          throw conflict(`Pack ${it.label} has already been issued`, 'pack_unavailable');
        }
        throw unprocessable(
          'pack_not_issuable',
          `Pack ${it.label} cannot be issued: ${blockers.map((b) => `${b.field}: ${b.message}`).join('; ')}`,
          blockers.map((b) => ({ field: `items.${i}.${b.field}`, message: b.message })),
        );
      }
      const rows = await trx
        .updateTable('ss_pack')
        .set(set)
        .where('status', '=', 'in_store')
        .where('id', 'in', (eb) =>
          eb
            .selectFrom('ss_pack as p')
            .innerJoin('ss_batch as b', 'b.id', 'p.batch_id')
            .select('p.id')
            .where('p.department_id', '=', scope.departmentId)
            .where('p.pack_type_id', '=', it.packTypeId)
            .where('p.status', '=', 'in_store')
            .where('b.status', '=', 'released')
            .where('p.chemical_external', '=', 'pass')
            .where('p.expires_on', '>=', issueOn)
            .where('p.sterilised_on', '<=', issueOn)
            .orderBy('p.expires_on')
            .orderBy('p.label')
            .limit(it.quantity)
            .forUpdate('p')
            .skipLocked(),
        )
        .returning('id')
        .execute();
      if (rows.length < it.quantity) {
        throw conflict(`items.${i}: only ${rows.length} of ${it.quantity} issuable packs of this kind are in store`, 'pack_unavailable');
      }
      issuedIds.push(...rows.map((r) => r.id));
    }
    const packTypes = await trx.selectFrom('ss_pack').select('pack_type_id').where('id', 'in', issuedIds.length ? issuedIds : ['00000000-0000-0000-0000-000000000000']).execute();
    const typeIds = [...new Set(packTypes.map((p) => p.pack_type_id).filter((x): x is string => x !== null))];
    if (typeIds.length) {
      await trx
        .updateTable('ss_request')
        .set({ status: 'fulfilled', fulfilled_stop_id: stopId })
        .where('centre_id', '=', stop.centre_id)
        .where('status', '=', 'open')
        .where('needed_on', '<=', issueOn)
        .where('pack_type_id', 'in', typeIds)
        .execute();
    }
    const runLeft = await trx.selectFrom('ss_stop').select('id').where('run_id', '=', stop.run_id).where('progress', '<', 8).executeTakeFirst();
    if (!runLeft) await trx.updateTable('ss_run').set({ status: 'completed' }).where('id', '=', stop.run_id).execute();
    await ctx.audit({ action: 'update', resource: 'ss_stop', fields: ['issued'], detail: { stopId, packs: issuedIds.length } }, trx);
    const labels = issuedIds.length ? await trx.selectFrom('ss_pack').select('label').where('id', 'in', issuedIds).orderBy('label').execute() : [];
    return { stopId, progress, issued: labels.map((l) => l.label) };
  });
}

// ───────────────────────────── centre stock and use ─────────────────────────────

export async function centreStock(ctx: CareContext, q: { centreId?: string | undefined }) {
  const scope = await supplyScope(ctx, ['cssd_centre_nurse', 'cssd_staff', 'cssd_run_nurse']);
  const centreId = scope.centreId ?? q.centreId;
  if (!centreId) throw badRequest('querystring.centreId', 'is required');
  if (scope.centreId && q.centreId && q.centreId !== scope.centreId) throw forbidden('Another centre’s stock');
  const today = todayIso();
  const rows = await ctx.shared
    .selectFrom('ss_pack as p')
    .leftJoin('ss_recall_item as ri', 'ri.pack_id', 'p.id')
    .select(['p.label', 'p.name', 'p.quantity', 'p.sterilised_on', 'p.expires_on', 'p.method', 'p.material', 'p.status', 'p.issued_on', 'ri.recall_id'])
    .where('p.department_id', '=', scope.departmentId)
    .where('p.issued_centre_id', '=', centreId)
    .where((eb) => eb.or([eb('p.status', '=', 'issued'), eb.and([eb('p.status', '=', 'recalled'), eb('ri.prior_status', '=', 'issued')])]))
    .orderBy('p.expires_on')
    .limit(1000)
    .execute();
  return rows.map((r) => ({
    label: r.label,
    name: r.name,
    quantity: r.quantity,
    sterilisedOn: r.sterilised_on,
    expiresOn: r.expires_on,
    method: r.method,
    material: r.material,
    status: r.status,
    issuedOn: r.issued_on,
    expired: today > r.expires_on,
    daysLeft: Math.round((Date.parse(r.expires_on) - Date.parse(today)) / 86_400_000),
    recallId: r.recall_id,
  }));
}

/** The department's store: issuable packs by kind (not expired today, passing indicator, released load). */
export async function storeStock(ctx: CareContext) {
  const scope = await supplyScope(ctx, ['cssd_staff', 'cssd_run_nurse']);
  const today = todayIso();
  const rows = await ctx.shared
    .selectFrom('ss_pack as p')
    .innerJoin('ss_batch as b', 'b.id', 'p.batch_id')
    .select([
      'p.pack_type_id',
      'p.name',
      sql<number>`count(*) FILTER (WHERE b.status = 'released' AND p.chemical_external = 'pass' AND p.expires_on >= ${today})::int`.as('issuable'),
      sql<number>`count(*) FILTER (WHERE p.expires_on < ${today})::int`.as('expired'),
      sql<number>`count(*) FILTER (WHERE b.status <> 'released')::int`.as('awaiting_release'),
      sql<string | null>`min(p.expires_on) FILTER (WHERE b.status = 'released' AND p.expires_on >= ${today})`.as('next_expiry'),
    ])
    .where('p.department_id', '=', scope.departmentId)
    .where('p.status', 'in', ['in_store', 'packed'])
    .groupBy(['p.pack_type_id', 'p.name'])
    .orderBy('p.name')
    .execute();
  return rows.map((r) => ({ packTypeId: r.pack_type_id, name: r.name, issuable: r.issuable, expired: r.expired, awaitingRelease: r.awaiting_release, nextExpiry: r.next_expiry }));
}

/**
 * The centre opens a pack. The encounter it was opened for may be named by id (a seam: reading it back goes through
 * the resident access check); no resident data is stored here.
 */
export async function usePack(ctx: CareContext, label: string, input: { usedOn?: string | undefined; encounterId?: string | undefined }) {
  const scope = await supplyScope(ctx, ['cssd_centre_nurse']);
  const usedOn = input.usedOn ?? todayIso();
  if (usedOn > todayIso()) throw badRequest('body.usedOn', 'is in the future');
  return ctx.shared.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('ss_pack')
      .set({ status: 'used', used_on: usedOn, used_by: ctx.actor.userId, encounter_id: input.encounterId ?? null })
      .where('label', '=', label)
      .where('issued_centre_id', '=', scope.centreId)
      .where('status', '=', 'issued')
      .where('expires_on', '>=', usedOn)
      .where('issued_on', '<=', usedOn)
      .returning('id')
      .executeTakeFirst();
    if (!row) {
      const p = await trx.selectFrom('ss_pack').select(['status', 'expires_on', 'issued_centre_id']).where('label', '=', label).executeTakeFirst();
      if (!p || p.issued_centre_id !== scope.centreId) throw notFound('Pack at your centre');
      if (p.status === 'recalled') throw conflict('This pack is recalled: return it to the supply department', 'recalled');
      if (p.status !== 'issued') throw conflict(`Pack is ${p.status}`, 'pack_unavailable');
      throw unprocessable('expired', `Pack expired on ${p.expires_on}: return it for reprocessing`, [{ field: 'expiresOn', message: `expired on ${p.expires_on}` }]);
    }
    await ctx.audit({ action: 'update', resource: 'ss_pack', fields: ['status', ...(input.encounterId ? ['encounter_id'] : [])], detail: { label } }, trx);
    return { label, status: 'used' as const };
  });
}

export const STEPS = STOP_STEPS;

/** 代消毒 items waiting to be sterilised, by the day they are scheduled for (D−1 of the centre's next run). */
export async function listReprocessItems(ctx: CareContext, q: { status?: 'pending' | 'packed' | undefined; centreId?: string | undefined }) {
  const scope = await supplyScope(ctx, ['cssd_staff', 'cssd_run_nurse', 'cssd_centre_nurse']);
  let query = ctx.shared
    .selectFrom('ss_reprocess_item as r')
    .innerJoin('institution as i', 'i.id', 'r.centre_id')
    .select(['r.id', 'r.centre_id', 'i.name as centre_name', 'r.name', 'r.spec', 'r.quantity', 'r.collected_on', 'r.next_run_on', 'r.scheduled_on', 'r.status'])
    .where('r.department_id', '=', scope.departmentId);
  const centreId = scope.centreId ?? q.centreId;
  if (centreId) query = query.where('r.centre_id', '=', centreId);
  if (q.status) query = query.where('r.status', '=', q.status);
  const rows = await query.orderBy('r.scheduled_on').orderBy('i.name').limit(500).execute();
  return rows.map((r) => ({
    id: r.id,
    centreId: r.centre_id,
    centreName: r.centre_name,
    name: r.name,
    spec: r.spec,
    quantity: r.quantity,
    collectedOn: r.collected_on,
    nextRunOn: r.next_run_on,
    scheduledOn: r.scheduled_on,
    status: r.status,
  }));
}

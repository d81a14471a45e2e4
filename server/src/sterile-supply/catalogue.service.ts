import { sql } from 'kysely';
import type { CareContext } from '../http/care-context.js';
import { badRequest, conflict, forbidden } from '../http/errors.js';
import { todayIso } from '../shared/dates.js';
import { pgCode, supplyScope, type Db } from './access.js';
import type { Material } from './rules/validity.js';
import type { Method } from './rules/monitoring.js';

export interface CentreRoute {
  centreId: string;
  routeName: string;
  stopOrder: number;
  plannedTime: string;
  runWeekdays: number[];
}

/**
 * Sets up (or updates) the supply department of the actor's hospital and the centres its van serves, with the route,
 * the stop order and the planned time at each centre (seed 1.2.4).
 */
export async function setupDepartment(ctx: CareContext, input: { name: string; storeControlled: boolean; centres: CentreRoute[] }) {
  const a = ctx.actor;
  if (a.role !== 'institution_admin' && a.role !== 'cssd_staff') throw forbidden('The hospital administrator or the department staff set up the department');
  if (!a.institutionId) throw forbidden('Not attached to an institution');
  const hospital = await ctx.shared.selectFrom('institution').select('kind').where('id', '=', a.institutionId).executeTakeFirstOrThrow();
  if (!['secondary_hospital', 'tertiary_hospital'].includes(hospital.kind)) throw forbidden('A sterile supply department belongs to a hospital');
  const ids = input.centres.map((c) => c.centreId);
  if (new Set(ids).size !== ids.length) throw badRequest('body.centres', 'lists a centre twice');
  const centres = ids.length
    ? await ctx.shared.selectFrom('institution').select(['id', 'kind']).where('id', 'in', ids).execute()
    : [];
  input.centres.forEach((c, i) => {
    const found = centres.find((x) => x.id === c.centreId);
    if (!found || !['community_health_centre', 'community_health_station'].includes(found.kind)) {
      throw badRequest(`body.centres.${i}.centreId`, 'is not a community health centre');
    }
  });
  try {
    return await ctx.shared.transaction().execute(async (trx) => {
      const dept = await trx
        .insertInto('ss_department')
        .values({ institution_id: a.institutionId!, name: input.name, store_controlled: input.storeControlled })
        .onConflict((oc) => oc.column('institution_id').doUpdateSet({ name: input.name, store_controlled: input.storeControlled }))
        .returning('id')
        .executeTakeFirstOrThrow();
      for (const c of input.centres) {
        await trx
          .insertInto('ss_centre')
          .values({
            centre_id: c.centreId,
            department_id: dept.id,
            route_name: c.routeName,
            stop_order: c.stopOrder,
            planned_time: c.plannedTime,
            run_weekdays: c.runWeekdays,
          })
          .onConflict((oc) =>
            oc
              .column('centre_id')
              .doUpdateSet({ route_name: c.routeName, stop_order: c.stopOrder, planned_time: c.plannedTime, run_weekdays: c.runWeekdays })
              // A centre served by another department stays with it: the update does not apply, see below.
              .where('ss_centre.department_id', '=', dept.id),
          )
          .execute();
      }
      const mine = ids.length
        ? await trx.selectFrom('ss_centre').select('centre_id').where('department_id', '=', dept.id).where('centre_id', 'in', ids).execute()
        : [];
      const taken = ids.findIndex((id) => !mine.some((m) => m.centre_id === id));
      if (taken >= 0) throw conflict(`centres.${taken}: the centre is served by another supply department`, 'centre_taken');
      await ctx.audit({ action: 'update', resource: 'ss_department', detail: { departmentId: dept.id, centres: ids.length } }, trx);
      return { id: dept.id };
    });
  } catch (e) {
    if (pgCode(e) === '23505') throw conflict('Duplicate department or centre', 'duplicate');
    throw e;
  }
}

export async function getDepartment(ctx: CareContext) {
  const scope = await supplyScope(ctx, ['cssd_staff', 'cssd_run_nurse', 'cssd_centre_nurse', 'institution_admin', 'commission_admin']);
  const db = ctx.shared;
  const [dept, centres, packTypes, sterilisers, rules, nurses, instruments] = await Promise.all([
    db
      .selectFrom('ss_department as d')
      .innerJoin('institution as i', 'i.id', 'd.institution_id')
      .select(['d.id', 'd.name', 'd.store_controlled', 'i.name as institution_name'])
      .where('d.id', '=', scope.departmentId)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('ss_centre as c')
      .innerJoin('institution as i', 'i.id', 'c.centre_id')
      .select(['c.centre_id', 'i.name', 'c.route_name', 'c.stop_order', 'c.planned_time', 'c.run_weekdays'])
      .where('c.department_id', '=', scope.departmentId)
      .orderBy('c.route_name')
      .orderBy('c.stop_order')
      .execute(),
    db.selectFrom('ss_pack_type').selectAll().where('department_id', '=', scope.departmentId).orderBy('code').execute(),
    db.selectFrom('ss_steriliser').selectAll().where('department_id', '=', scope.departmentId).orderBy('code').execute(),
    validityRules(db),
    db
      .selectFrom('app_user')
      .select(['id', 'display_name'])
      .where('institution_id', '=', scope.institutionId)
      .where('role', '=', 'cssd_run_nurse')
      .where('active', '=', true)
      .orderBy('display_name')
      .execute(),
    db
      .selectFrom('ss_instrument')
      .select(['id', 'pack_type_id', 'name', 'spec', 'udi', 'status', 'scrap_reason'])
      .where('department_id', '=', scope.departmentId)
      .orderBy('name')
      .execute(),
  ]);
  return {
    id: dept.id,
    name: dept.name,
    institutionName: dept.institution_name,
    storeControlled: dept.store_controlled,
    scope: { centreId: scope.centreId },
    centres: centres.map((c) => ({
      centreId: c.centre_id,
      name: c.name,
      routeName: c.route_name,
      stopOrder: c.stop_order,
      plannedTime: c.planned_time,
      runWeekdays: c.run_weekdays.map(Number),
    })),
    packTypes: packTypes.map((p) => ({
      id: p.id,
      code: p.code,
      name: p.name,
      contents: p.contents as { name: string; spec: string; quantity: number }[],
      instruments: instruments.filter((i) => i.pack_type_id === p.id && i.status === 'in_service').map((i) => ({ id: i.id, name: i.name, spec: i.spec, udi: i.udi })),
      material: p.material,
      method: p.method,
      lowUse: p.low_use,
      highRisk: p.high_risk,
      implant: p.implant,
    })),
    sterilisers: sterilisers.map((s) => ({ id: s.id, code: s.code, name: s.name, method: s.method, status: s.status, passesSinceBlock: s.bi_passes_since_block })),
    scrappedInstruments: instruments.filter((i) => i.status === 'scrapped').map((i) => ({ id: i.id, name: i.name, spec: i.spec, reason: i.scrap_reason ?? '' })),
    validityRules: rules,
    runNurses: nurses.map((n) => ({ id: n.id, name: n.display_name })),
  };
}

export async function validityRules(db: Db) {
  const rows = await db.selectFrom('ss_validity_rule').selectAll().orderBy('version').orderBy('id').execute();
  return rows.map((r) => ({
    id: r.id,
    version: r.version,
    effectiveFrom: r.effective_from,
    material: r.material,
    storeControlled: r.store_controlled,
    months: r.months,
    days: r.days,
    basis: r.basis,
  }));
}

export async function createPackType(
  ctx: CareContext,
  input: { code: string; name: string; contents: { name: string; spec: string; quantity: number }[]; material: Material; method: Method; lowUse: boolean; highRisk: boolean; implant: boolean },
) {
  const scope = await supplyScope(ctx, ['cssd_staff']);
  try {
    return await ctx.shared.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('ss_pack_type')
        .values({
          department_id: scope.departmentId,
          code: input.code,
          name: input.name,
          contents: JSON.stringify(input.contents),
          material: input.material,
          method: input.method,
          low_use: input.lowUse,
          high_risk: input.highRisk,
          implant: input.implant,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await ctx.audit({ action: 'create', resource: 'ss_pack_type', detail: { id: row.id, code: input.code } }, trx);
      return { id: row.id };
    });
  } catch (e) {
    if (pgCode(e) === '23505') throw conflict('A pack with this code or standard name exists', 'duplicate');
    throw e;
  }
}

export async function createSteriliser(ctx: CareContext, input: { code: string; name: string; method: Method }) {
  const scope = await supplyScope(ctx, ['cssd_staff']);
  try {
    return await ctx.shared.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('ss_steriliser')
        .values({ department_id: scope.departmentId, code: input.code, name: input.name, method: input.method })
        .returning('id')
        .executeTakeFirstOrThrow();
      await ctx.audit({ action: 'create', resource: 'ss_steriliser', detail: { id: row.id, code: input.code } }, trx);
      return { id: row.id };
    });
  } catch (e) {
    if (pgCode(e) === '23505') throw conflict('A steriliser with this code exists', 'duplicate');
    throw e;
  }
}

export async function createInstrument(ctx: CareContext, input: { packTypeId: string | null; name: string; spec: string; udi: string | null }) {
  const scope = await supplyScope(ctx, ['cssd_staff']);
  return ctx.shared.transaction().execute(async (trx) => {
    if (input.packTypeId) {
      const pt = await trx.selectFrom('ss_pack_type').select('id').where('id', '=', input.packTypeId).where('department_id', '=', scope.departmentId).executeTakeFirst();
      if (!pt) throw badRequest('body.packTypeId', 'is not a pack of this department');
    }
    const row = await trx
      .insertInto('ss_instrument')
      .values({ department_id: scope.departmentId, pack_type_id: input.packTypeId, name: input.name, spec: input.spec, udi: input.udi })
      .returning('id')
      .executeTakeFirstOrThrow();
    await ctx.audit({ action: 'create', resource: 'ss_instrument', detail: { id: row.id } }, trx);
    return { id: row.id };
  });
}

/** Inspection after cleaning: a failed or non-standard instrument is scrapped (报废) and leaves its pack (seed 1.2.2). */
export async function inspectInstrument(ctx: CareContext, instrumentId: string, input: { result: 'pass' | 'fail'; reason: string | null }) {
  const scope = await supplyScope(ctx, ['cssd_staff']);
  if (input.result === 'fail' && !input.reason) throw badRequest('body.reason', 'is required when the instrument fails inspection');
  return ctx.shared.transaction().execute(async (trx) => {
    if (input.result === 'pass') {
      const ok = await trx.selectFrom('ss_instrument').select('status').where('id', '=', instrumentId).where('department_id', '=', scope.departmentId).executeTakeFirst();
      if (!ok) throw badRequest('params.instrumentId', 'is not an instrument of this department');
      if (ok.status === 'scrapped') throw conflict('The instrument is scrapped', 'scrapped');
      await ctx.audit({ action: 'update', resource: 'ss_instrument', fields: ['inspection'], detail: { instrumentId, result: 'pass' } }, trx);
      return { id: instrumentId, status: 'in_service' as const };
    }
    const row = await trx
      .updateTable('ss_instrument')
      .set({ status: 'scrapped', pack_type_id: null, scrapped_at: sql<Date>`now()`, scrapped_by: ctx.actor.userId, scrap_reason: input.reason })
      .where('id', '=', instrumentId)
      .where('department_id', '=', scope.departmentId)
      .where('status', '=', 'in_service')
      .returning('id')
      .executeTakeFirst();
    if (!row) throw conflict('Not an in-service instrument of this department', 'scrapped');
    await ctx.audit({ action: 'update', resource: 'ss_instrument', fields: ['status', 'pack_type_id'], reason: input.reason, detail: { instrumentId, result: 'fail' } }, trx);
    return { id: instrumentId, status: 'scrapped' as const };
  });
}

/** A washer-disinfector cycle; the final rinse passes at ≥ 90 ℃ for ≥ 1 min (WS 310.2-2016; the seed's washers reach 93 ℃). */
export const RINSE_MIN_C = 90;
export const RINSE_MIN_MINUTES = 1;
export async function recordWash(ctx: CareContext, input: { washerCode: string; washedOn?: string | undefined; finalRinseC: number; rinseMinutes: number }) {
  const scope = await supplyScope(ctx, ['cssd_staff']);
  const washedOn = input.washedOn ?? todayIso();
  if (washedOn > todayIso()) throw badRequest('body.washedOn', 'is in the future');
  const passed = input.finalRinseC >= RINSE_MIN_C && input.rinseMinutes >= RINSE_MIN_MINUTES;
  return ctx.shared.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('ss_wash_cycle')
      .values({ department_id: scope.departmentId, washer_code: input.washerCode, washed_on: washedOn, final_rinse_c: input.finalRinseC, rinse_minutes: input.rinseMinutes, passed, recorded_by: ctx.actor.userId })
      .returning('id')
      .executeTakeFirstOrThrow();
    await ctx.audit({ action: 'create', resource: 'ss_wash_cycle', detail: { id: row.id, passed } }, trx);
    return { id: row.id, passed };
  });
}

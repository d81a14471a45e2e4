import type { CareContext } from '../http/care-context.js';
import { forbidden, notFound } from '../http/errors.js';
import { supplyScope, type Db } from './access.js';

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);

/**
 * From a pack label to everything behind it: the pack (name, packer, material, dates, indicators), its load, the
 * steriliser, that day's B-D tests and the load's biological indicators, where it went (centre, run, stop) and what
 * became of it (used — with the encounter id only — or recalled). A centre nurse traces her centre's packs only.
 */
export async function traceLabel(ctx: CareContext, label: string) {
  const scope = await supplyScope(ctx, ['cssd_staff', 'cssd_run_nurse', 'cssd_centre_nurse', 'institution_admin']);
  const db = ctx.shared;
  const p = await db
    .selectFrom('ss_pack as p')
    .innerJoin('app_user as packer', 'packer.id', 'p.packer_id')
    .leftJoin('ss_pack_type as t', 't.id', 'p.pack_type_id')
    .leftJoin('ss_reprocess_item as ri', 'ri.id', 'p.reprocess_item_id')
    .leftJoin('institution as owner', 'owner.id', 'p.owner_centre_id')
    .select([
      'p.id',
      'p.label',
      'p.name',
      'p.quantity',
      'p.material',
      'p.method',
      'p.sterilised_on',
      'p.expires_on',
      'p.validity_rule_id',
      'p.chemical_external',
      'p.chemical_internal',
      'p.status',
      'p.implant',
      'p.batch_id',
      'p.department_id',
      'p.issued_centre_id',
      'p.issued_stop_id',
      'p.issued_on',
      'p.issued_at',
      'p.used_on',
      'p.encounter_id',
      'p.packed_at',
      'packer.display_name as packer_name',
      't.code as pack_code',
      't.contents',
      'ri.collected_on as reprocess_collected_on',
      'owner.name as owner_name',
    ])
    .where('p.label', '=', label)
    .executeTakeFirst();
  if (!p || p.department_id !== scope.departmentId) throw notFound('Pack');
  if (scope.centreId && p.issued_centre_id !== scope.centreId) throw forbidden('A pack not issued to your centre');
  const [batch, bd, bi, issue, recall] = await Promise.all([
    db
      .selectFrom('ss_batch as b')
      .innerJoin('ss_steriliser as s', 's.id', 'b.steriliser_id')
      .leftJoin('app_user as r', 'r.id', 'b.released_by')
      .select([
        'b.id',
        'b.batch_no',
        'b.cycle_no',
        'b.sterilised_on',
        'b.status',
        'b.temperature_c',
        'b.pressure_kpa',
        'b.exposure_minutes',
        'b.physical_pass',
        'b.bi_required',
        'b.released_at',
        'r.display_name as released_by',
        's.id as steriliser_id',
        's.code as steriliser_code',
        's.name as steriliser_name',
        's.method as steriliser_method',
        's.status as steriliser_status',
      ])
      .where('b.id', '=', p.batch_id)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('ss_bd_test as t')
      .innerJoin('ss_batch as b', (j) => j.onRef('b.steriliser_id', '=', 't.steriliser_id').onRef('b.sterilised_on', '=', 't.tested_on'))
      .select(['t.tested_on', 't.result', 't.recorded_at'])
      .where('b.id', '=', p.batch_id)
      .orderBy('t.recorded_at')
      .execute(),
    db.selectFrom('ss_bi_test').select(['result', 'read_on']).where('batch_id', '=', p.batch_id).orderBy('recorded_at').execute(),
    p.issued_stop_id
      ? db
          .selectFrom('ss_stop as s')
          .innerJoin('ss_run as r', 'r.id', 's.run_id')
          .innerJoin('institution as c', 'c.id', 's.centre_id')
          .innerJoin('app_user as n', 'n.id', 'r.nurse_user_id')
          .select(['c.id as centre_id', 'c.name as centre_name', 'r.id as run_id', 'r.run_date', 'r.route_name', 'n.display_name as nurse_name', 's.stop_order'])
          .where('s.id', '=', p.issued_stop_id)
          .executeTakeFirst()
      : Promise.resolve(undefined),
    db
      .selectFrom('ss_recall_item as i')
      .innerJoin('ss_recall as r', 'r.id', 'i.recall_id')
      .select(['r.id', 'r.opened_on', 'i.prior_status'])
      .where('i.pack_id', '=', p.id)
      .executeTakeFirst(),
  ]);
  return {
    pack: {
      label: p.label,
      name: p.name,
      code: p.pack_code,
      quantity: p.quantity,
      contents: (p.contents as { name: string; spec: string; quantity: number }[] | null) ?? [],
      material: p.material,
      method: p.method,
      sterilisedOn: p.sterilised_on,
      expiresOn: p.expires_on,
      validityRuleId: p.validity_rule_id,
      implant: p.implant,
      packer: p.packer_name,
      packedAt: iso(p.packed_at)!,
      status: p.status,
      chemicalExternal: p.chemical_external,
      chemicalInternal: p.chemical_internal,
      reprocessedFor: p.owner_name ? { centreName: p.owner_name, collectedOn: p.reprocess_collected_on } : null,
    },
    batch: {
      id: batch.id,
      batchNo: batch.batch_no,
      cycleNo: batch.cycle_no,
      sterilisedOn: batch.sterilised_on,
      status: batch.status,
      temperatureC: batch.temperature_c,
      pressureKpa: batch.pressure_kpa,
      exposureMinutes: batch.exposure_minutes,
      physicalPass: batch.physical_pass,
      biRequired: batch.bi_required,
      releasedAt: iso(batch.released_at),
      releasedBy: batch.released_by,
    },
    steriliser: { id: batch.steriliser_id, code: batch.steriliser_code, name: batch.steriliser_name, method: batch.steriliser_method, status: batch.steriliser_status },
    monitoring: {
      bowieDick: bd.map((t) => ({ testedOn: t.tested_on, result: t.result })),
      biological: bi.map((t) => ({ readOn: t.read_on, result: t.result })),
    },
    issue: issue
      ? {
          centreId: issue.centre_id,
          centreName: issue.centre_name,
          issuedOn: p.issued_on!,
          issuedAt: iso(p.issued_at),
          runId: issue.run_id,
          runDate: issue.run_date,
          routeName: issue.route_name,
          nurse: issue.nurse_name,
          stopOrder: issue.stop_order,
        }
      : null,
    // The encounter is named by id only; showing who the patient was goes through the resident access check.
    use: p.used_on ? { usedOn: p.used_on, encounterId: p.encounter_id } : null,
    recall: recall ? { id: recall.id, openedOn: recall.opened_on, priorStatus: recall.prior_status } : null,
  };
}

async function holders(db: Db, filter: { recallId?: string; batchId?: string }) {
  let q = db
    .selectFrom('ss_pack as p')
    .innerJoin('ss_batch as b', 'b.id', 'p.batch_id')
    .leftJoin('ss_recall_item as i', 'i.pack_id', 'p.id')
    .leftJoin('institution as c', (j) => j.on((eb) => eb('c.id', '=', eb.fn.coalesce('i.centre_id', 'p.issued_centre_id'))))
    .select(['p.label', 'p.name', 'p.status', 'p.expires_on', 'b.batch_no', 'i.prior_status', 'c.id as centre_id', 'c.name as centre_name']);
  if (filter.recallId) q = q.where('i.recall_id', '=', filter.recallId);
  if (filter.batchId) q = q.where('p.batch_id', '=', filter.batchId);
  const rows = await q.orderBy('c.name').orderBy('p.label').execute();
  const byCentre = new Map<string, { centreId: string | null; centreName: string | null; packs: { label: string; name: string; status: string; batchNo: string; expiresOn: string }[] }>();
  for (const r of rows) {
    // Where the pack is: at the centre it was issued to (until used there), else in the department's store.
    const atCentre = r.centre_id && (r.prior_status === 'issued' || r.status === 'issued' || r.status === 'used');
    const key = atCentre ? r.centre_id! : 'store';
    const entry = byCentre.get(key) ?? { centreId: atCentre ? r.centre_id : null, centreName: atCentre ? r.centre_name : null, packs: [] };
    entry.packs.push({ label: r.label, name: r.name, status: r.status, batchNo: r.batch_no, expiresOn: r.expires_on });
    byCentre.set(key, entry);
  }
  return [...byCentre.values()];
}

/** A recall: the failed indicator, the last passing load, and every recalled pack grouped by the centre holding it. */
export async function traceRecall(ctx: CareContext, recallId: string) {
  const scope = await supplyScope(ctx, ['cssd_staff', 'institution_admin', 'cssd_centre_nurse']);
  const r = await ctx.shared
    .selectFrom('ss_recall as r')
    .innerJoin('ss_steriliser as s', 's.id', 'r.steriliser_id')
    .innerJoin('ss_bi_test as t', 't.id', 'r.bi_test_id')
    .innerJoin('ss_batch as fb', 'fb.id', 't.batch_id')
    .leftJoin('ss_batch as lp', 'lp.id', 'r.last_pass_batch_id')
    .select(['r.id', 'r.opened_on', 'r.department_id', 's.code as steriliser_code', 's.status as steriliser_status', 's.bi_passes_since_block', 'fb.batch_no as failed_batch_no', 'lp.batch_no as last_pass_batch_no'])
    .where('r.id', '=', recallId)
    .executeTakeFirst();
  if (!r || r.department_id !== scope.departmentId) throw notFound('Recall');
  let groups = await holders(ctx.shared, { recallId });
  if (scope.centreId) groups = groups.filter((g) => g.centreId === scope.centreId);
  return {
    id: r.id,
    openedOn: r.opened_on,
    steriliserCode: r.steriliser_code,
    steriliserStatus: r.steriliser_status,
    passesSinceBlock: r.bi_passes_since_block,
    failedBatchNo: r.failed_batch_no,
    lastPassBatchNo: r.last_pass_batch_no,
    holders: groups,
  };
}

/** A load: every pack of it and the centre now holding each (for a recall by load). */
export async function traceBatch(ctx: CareContext, batchId: string) {
  const scope = await supplyScope(ctx, ['cssd_staff', 'institution_admin']);
  const b = await ctx.shared.selectFrom('ss_batch').select(['id', 'batch_no', 'department_id', 'status']).where('id', '=', batchId).executeTakeFirst();
  if (!b || b.department_id !== scope.departmentId) throw notFound('Load');
  return { id: b.id, batchNo: b.batch_no, status: b.status, holders: await holders(ctx.shared, { batchId }) };
}

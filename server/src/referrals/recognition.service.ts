import { sql } from 'kysely';
import type { CareContext } from '../http/care-context.js';
import { badRequest, conflict, forbidden } from '../http/errors.js';
import { withinRecognitionWindow } from './referral-rules.js';

/**
 * Result mutual recognition (互认, seed 000): the catalogue of recognised items per region (region
 * '*' is the default, a region's rows override it) and test orders that meet an earlier result
 * inside its validity window.
 */
export async function catalogue(ctx: CareContext, regionCode: string | null) {
  const rows = await ctx.shared
    .selectFrom('recognised_test')
    .select(['region_code', 'loinc', 'name', 'name_en', 'kind', 'validity_days', 'active'])
    .where('region_code', 'in', regionCode ? ['*', regionCode] : ['*'])
    .execute();
  const byCode = new Map<string, (typeof rows)[number]>();
  for (const r of rows) if (r.region_code !== '*' || !byCode.has(r.loinc)) byCode.set(r.loinc, r);
  for (const r of rows) if (r.region_code !== '*') byCode.set(r.loinc, r);
  return [...byCode.values()]
    .filter((r) => r.active)
    .map((r) => ({ loinc: r.loinc, name: r.name, nameEn: r.name_en, kind: r.kind as 'lab' | 'imaging', validityDays: r.validity_days, regionCode: r.region_code }))
    .sort((a, b) => a.kind.localeCompare(b.kind) || a.validityDays - b.validityDays || a.loinc.localeCompare(b.loinc));
}

async function actorRegion(ctx: CareContext): Promise<string | null> {
  if (!ctx.actor.institutionId) return null;
  const row = await ctx.shared.selectFrom('institution').select('region_code').where('id', '=', ctx.actor.institutionId).executeTakeFirst();
  return row?.region_code ?? null;
}

export interface EarlierResult {
  loinc: string;
  name: string;
  validityDays: number;
  observationId: string;
  display: string;
  value: number | null;
  valueText: string | null;
  unit: string | null;
  at: string;
  institutionId: string | null;
  institution: string | null;
  validUntil: string;
}

/** For each requested code: whether it is recognised, and the earlier result still inside its window. */
export async function checkOrders(ctx: CareContext, residentId: string, codes: string[]) {
  ctx.requireClinical('Test orders');
  const items = new Map((await catalogue(ctx, await actorRegion(ctx))).map((i) => [i.loinc, i]));
  return ctx.readResident(residentId, { action: 'read', resource: 'test_order.check', fields: ['results'], detail: { codes } }, async (db) => {
    const now = new Date();
    const out = [];
    for (const code of codes) {
      const item = items.get(code);
      if (!item) {
        out.push({ loinc: code, recognised: false, validityDays: null, earlier: null });
        continue;
      }
      const since = new Date(now.getTime() - item.validityDays * 86_400_000);
      const o = await db
        .selectFrom('observation as o')
        .leftJoin('institution as i', 'i.id', 'o.institution_id')
        .select(['o.id', 'o.display', 'o.value_numeric', 'o.value_text', 'o.unit', 'o.effective_at', 'o.institution_id', 'i.name as institution'])
        .where('o.resident_id', '=', residentId)
        .where('o.loinc', '=', code)
        .where('o.entry_status', '=', 'active')
        .where('o.effective_at', '>=', since)
        .where('o.effective_at', '<=', now)
        .orderBy('o.effective_at', 'desc')
        .limit(1)
        .executeTakeFirst();
      const earlier: EarlierResult | null =
        o && withinRecognitionWindow(new Date(o.effective_at), now, item.validityDays)
          ? {
              loinc: code,
              name: item.name,
              validityDays: item.validityDays,
              observationId: o.id,
              display: o.display,
              value: o.value_numeric,
              valueText: o.value_text,
              unit: o.unit,
              at: new Date(o.effective_at).toISOString(),
              institutionId: o.institution_id,
              institution: o.institution,
              validUntil: new Date(new Date(o.effective_at).getTime() + item.validityDays * 86_400_000).toISOString(),
            }
          : null;
      out.push({ loinc: code, recognised: true, validityDays: item.validityDays, earlier });
    }
    return out;
  });
}

export interface NewOrder {
  loinc: string;
  decision?: 'reuse' | 'repeat' | undefined;
  reason?: string | undefined;
  referralId?: string | undefined;
}

/**
 * Orders (or requests) a test. Inside a recognised result's window the clinician must decide: reuse
 * the earlier result, or repeat it with a reason; an order without a decision is refused (409) with
 * the earlier result named. Every decision is stored: it is what the repeat-test rate counts.
 */
export async function orderTest(ctx: CareContext, residentId: string, body: NewOrder) {
  ctx.requireClinical('Test orders');
  if (!ctx.actor.institutionId) throw forbidden('Tests are ordered by an institution');
  if (body.decision === 'repeat' && !(body.reason && body.reason.trim().length >= 2)) throw badRequest('body.reason', 'is required to repeat a recognised result');
  const [check] = await checkOrders(ctx, residentId, [body.loinc]);
  const earlier = check!.earlier;
  if (earlier && !body.decision) {
    throw conflict(
      `${earlier.name} from ${earlier.institution ?? 'another institution'} on ${earlier.at.slice(0, 10)} is recognised until ${earlier.validUntil.slice(0, 10)}: reuse it or repeat with a reason`,
      'recognised_result_in_window',
    );
  }
  if (!earlier && body.decision === 'reuse') throw conflict('No recognised result in its window to reuse', 'no_recognised_result');
  const decision = earlier ? (body.decision === 'reuse' ? 'reused' : 'repeated') : 'new';
  return ctx.writeForResident(residentId, { action: 'create', resource: 'test_order', fields: ['test_order'], detail: { loinc: body.loinc, decision } }, async (trx) => {
    if (body.referralId) {
      const r = await trx.selectFrom('referral').select('id').where('id', '=', body.referralId).where('resident_id', '=', residentId).executeTakeFirst();
      if (!r) throw badRequest('body.referralId', 'is not a referral of this resident');
    }
    const row = await trx
      .insertInto('test_order')
      .values({
        resident_id: residentId,
        loinc: body.loinc,
        institution_id: ctx.actor.institutionId,
        ordered_by: ctx.actor.userId,
        referral_id: body.referralId ?? null,
        earlier_observation_id: earlier?.observationId ?? null,
        earlier_institution_id: earlier?.institutionId ?? null,
        earlier_at: earlier ? new Date(earlier.at) : null,
        decision,
        reason: body.reason ?? null,
        ordered_at: sql`now()`,
      })
      .returning(['id'])
      .executeTakeFirstOrThrow();
    return { id: row.id, loinc: body.loinc, decision: decision as 'new' | 'reused' | 'repeated', earlier };
  });
}

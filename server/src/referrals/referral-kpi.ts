import { sql } from 'kysely';
import type { CareContext } from '../http/care-context.js';
import { badRequest } from '../http/errors.js';
import { contractInForce } from '../access/care-relationship.js';
import { isSmallCell, suppressSmallCells } from '../access/small-cells.js';
import { requireKpiAccess, validatePeriod, type KpiScope } from '../kpi/kpi.service.js';

/** Seed 003: referral time (request → seen) from 3 days to 1. */
export const REFERRAL_TIME_TARGET_HOURS = 24;

/**
 * Referral time for a period and level: median and mean hours from request to the patient's
 * arrival, over up-referrals requested in the period and seen. Attributed like the referral KPIs
 * (the referring institution, the contract team and GP at the period's end).
 */
export async function referralTime(ctx: CareContext, s: KpiScope) {
  if (s.level !== 'region' && !s.id) throw badRequest('querystring.id', `is required for level ${s.level}`);
  validatePeriod(s.from, s.to);
  requireKpiAccess(ctx, s);
  const scope =
    s.level === 'region'
      ? sql`true`
      : s.level === 'institution'
        ? sql`f.from_institution_id = ${s.id}::uuid`
        : s.level === 'team'
          ? sql`c.team_id = ${s.id}::uuid`
          : sql`c.gp_user_id = ${s.id}::uuid`;
  const row = await ctx.aggregate({ action: 'aggregate', resource: 'kpi.referral_time', detail: { ...s } }, async (db) => {
    const { rows } = await sql<{ n: number; median: number | null; mean: number | null; within: number }>`
      SELECT count(*)::int AS n,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM f.seen_at - f.requested_at) / 3600.0) AS median,
             avg(extract(epoch FROM f.seen_at - f.requested_at) / 3600.0) AS mean,
             count(*) FILTER (WHERE f.seen_at <= f.requested_at + interval '1 day')::int AS within
        FROM referral f
        LEFT JOIN contract c ON c.resident_id = f.resident_id AND ${contractInForce('c', s.to)}
       WHERE f.direction = 'up' AND f.seen_at IS NOT NULL
         AND f.requested_at >= (${s.from}::date::timestamp - interval '8 hours') AT TIME ZONE 'UTC'
         AND f.requested_at < ((${s.to}::date + 1)::timestamp - interval '8 hours') AT TIME ZONE 'UTC'
         AND ${scope}`.execute(db);
    return rows[0]!;
  });
  const hidden = suppressSmallCells(ctx.actor.role) && isSmallCell(row.n);
  const round = (v: number | null) => (v === null ? null : Math.round(Number(v) * 10) / 10);
  return {
    period: { from: s.from, to: s.to },
    level: s.level,
    id: s.id,
    seen: hidden ? null : row.n,
    medianHours: hidden ? null : round(row.median),
    meanHours: hidden ? null : round(row.mean),
    withinTargetRate: hidden || row.n === 0 ? null : Math.round((row.within / row.n) * 10_000) / 10_000,
    targetHours: REFERRAL_TIME_TARGET_HOURS,
    suppressed: hidden,
  };
}

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { calendarDate, endNotBefore, ownKey, text } from '../http/schema-primitives.js';
import { careContext } from '../http/care-context.js';
import { badRequest, errorResponses } from '../http/errors.js';
import { todayIso } from '../shared/dates.js';
import { addYears } from '../chronic/rules/age.js';
import { INDICATORS, INDICATOR_CODES } from './indicators.js';
import { computeKpis, drillDown, DRILL_SETS, KPI_LEVELS } from './kpi.service.js';
import { access } from '../http/route-access.js';

const Period = {
  level: z.enum(KPI_LEVELS).default('region'),
  id: z.string().uuid().optional(),
  from: calendarDate().optional().describe('first day; 1 January of the year of `to` when absent'),
  to: calendarDate().optional().describe('last day; today when absent'),
};

/**
 * The period with its defaults. A wrong period names the field the client sent: `to` when both
 * were given (the end is what to change), otherwise the one that was.
 */
function periodOf(q: { from?: string | undefined; to?: string | undefined }): { from: string; to: string } {
  const to = q.to ?? todayIso();
  const from = q.from ?? `${to.slice(0, 4)}-01-01`;
  const field = q.to !== undefined ? 'querystring.to' : 'querystring.from';
  if (from > to) throw badRequest(field, q.to !== undefined ? 'is before from' : 'is after today (to, when absent)');
  if (addYears(from, 5) < to) throw badRequest(field, 'a period spans at most 5 years');
  return { from, to };
}
/** A cell; `suppressed` when a count of 1–4 is withheld from an aggregate-only role (numbers then null, shown as <5). */
const Fraction = z.object({ numerator: z.number().int().nullable(), denominator: z.number().int().nullable(), rate: z.number().nullable(), suppressed: z.boolean() });

export const kpiRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/kpi/indicators', {
    config: access('session'),
    schema: {
      tags: ['kpi'],
      summary: 'The KPI dictionary: names, numerators, denominators, targets',
      response: { 200: z.object({ items: z.array(z.object({ code: z.string(), nameZh: z.string(), nameEn: z.string(), numerator: z.string(), denominator: z.string(), target: z.number().nullable() })) }) },
    },
  }, async () => ({ items: INDICATOR_CODES.map((code) => ({ code, ...INDICATORS[code] })) }));

  app.get('/kpi', {
    config: access('aggregate', (w) => [{ query: {} }, { query: { level: 'team', id: w.teamId } }]),
    schema: {
      tags: ['kpi'],
      summary: 'KPIs for a period at region, institution, team or doctor level, broken down one level down',
      querystring: z.strictObject({ ...Period, indicators: text(2000).optional().describe('comma-separated codes; all when absent') }).superRefine(endNotBefore('from', 'to')),
      response: {
        200: z.object({
          period: z.object({ from: z.string(), to: z.string() }),
          level: z.enum(KPI_LEVELS),
          id: z.string().nullable(),
          breakdownLevel: z.enum(KPI_LEVELS),
          indicators: z.array(Fraction.extend({ code: z.string(), nameZh: z.string(), nameEn: z.string(), target: z.number().nullable() })),
          breakdown: z.array(z.object({ id: z.string(), name: z.string(), indicators: z.record(z.string(), Fraction) })),
        }),
        ...errorResponses,
      },
    },
  }, async (request) => {
    const q = request.query;
    const codes = q.indicators ? q.indicators.split(',').map((c) => c.trim()) : INDICATOR_CODES;
    // Own properties only: '__proto__', 'constructor' or 'toString' are not indicators.
    const unknown = codes.filter((c) => !ownKey(INDICATORS, c));
    if (unknown.length) {
      throw badRequest('querystring.indicators', `unknown indicator ${unknown.join(', ')}`);
    }
    return computeKpis(careContext(request), { level: q.level, id: q.id ?? null, ...periodOf(q) }, codes as typeof INDICATOR_CODES);
  });

  app.get('/kpi/residents', {
    config: access('list', (w) => ({ query: { level: 'team', id: w.teamId, indicator: 'htn_standard_management', set: 'denominator' } })),
    schema: {
      tags: ['kpi'],
      summary: 'Drill down: the residents behind an indicator (team or doctor level, care team only)',
      querystring: z.strictObject({
        ...Period,
        // No default: a drill-down names its team or doctor level.
        level: z.enum(KPI_LEVELS),
        indicator: z.enum(INDICATOR_CODES),
        set: z.enum(DRILL_SETS).default('gap'),
        limit: z.coerce.number().int().min(1).max(2000).default(500),
      }).superRefine(endNotBefore('from', 'to')),
      response: {
        200: z.object({
          items: z.array(z.object({ id: z.string().uuid(), name: z.string(), sex: z.string(), birthDate: z.string(), nationalIdMasked: z.string().nullable(), units: z.number().int() })),
        }),
        ...errorResponses,
      },
    },
  }, async (request) => {
    const q = request.query;
    return { items: await drillDown(careContext(request), { level: q.level, id: q.id ?? null, ...periodOf(q) }, q.indicator, q.set, q.limit) };
  });
};

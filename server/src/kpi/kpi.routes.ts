import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { careContext } from '../http/care-context.js';
import { badRequest, errorResponses } from '../http/errors.js';
import { todayIso } from '../shared/dates.js';
import { INDICATORS, INDICATOR_CODES } from './indicators.js';
import { computeKpis, drillDown, DRILL_SETS, KPI_LEVELS } from './kpi.service.js';
import { access } from '../http/route-access.js';

const Period = {
  level: z.enum(KPI_LEVELS).default('region'),
  id: z.string().uuid().optional(),
  from: z.iso.date().default(() => `${todayIso().slice(0, 4)}-01-01`),
  to: z.iso.date().default(() => todayIso()),
};
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
      querystring: z.strictObject({ ...Period, indicators: z.string().optional().describe('comma-separated codes; all when absent') }),
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
    const unknown = codes.filter((c) => !(c in INDICATORS));
    if (unknown.length) {
      throw badRequest('querystring.indicators', `unknown indicator ${unknown.join(', ')}`);
    }
    return computeKpis(careContext(request), { level: q.level, id: q.id ?? null, from: q.from, to: q.to }, codes as typeof INDICATOR_CODES);
  });

  app.get('/kpi/residents', {
    config: access('list', (w) => ({ query: { level: 'team', id: w.teamId, indicator: 'htn_standard_management', set: 'denominator' } })),
    schema: {
      tags: ['kpi'],
      summary: 'Drill down: the residents behind an indicator (team or doctor level, care team only)',
      querystring: z.strictObject({
        ...Period,
        indicator: z.enum(INDICATOR_CODES),
        set: z.enum(DRILL_SETS).default('gap'),
        limit: z.coerce.number().int().min(1).max(2000).default(500),
      }),
      response: {
        200: z.object({
          items: z.array(z.object({ id: z.string().uuid(), name: z.string(), sex: z.string(), birthDate: z.string(), nationalIdMasked: z.string().nullable(), units: z.number().int() })),
        }),
        ...errorResponses,
      },
    },
  }, async (request) => {
    const q = request.query;
    return { items: await drillDown(careContext(request), { level: q.level, id: q.id ?? null, from: q.from, to: q.to }, q.indicator, q.set, q.limit) };
  });
};

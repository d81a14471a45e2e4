import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { z } from 'zod';
import { careContext } from '../http/care-context.js';
import { errorResponses } from '../http/errors.js';
import { contractInForce } from '../access/care-relationship.js';
import { todayIso } from '../shared/dates.js';
import { safeCount, SMALL_CELL_LIMIT } from '../access/small-cells.js';
import { access } from '../http/route-access.js';

const suppress = safeCount;
const Cell = z.number().int().nullable().describe(`null when 1–${SMALL_CELL_LIMIT - 1} residents (suppressed)`);

/**
 * De-identified aggregates for the health commission, insurance and institution administrators:
 * counts only, no names, IDs or record links ("可用不可见").
 */
export const statsRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/stats/overview',
    {
      config: access('aggregate', () => ({})),
      schema: {
        tags: ['statistics'],
        summary: 'Region overview: residents by institution, sex, age band and managed condition (aggregates only)',
        response: {
          200: z.object({
            residents: z.number().int(),
            bySex: z.array(z.object({ sex: z.string(), count: Cell })),
            byAgeBand: z.array(z.object({ band: z.string(), count: Cell })),
            byInstitution: z.array(z.object({ institution: z.string(), residents: Cell, contracted: Cell })),
            byCondition: z.array(z.object({ icd10Group: z.string(), count: Cell })),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const ctx = careContext(request);
      ctx.requireRole('commission_admin', 'insurance_admin', 'institution_admin');
      const today = todayIso();
      const [total, bySex, byAge, byInstitution, byCondition] = await ctx.aggregate({ action: 'aggregate', resource: 'stats.overview' }, (db) => Promise.all([
        sql<{ n: number }>`SELECT count(*)::int AS n FROM resident WHERE status = 'active'`.execute(db),
        sql<{ sex: string; n: number }>`SELECT sex, count(*)::int AS n FROM resident WHERE status = 'active' GROUP BY sex ORDER BY sex`.execute(db),
        sql<{ band: string; n: number }>`
          SELECT CASE WHEN age < 7 THEN '0-6' WHEN age < 35 THEN '7-34' WHEN age < 65 THEN '35-64' ELSE '65+' END AS band, count(*)::int AS n
            FROM (SELECT date_part('year', age(${today}::date, birth_date)) AS age FROM resident WHERE status = 'active') a
           GROUP BY 1 ORDER BY 1`.execute(db),
        sql<{ institution: string; residents: number; contracted: number }>`
          SELECT i.name AS institution, count(r.id)::int AS residents,
                 count(r.id) FILTER (WHERE EXISTS (SELECT 1 FROM contract c WHERE c.resident_id = r.id AND ${contractInForce('c', today)}))::int AS contracted
            FROM institution i JOIN resident r ON r.home_institution_id = i.id AND r.status = 'active'
           GROUP BY i.name ORDER BY i.name`.execute(db),
        sql<{ grp: string; n: number }>`
          SELECT substr(icd10, 1, 3) AS grp, count(DISTINCT resident_id)::int AS n
            FROM condition WHERE entry_status = 'active' AND clinical_status = 'active'
           GROUP BY 1 ORDER BY 2 DESC LIMIT 20`.execute(db),
      ]));
      return {
        residents: total.rows[0]?.n ?? 0,
        bySex: bySex.rows.map((r) => ({ sex: r.sex, count: suppress(r.n) })),
        byAgeBand: byAge.rows.map((r) => ({ band: r.band, count: suppress(r.n) })),
        byInstitution: byInstitution.rows.map((r) => ({ institution: r.institution, residents: suppress(r.residents), contracted: suppress(r.contracted) })),
        byCondition: byCondition.rows.map((r) => ({ icd10Group: r.grp, count: suppress(r.n) })),
      };
    },
  );
};

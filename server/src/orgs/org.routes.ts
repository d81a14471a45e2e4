import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses } from '../http/errors.js';
import { careContext } from '../http/care-context.js';
import { access } from '../http/route-access.js';

const Institution = z.object({
  id: z.string().uuid(),
  code: z.string(),
  name: z.string(),
  nameEn: z.string(),
  kind: z.string(),
  parentId: z.string().uuid().nullable(),
  teams: z.array(z.object({ id: z.string().uuid(), name: z.string(), members: z.number().int() })),
});

/** The organisation tree: not personal data, readable by any logged-in user. */
export const orgRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/institutions',
    {
      config: access('session'),
      schema: {
        tags: ['organisation'],
        summary: 'Institutions of the region with their family-doctor teams',
        response: { 200: z.object({ region: z.object({ code: z.string(), name: z.string() }).nullable(), items: z.array(Institution) }), ...errorResponses },
      },
    },
    async (request) => {
      const db = careContext(request).shared;
      const [region, institutions, teams] = await Promise.all([
        db.selectFrom('region').select(['code', 'name']).orderBy('code').executeTakeFirst(),
        db.selectFrom('institution').select(['id', 'code', 'name', 'name_en', 'kind', 'parent_id']).orderBy('code').execute(),
        db
          .selectFrom('team as t')
          .leftJoin('team_member as m', 'm.team_id', 't.id')
          .select(['t.id', 't.name', 't.institution_id', (eb) => eb.fn.count<number>('m.user_id').as('members')])
          .groupBy(['t.id', 't.name', 't.institution_id'])
          .orderBy('t.name')
          .execute(),
      ]);
      return {
        region: region ?? null,
        items: institutions.map((i) => ({
          id: i.id,
          code: i.code,
          name: i.name,
          nameEn: i.name_en,
          kind: i.kind,
          parentId: i.parent_id,
          teams: teams.filter((t) => t.institution_id === i.id).map((t) => ({ id: t.id, name: t.name, members: Number(t.members) })),
        })),
      };
    },
  );
};

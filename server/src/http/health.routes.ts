import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { z } from 'zod';
import { access } from './route-access.js';

export const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/health',
    {
      config: { public: true, ...access('public') },
      schema: {
        tags: ['platform'],
        summary: 'Liveness and database status',
        response: {
          200: z.object({ status: z.literal('ok'), database: z.enum(['pglite', 'postgresql']), schemaVersion: z.string(), time: z.string() }),
        },
      },
    },
    async () => {
      const { rows } = await sql<{ now: Date }>`SELECT now() AS now`.execute(app.deps.database.db);
      return {
        status: 'ok' as const,
        database: app.deps.database.kind,
        schemaVersion: app.deps.schemaVersion,
        time: new Date(rows[0]!.now).toISOString(),
      };
    },
  );
};

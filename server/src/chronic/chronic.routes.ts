import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

/** Contracting, screening, follow-up, worklists and KPIs (issue 3); registered here as one module. */
export const chronicRoutes: FastifyPluginAsyncZod = async () => {};

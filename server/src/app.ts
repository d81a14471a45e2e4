import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from './config/config.js';
import type { Database } from './db/database.js';
import { FieldCrypto } from './security/field-crypto.js';
import { frameworkErrors, registerErrorHandling } from './http/errors.js';
import { loggerOptions } from './http/logging.js';
import { registerSecurityHeaders } from './http/security-headers.js';
import { collectRouteTable, type RouteAccess } from './http/route-access.js';
import { authPlugin } from './auth/auth.plugin.js';
import { healthRoutes } from './http/health.routes.js';
import { authRoutes } from './auth/auth.routes.js';
import { orgRoutes } from './orgs/org.routes.js';
import { residentRoutes } from './residents/resident.routes.js';
import { recordRoutes } from './records/record.routes.js';
import { mpiRoutes } from './residents/mpi.routes.js';
import { statsRoutes } from './stats/stats.routes.js';
import { contractRoutes } from './contracts/contract.routes.js';
import { programmeRoutes } from './programmes/programme.routes.js';
import { followUpRoutes, formOptionsRoutes } from './followups/followup.routes.js';
import { worklistRoutes } from './worklists/worklist.routes.js';
import { kpiRoutes } from './kpi/kpi.routes.js';
import { breakGlassReviewRoutes } from './audit/break-glass-review.routes.js';
import { sterileSupplyRoutes } from './sterile-supply/sterile-supply.routes.js';
import { fhirRoutes } from './fhir/fhir.routes.js';
import { issue, outcomeOf } from './fhir/outcome.js';
import { referralRoutes } from './referrals/referral.routes.js';

export interface AppDeps {
  config: Config;
  database: Database;
  crypto: FieldCrypto;
  schemaVersion: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    deps: AppDeps;
  }
  interface FastifyContextConfig {
    /** Routes reachable without a session (health, login, docs). */
    public?: boolean;
    /** What the route does with resident data, and an example request (see http/route-access.ts). */
    access?: RouteAccess;
  }
}

export const BODY_LIMIT_BYTES = 256 * 1024;

/**
 * Builds the whole application without listening, so tests drive it with inject(). `logStream` sends the log
 * somewhere other than stdout (tests read it back).
 */
export async function buildApp(opts: {
  config: Config;
  database: Database;
  schemaVersion: string;
  logStream?: DestinationStream;
}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: loggerOptions(opts.config.logLevel, opts.logStream),
    bodyLimit: BODY_LIMIT_BYTES,
    // The client address is the socket's unless TRUST_PROXY names the proxies that may say otherwise:
    // it keys the log-in rate limit and is written to the audit.
    trustProxy: opts.config.trustProxy,
    frameworkErrors,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  await registerSecurityHeaders(app);
  registerErrorHandling(app);
  collectRouteTable(app);

  app.decorate('deps', {
    config: opts.config,
    database: opts.database,
    crypto: new FieldCrypto(opts.config.keys.encryption, opts.config.keys.blindIndex),
    schemaVersion: opts.schemaVersion,
  } satisfies AppDeps);

  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'Kanglian 康联 API', version: '0.1.0', description: 'Community health management and care coordination platform' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          cookie: { type: 'apiKey', in: 'cookie', name: 'kl_session' },
        },
      },
      security: [{ bearer: [] }, { cookie: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
  await app.register(fastifyCookie);
  await app.register(fastifyRateLimit, { global: false });
  await app.register(authPlugin);

  await app.register(healthRoutes, { prefix: '/api' });
  await app.register(authRoutes, { prefix: '/api/auth' });
  await app.register(orgRoutes, { prefix: '/api' });
  await app.register(residentRoutes, { prefix: '/api' });
  await app.register(recordRoutes, { prefix: '/api' });
  await app.register(mpiRoutes, { prefix: '/api' });
  await app.register(statsRoutes, { prefix: '/api' });
  await app.register(contractRoutes, { prefix: '/api' });
  await app.register(programmeRoutes, { prefix: '/api' });
  await app.register(followUpRoutes, { prefix: '/api' });
  await app.register(formOptionsRoutes, { prefix: '/api' });
  await app.register(worklistRoutes, { prefix: '/api' });
  await app.register(kpiRoutes, { prefix: '/api' });
  await app.register(breakGlassReviewRoutes, { prefix: '/api' });
  await app.register(sterileSupplyRoutes, { prefix: '/api/sterile-supply' });
  await app.register(fhirRoutes, { prefix: '/fhir' });
  await app.register(referralRoutes, { prefix: '/api' });

  await registerWebUi(app, opts.config.webDist);
  return app;
}

async function registerWebUi(app: FastifyInstance, configured: string | undefined): Promise<void> {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const root = configured ?? path.resolve(here, '../../web/dist');
  if (!existsSync(path.join(root, 'index.html'))) {
    app.log.warn({ root }, 'web UI not built; run `npm run build -w web`');
    return;
  }
  await app.register(fastifyStatic, { root, prefix: '/', wildcard: false, index: ['index.html'] });
  // Client-side routes (/residents/…, /worklist) fall back to the SPA shell; unknown /api stays 404.
  app.get('/*', { schema: { hide: true }, config: { public: true } }, (request, reply) => {
    if (request.url.startsWith('/fhir/')) {
      // Under /fhir every answer is FHIR, a missing route included.
      return reply
        .status(404)
        .type('application/fhir+json')
        .send(outcomeOf([issue('not-supported', `No FHIR interaction at ${request.method} ${request.url.split('?')[0]}`)]));
    }
    if (request.url.startsWith('/api/') || request.url.startsWith('/docs')) {
      return reply.status(404).send({ error: 'not_found', message: `Route ${request.method} ${request.url} not found` });
    }
    return reply.sendFile('index.html');
  });
}

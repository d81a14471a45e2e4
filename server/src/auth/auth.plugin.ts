import fp from 'fastify-plugin';
import { CareContext } from '../http/care-context.js';
import { unauthorized } from '../http/errors.js';
import { actorForToken, SESSION_COOKIE } from './sessions.js';
import { SYSTEM_USER_PREFIX } from '../fhir/smart.js';

function tokenFrom(authorization: string | undefined, cookie: string | undefined): string | null {
  if (authorization?.startsWith('Bearer ')) return authorization.slice(7).trim() || null;
  return cookie ?? null;
}

/**
 * Resolves the session (bearer token for API clients, HTTP-only cookie for the web UI) into a
 * CareContext on every /api and /fhir request. Routes are private unless marked config.public.
 */
export const authPlugin = fp(
  async (app) => {
    app.decorateRequest('careContext', null);
    app.addHook('onRequest', async (request) => {
      const url = request.url;
      if (!url.startsWith('/api/') && !/^\/fhir(?:[/?]|$)/.test(url)) return;
      const token = tokenFrom(request.headers.authorization, request.cookies[SESSION_COOKIE]);
      const actor = token ? await actorForToken(app.deps.database.db, token) : null;
      // A hospital system (SMART Backend Services) speaks FHIR only.
      if (actor?.username.startsWith(SYSTEM_USER_PREFIX) && url.startsWith('/api/')) throw unauthorized('System clients use /fhir');
      if (actor) request.careContext = new CareContext(app.deps.database.db, actor, request.ip, app.deps.crypto);
      if (!actor && !request.routeOptions.config.public) throw unauthorized();
    });
  },
  { name: 'auth', dependencies: ['@fastify/cookie'] },
);

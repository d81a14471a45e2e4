import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Bundle, Resource, Subscription } from '@medplum/fhirtypes';
import { careContext } from '../http/care-context.js';
import { HttpError } from '../http/errors.js';
import { capabilityStatement } from './capability.js';
import { codeForStatus, FhirError, fhirError, invalid, issue, outcomeOf } from './outcome.js';
import { FhirReader, type Query } from './repository.js';
import { TYPES } from './search.js';
import { FhirWriter, type EntryOutcome } from './writer.js';
import { createSubscription, readSubscription, SubscriptionWorker } from './subscriptions.js';
import { issueToken, OAuthError, scopesAllow, scopesOfSession, smartConfiguration, SYSTEM_USER_PREFIX } from './smart.js';

export const FHIR_JSON = 'application/fhir+json; charset=utf-8';
/** Synthea bundles run to 600 KB; the rest of the API keeps its 256 KB limit. */
export const FHIR_BODY_LIMIT_BYTES = 8 * 1024 * 1024;

const baseUrl = (request: FastifyRequest) => `${request.protocol}://${request.host}/fhir`;
const strict = (request: FastifyRequest) => /handling\s*=\s*strict/i.test(String(request.headers.prefer ?? ''));
const header = (request: FastifyRequest, name: string) => {
  const v = request.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

function send(reply: FastifyReply, status: number, body: unknown) {
  return reply.status(status).type(FHIR_JSON).send(JSON.stringify(body));
}

function supportedType(type: string) {
  if (!TYPES[type]) throw fhirError(404, 'not-supported', `Resource type ${type} is not supported by this server (see /fhir/metadata)`);
}

function sendResource(reply: FastifyReply, status: number, resource: Resource) {
  if (resource.meta?.versionId) reply.header('etag', `W/"${resource.meta.versionId}"`);
  if (resource.meta?.lastUpdated) reply.header('last-modified', new Date(resource.meta.lastUpdated).toUTCString());
  return send(reply, status, resource);
}

function sendWrite(reply: FastifyReply, request: FastifyRequest, r: EntryOutcome) {
  const status = Number(r.status.slice(0, 3));
  if (r.location) reply.header('location', `${baseUrl(request)}/${r.location}`);
  if (r.etag) reply.header('etag', r.etag);
  if (r.lastModified) reply.header('last-modified', new Date(r.lastModified).toUTCString());
  const prefer = String(request.headers.prefer ?? '');
  if (/return=minimal/.test(prefer)) return reply.status(status).send();
  if (/return=OperationOutcome/.test(prefer) || !r.resource) {
    return send(reply, status, r.outcome ?? outcomeOf([issue('informational', r.status, undefined, 'information')]));
  }
  return send(reply, status, r.resource);
}

/**
 * HL7 FHIR R4 at /fhir. Its own error handler and not-found handler: every failure under the
 * prefix is an OperationOutcome. Authentication is the app's (bearer session of a staff user for
 * now); every resident read goes through the CareContext gates (see repository.ts, writer.ts).
 */
export async function fhirRoutes(app: FastifyInstance): Promise<void> {
  const parseFhirJson = (_req: FastifyRequest, body: string | Buffer, done: (err: Error | null, value?: unknown) => void) => {
    try {
      done(null, JSON.parse(body.toString()));
    } catch {
      done(fhirError(400, 'structure', 'The body is not valid JSON'));
    }
  };
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(['application/json', 'application/fhir+json', 'application/json+fhir'], { parseAs: 'string', bodyLimit: FHIR_BODY_LIMIT_BYTES }, parseFhirJson);

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body.toString())));
  });

  // A system client's token carries scopes: read = GET, write = POST/PUT, per type or all (*).
  app.addHook('preHandler', async (request) => {
    const ctx = request.careContext;
    if (!ctx || !ctx.actor.username.startsWith(SYSTEM_USER_PREFIX)) return;
    const scopes = await scopesOfSession(app.deps.database.db, ctx.actor.sessionId);
    const write = request.method === 'POST' || request.method === 'PUT';
    const params = request.params as { type?: string };
    const segment = request.url.split('?')[0]!.split('/')[2] ?? '';
    const types = params.type
      ? [params.type]
      : segment && segment !== 'auth' && !segment.startsWith('.')
        ? [segment]
        : write
        ? [...new Set(((request.body as Bundle | undefined)?.entry ?? []).map((e) => e.resource?.resourceType ?? (e.request?.url ?? '').split(/[/?]/)[0] ?? ''))]
        : ['*'];
    for (const type of types) {
      if (!scopesAllow(scopes, type, write ? 'write' : 'read')) {
        throw fhirError(403, 'forbidden', `The token's scopes (${scopes.join(' ')}) do not allow ${write ? 'writing' : 'reading'} ${type}`);
      }
    }
  });

  app.setErrorHandler((err: FastifyError | FhirError | HttpError, request, reply) => {
    if (err instanceof FhirError) return send(reply, err.statusCode, err.outcome);
    if (err instanceof HttpError) return send(reply, err.statusCode, outcomeOf([issue(codeForStatus(err.statusCode), err.message)]));
    const status = (err as FastifyError).statusCode ?? 500;
    if (status >= 500) {
      request.log.error({ err }, 'FHIR request failed');
      return send(reply, 500, outcomeOf([issue('exception', 'Internal error')]));
    }
    return send(reply, status, outcomeOf([issue(codeForStatus(status), err.message)]));
  });
  app.setNotFoundHandler((request, reply) => send(reply, 404, outcomeOf([issue('not-supported', `No FHIR interaction at ${request.method} ${request.url}`)])));

  const reader = (request: FastifyRequest) => new FhirReader(careContext(request), baseUrl(request));
  const writer = (request: FastifyRequest) => {
    const r = reader(request);
    return new FhirWriter(careContext(request), r);
  };
  const hidden = { hide: true };

  app.get('/metadata', { schema: hidden, config: { public: true } }, async (request, reply) =>
    send(reply, 200, capabilityStatement(baseUrl(request), app.deps.schemaVersion)),
  );

  // Subscriptions (rest-hook): matched and delivered by a worker that runs while any is active.
  let knownBase = 'http://localhost/fhir';
  const worker = new SubscriptionWorker(app.deps.database.db, app.deps.crypto, () => knownBase, app.log);
  app.addHook('onReady', async () => {
    const any = await app.deps.database.db.selectFrom('fhir_subscription').select('id').where('status', '=', 'active').limit(1).executeTakeFirst();
    if (any) worker.start();
  });
  app.addHook('onClose', async () => worker.stop());

  app.post('/Subscription', { schema: hidden }, async (request, reply) => {
    knownBase = baseUrl(request);
    const sub = await createSubscription(careContext(request), request.body as Subscription, knownBase);
    worker.start();
    reply.header('location', `${knownBase}/Subscription/${sub.id}`);
    return send(reply, 201, sub);
  });
  app.get<{ Params: { id: string } }>('/Subscription/:id', { schema: hidden }, async (request, reply) =>
    send(reply, 200, await readSubscription(careContext(request), request.params.id)),
  );

  app.get('/.well-known/smart-configuration', { schema: hidden, config: { public: true } }, async (request, reply) =>
    reply.type('application/json').send(smartConfiguration(baseUrl(request))),
  );

  // OAuth 2.0 token endpoint (SMART Backend Services): its errors are OAuth errors, not OperationOutcome.
  app.post('/auth/token', { schema: hidden, config: { public: true } }, async (request, reply) => {
    try {
      const token = await issueToken(app.deps.database.db, (request.body ?? {}) as Record<string, string>, `${baseUrl(request)}/auth/token`);
      return reply.header('cache-control', 'no-store').type('application/json').send(token);
    } catch (err) {
      if (err instanceof OAuthError) return reply.status(err.status).type('application/json').send({ error: err.error, error_description: err.message });
      throw err;
    }
  });

  app.post('/', { schema: hidden, bodyLimit: FHIR_BODY_LIMIT_BYTES }, async (request, reply) => {
    const out = await writer(request).bundle(request.body as Bundle);
    return send(reply, 200, out);
  });

  app.get<{ Params: { type: string }; Querystring: Query }>('/:type', { schema: hidden }, async (request, reply) => {
    supportedType(request.params.type);
    return send(reply, 200, await reader(request).search(request.params.type, request.query, strict(request)));
  });

  app.get<{ Params: { type: string; id: string } }>('/:type/:id', { schema: hidden }, async (request, reply) => {
    supportedType(request.params.type);
    return sendResource(reply, 200, await reader(request).read(request.params.type, request.params.id));
  });

  app.get<{ Params: { type: string; id: string } }>('/:type/:id/_history', { schema: hidden }, async (request, reply) => {
    supportedType(request.params.type);
    const versions = await reader(request).history(request.params.type, request.params.id);
    const base = baseUrl(request);
    const bundle: Bundle = {
      resourceType: 'Bundle',
      type: 'history',
      total: versions.length,
      link: [{ relation: 'self', url: `${base}/${request.params.type}/${request.params.id}/_history` }],
      entry: versions.map((v) => ({
        fullUrl: `${base}/${request.params.type}/${request.params.id}`,
        resource: v.resource,
        request: { method: v.version === 1 ? 'POST' : 'PUT', url: v.version === 1 ? request.params.type : `${request.params.type}/${request.params.id}` },
        response: { status: v.version === 1 ? '201 Created' : '200 OK', etag: `W/"${v.version}"`, lastModified: v.resource.meta?.lastUpdated },
      })),
    };
    return send(reply, 200, bundle);
  });

  app.get<{ Params: { type: string; id: string; vid: string } }>('/:type/:id/_history/:vid', { schema: hidden }, async (request, reply) => {
    supportedType(request.params.type);
    return sendResource(reply, 200, await reader(request).vread(request.params.type, request.params.id, request.params.vid));
  });

  app.post<{ Params: { type: string } }>('/:type', { schema: hidden, bodyLimit: FHIR_BODY_LIMIT_BYTES }, async (request, reply) => {
    const type = request.params.type;
    supportedType(type);
    const body = request.body as Resource | undefined;
    if (!body || typeof body !== 'object') throw invalid('The body must be a FHIR resource', type);
    if (body.resourceType !== type) throw invalid(`The body is a ${String(body.resourceType)}, not a ${type}`, `${type}.resourceType`);
    if (!TYPES[type]!.interactions.includes('create')) throw fhirError(405, 'not-supported', `${type} is not created through FHIR`);
    return sendWrite(reply, request, await writer(request).create(type, body, header(request, 'if-none-exist')));
  });

  app.put<{ Params: { type: string; id: string } }>('/:type/:id', { schema: hidden, bodyLimit: FHIR_BODY_LIMIT_BYTES }, async (request, reply) => {
    const { type, id } = request.params;
    supportedType(type);
    const body = request.body as Resource | undefined;
    if (!body || typeof body !== 'object' || body.resourceType !== type) throw invalid(`The body must be a ${type}`, `${type}.resourceType`);
    return sendWrite(reply, request, await writer(request).update(type, id, body, header(request, 'if-match')));
  });
}

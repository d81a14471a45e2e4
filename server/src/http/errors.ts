import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { RuleInputError } from '../chronic/rules/errors.js';

/** Errors are data: every failure leaves as { error, message, issues? } with a stable machine code. */
export const ErrorBody = z.object({
  error: z.string(),
  message: z.string(),
  issues: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly issues?: { field: string; message: string }[],
  ) {
    super(message);
  }
}

export const badRequest = (field: string, message: string) =>
  new HttpError(400, 'validation', `${field}: ${message}`, [{ field, message }]);
export const forbidden = (message = 'Not allowed') => new HttpError(403, 'forbidden', message);
export const notFound = (what: string) => new HttpError(404, 'not_found', `${what} not found`);
/** A 409 with a stable code clients can branch on (the message is for people). */
export const conflict = (message: string, code = 'conflict') => new HttpError(409, code, message);
export const unauthorized = (message = 'Authentication required') => new HttpError(401, 'unauthorized', message);

/** Common error responses, so every route declares them in OpenAPI. */
export const errorResponses = {
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  404: ErrorBody,
  409: ErrorBody,
} as const;

function fieldOf(instancePath: string, prefix: string, params: unknown): string {
  const path = instancePath.replace(/^\//, '').replaceAll('/', '.');
  // zod reports unknown keys of a strict object at the object's own path, naming them in params.keys.
  const unknownKeys = (params as { keys?: unknown } | undefined)?.keys;
  const leaf = Array.isArray(unknownKeys) ? unknownKeys.join(',') : '';
  return [prefix, path, leaf].filter(Boolean).join('.');
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(err)) {
      const issues = err.validation.map((v) => ({
        field: fieldOf(v.instancePath, err.validationContext ?? '', v.params),
        message: v.message ?? 'invalid',
      }));
      return reply.status(400).send({
        error: 'validation',
        message: issues.map((i) => `${i.field}: ${i.message}`).join('; '),
        issues,
      });
    }
    if (err instanceof RuleInputError) {
      // A clinical rule refused its input: the field names map onto the request body.
      const field = `body.${err.field}`;
      return reply.status(400).send({ error: 'validation', message: err.message, issues: [{ field, message: err.message }] });
    }
    if (err instanceof HttpError) {
      return reply.status(err.statusCode).send({ error: err.code, message: err.message, issues: err.issues });
    }
    if (isResponseSerializationError(err)) {
      request.log.error({ err }, 'response did not match its schema');
      return reply.status(500).send({ error: 'internal', message: 'Internal error' });
    }
    const status = err.statusCode ?? 500;
    if (status >= 500) {
      request.log.error({ err }, 'request failed');
      return reply.status(500).send({ error: 'internal', message: 'Internal error' });
    }
    // Fastify's own 4xx: body too large (413), bad JSON (400), unsupported media type (415)...
    return reply.status(status).send({ error: err.code ?? 'bad_request', message: err.message });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ error: 'not_found', message: `Route ${request.method} ${request.url} not found` }),
  );
}

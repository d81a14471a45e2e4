import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { RuleInputError } from '../chronic/rules/errors.js';

/** Errors are data: every failure leaves as { error, message, issues? } with a stable machine code. */
export const ErrorBody = z.object({
  error: z.string(),
  message: z.string(),
  issues: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  /** On a 409 for a repeated request (duplicate_followup): the record the first request created. */
  existingId: z.string().uuid().optional(),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly issues?: { field: string; message: string }[],
    readonly existingId?: string,
  ) {
    super(message);
  }
}

export const badRequest = (field: string, message: string) =>
  new HttpError(400, 'validation', `${field}: ${message}`, [{ field, message }]);
export const forbidden = (message = 'Not allowed') => new HttpError(403, 'forbidden', message);
export const notFound = (what: string) => new HttpError(404, 'not_found', `${what} not found`);
/** A 409 with a stable code clients can branch on (the message is for people). */
export const conflict = (message: string, code = 'conflict', existingId?: string) => new HttpError(409, code, message, undefined, existingId);
export const unauthorized = (message = 'Authentication required') => new HttpError(401, 'unauthorized', message);

/**
 * Runs rule code on request values. A RuleInputError names the rule's own parameter ('onDate',
 * 'date'); `fields` renames it to the request field the value came from ('body.visitDate'), so
 * the 400 names what the client sent. Unlisted names fall back to body.<name>.
 */
export async function withRequestFields<T>(fields: Record<string, string>, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof RuleInputError) {
      const field = Object.hasOwn(fields, err.field) ? fields[err.field]! : `body.${err.field}`;
      const message = err.message.startsWith(`${err.field}: `) ? err.message.slice(err.field.length + 2) : err.message;
      throw new HttpError(400, 'validation', `${field}: ${message}`, [{ field, message }]);
    }
    throw err;
  }
}

/** Common error responses, so every route declares them in OpenAPI. */
export const errorResponses = {
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  404: ErrorBody,
  409: ErrorBody,
} as const;

/**
 * Constraint name → the stable code a conflict is answered with. Races are decided by these
 * constraints (never by read-then-write), so the loser of a race lands here and gets a 409.
 */
const CONSTRAINT_CONFLICTS = new Map<string, { code: string; message: string }>([
  ['resident_national_id_bidx_uq', { code: 'duplicate_national_id', message: 'A resident with this national ID already exists' }],
  ['programme_enrolment_active_uq', { code: 'already_enrolled', message: 'Already enrolled in this programme' }],
  ['contract_one_active_excl', { code: 'contract_active', message: 'Resident already has an active contract for these dates: renew or change team instead' }],
  ['followup_visit_content_uq', { code: 'duplicate_followup', message: 'This follow-up is already recorded (same resident, programme, date and values)' }],
  ['followup_visit_idempotency_uq', { code: 'duplicate_followup', message: 'A follow-up was already recorded with this Idempotency-Key' }],
  ['followup_visit_same_day_uq', { code: 'duplicate_visit', message: 'A follow-up of this programme is already recorded on this date' }],
  ['care_task_open_uq', { code: 'task_open', message: 'This task is already open' }],
  ['app_user_username_key', { code: 'duplicate_username', message: 'Username already taken' }],
]);

/** Foreign keys filled straight from a request field: a dangling id is that field's 400. */
const REFERENCE_FIELDS = new Map<string, string>([
  ['observation_encounter_id_fkey', 'body.encounterId'],
  ['resident_home_institution_id_fkey', 'body.homeInstitutionId'],
]);

interface PgError {
  code: string;
  constraint?: string;
  column?: string;
  table?: string;
}

/** A PostgreSQL error (pg's DatabaseError, or PGlite's), recognised by its SQLSTATE. */
export function pgErrorOf(err: unknown): PgError | null {
  const e = err as { code?: unknown; severity?: unknown } | null;
  if (!e || typeof e !== 'object' || typeof e.code !== 'string' || !/^[0-9A-Z]{5}$/.test(e.code)) return null;
  if (typeof e.severity !== 'string') return null;
  return e as PgError;
}

/** True when `err` is a unique or exclusion violation of the named constraint. */
export function isConstraintViolation(err: unknown, constraint: string): boolean {
  const pg = pgErrorOf(err);
  return !!pg && (pg.code === '23505' || pg.code === '23P01') && pg.constraint === constraint;
}

/**
 * Safety net: input that got past the schemas and was refused by the database becomes a 4xx with a
 * code, never a 500. The schemas are the first line (they name the field); this is the last.
 */
export function httpErrorFromDatabase(err: unknown): HttpError | null {
  const pg = pgErrorOf(err);
  if (!pg) return null;
  const constraint = pg.constraint ?? '';
  if (pg.code === '23505' || pg.code === '23P01') {
    const known = CONSTRAINT_CONFLICTS.get(constraint);
    return new HttpError(409, known?.code ?? 'conflict', known?.message ?? 'Conflicts with an existing record');
  }
  if (pg.code === '23503') {
    const field = REFERENCE_FIELDS.get(constraint);
    return field
      ? new HttpError(400, 'validation', `${field}: does not exist`, [{ field, message: 'does not exist' }])
      : new HttpError(409, 'reference_conflict', 'Refers to a record that does not exist (or is still referred to)');
  }
  if (pg.code === '23514' || pg.code === '23502') return new HttpError(400, 'constraint_violation', 'A value is outside what the record allows');
  if (pg.code.startsWith('22')) return new HttpError(400, 'invalid_input', 'A value cannot be stored (invalid or out of range)');
  if (pg.code === '40001' || pg.code === '40P01') return new HttpError(409, 'concurrent_update', 'Changed by someone else at the same time; try again');
  return null;
}

function fieldOf(instancePath: string, prefix: string, params: unknown): string {
  const path = instancePath.replace(/^\//, '').replaceAll('/', '.');
  // zod reports unknown keys of a strict object at the object's own path, naming them in params.keys.
  const unknownKeys = (params as { keys?: unknown } | undefined)?.keys;
  const leaf = Array.isArray(unknownKeys) ? unknownKeys.join(',') : '';
  return [prefix, path, leaf].filter(Boolean).join('.');
}

/**
 * Errors Fastify raises before routing (a path that is not valid percent-encoded UTF-8, such as a
 * lone surrogate): a 400 naming the path parameters, like any other bad input.
 */
export function frameworkErrors(err: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const status = err.statusCode && err.statusCode < 500 ? err.statusCode : 400;
  void reply.status(status).send({ error: 'validation', message: `params: ${err.message}`, issues: [{ field: 'params', message: 'is not valid percent-encoded UTF-8' }] });
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
      return reply.status(err.statusCode).send({ error: err.code, message: err.message, issues: err.issues, existingId: err.existingId });
    }
    const fromDb = httpErrorFromDatabase(err);
    if (fromDb) {
      request.log.warn({ err }, 'database refused the request');
      return reply.status(fromDb.statusCode).send({ error: fromDb.code, message: fromDb.message, issues: fromDb.issues });
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
    // A 400 about the body (bad JSON, a '__proto__' key) names the body as the field.
    const issues = status === 400 && request.body === undefined && /JSON|prototype|body/i.test(err.message) ? [{ field: 'body', message: err.message }] : undefined;
    return reply.status(status).send({ error: err.code ?? 'bad_request', message: err.message, issues });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ error: 'not_found', message: `Route ${request.method} ${request.url} not found` }),
  );
}

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { rawString, safe } from '../http/schema-primitives.js';
import { recordAudit } from '../audit/audit-log.js';
import { careContext } from '../http/care-context.js';
import { ErrorBody, HttpError, errorResponses } from '../http/errors.js';
import { ROLES } from './actor.js';
import { claimAttempt, clearAttempts, MAX_FAILED_LOGINS, recordFailure, throttleKey } from './login-throttle.js';
import { dummyPasswordHash, hashPassword, verifyPassword } from './passwords.js';
import { createSession, revokeOtherSessions, revokeSession, SESSION_COOKIE } from './sessions.js';
import { access } from '../http/route-access.js';

export const CurrentUser = z.object({
  id: z.string().uuid(),
  username: z.string(),
  displayName: z.string(),
  role: z.enum(ROLES),
  institutionId: z.string().uuid().nullable(),
  institutionName: z.string().nullable(),
  residentId: z.string().uuid().nullable(),
  teams: z.array(z.object({ id: z.string().uuid(), name: z.string() })),
});

const LoginBody = z.strictObject({
  username: rawString(64, 1),
  password: rawString(256, 1),
});

const PasswordChangeBody = z.strictObject({
  currentPassword: rawString(256, 1),
  newPassword: safe(
    z
      .string()
      .min(10, 'must be at least 10 characters')
      .max(256)
      .regex(/[A-Za-z]/, 'must contain a letter')
      .regex(/[0-9]/, 'must contain a digit'),
  ),
});

/** Log-in and password change: per client address (the socket's, unless TRUST_PROXY names the proxies). */
const AUTH_RATE_LIMIT = { max: 30, timeWindow: '1 minute' } as const;

/** The same answer for a locked name whether or not an account has it. */
const locked = () => new HttpError(423, 'locked', `Account locked after ${MAX_FAILED_LOGINS} failed attempts; try again later`);

export const authRoutes: FastifyPluginAsyncZod = async (app) => {
  const db = app.deps.database.db;
  const crypto = app.deps.crypto;
  // Unknown usernames are checked against this hash, so that they take as long as a wrong password.
  await dummyPasswordHash();

  async function currentUser(userId: string) {
    const user = await db
      .selectFrom('app_user as u')
      .leftJoin('institution as i', 'i.id', 'u.institution_id')
      .select(['u.id', 'u.username', 'u.display_name', 'u.role', 'u.institution_id', 'i.name as institution_name', 'u.resident_id'])
      .where('u.id', '=', userId)
      .executeTakeFirstOrThrow();
    const teams = await db
      .selectFrom('team_member as tm')
      .innerJoin('team as t', 't.id', 'tm.team_id')
      .select(['t.id', 't.name'])
      .where('tm.user_id', '=', userId)
      .execute();
    return {
      id: user.id,
      username: user.username,
      displayName: user.display_name,
      role: user.role as z.infer<typeof CurrentUser>['role'],
      institutionId: user.institution_id,
      institutionName: user.institution_name,
      residentId: user.resident_id,
      teams,
    };
  }

  app.post(
    '/login',
    {
      config: { public: true, rateLimit: AUTH_RATE_LIMIT, ...access('public') },
      schema: {
        tags: ['auth'],
        summary: 'Log in; sets an HTTP-only session cookie and returns a bearer token',
        security: [],
        body: LoginBody,
        response: { 200: z.object({ token: z.string(), expiresAt: z.string(), user: CurrentUser }), 400: ErrorBody, 401: ErrorBody, 423: ErrorBody },
      },
    },
    async (request, reply) => {
      const { username, password } = request.body;
      const key = throttleKey(crypto, username);
      const user = await db
        .selectFrom('app_user')
        .select(['id', 'role', 'institution_id', 'password_hash', 'active'])
        .where('username', '=', username)
        .executeTakeFirst();
      const actorRef = user ? { userId: user.id, role: user.role, institutionId: user.institution_id } : null;
      // Known or not, every name goes through the same statements and one argon2 verification.
      if (!(await claimAttempt(db, key))) {
        await recordAudit(db, actorRef, request.ip, { action: 'login_failed', resource: 'session', outcome: 'denied', detail: { username, why: 'locked' } });
        throw locked();
      }
      const verified = await verifyPassword(user?.password_hash ?? (await dummyPasswordHash()), password);
      if (!user || !user.active || !verified) {
        await recordFailure(db, key);
        await recordAudit(db, actorRef, request.ip, { action: 'login_failed', resource: 'session', outcome: 'denied', detail: { username } });
        throw new HttpError(401, 'invalid_credentials', 'Wrong username or password');
      }
      await clearAttempts(db, key);
      const session = await createSession(db, user.id, app.deps.config.sessionTtlMs);
      await recordAudit(db, actorRef, request.ip, { action: 'login', resource: 'session' });
      reply.setCookie(SESSION_COOKIE, session.token, {
        httpOnly: true,
        sameSite: 'strict',
        path: '/',
        secure: request.protocol === 'https',
        expires: session.expiresAt,
      });
      return { token: session.token, expiresAt: session.expiresAt.toISOString(), user: await currentUser(user.id) };
    },
  );

  app.post(
    '/logout',
    { config: access('session'), schema: { tags: ['auth'], summary: 'End this session', response: { 204: z.null(), 401: ErrorBody } } },
    async (request, reply) => {
      const ctx = careContext(request);
      await revokeSession(db, ctx.actor.sessionId);
      await ctx.audit({ action: 'logout', resource: 'session' });
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/me',
    { config: access('session'), schema: { tags: ['auth'], summary: 'The logged-in user', response: { 200: CurrentUser, 401: ErrorBody } } },
    async (request) => currentUser(careContext(request).actor.userId),
  );

  app.post(
    '/password',
    {
      config: { rateLimit: AUTH_RATE_LIMIT, ...access('session') },
      schema: {
        tags: ['auth'],
        summary: 'Change own password; other sessions are ended. Wrong current passwords lock the account like log-in.',
        body: PasswordChangeBody,
        response: { 204: z.null(), ...errorResponses, 423: ErrorBody },
      },
    },
    async (request, reply) => {
      const ctx = careContext(request);
      // Shares the log-in counter: a stolen session cannot be used to guess the password here instead.
      const key = throttleKey(crypto, ctx.actor.username);
      if (!(await claimAttempt(db, key))) {
        await ctx.audit({ action: 'password_change', resource: 'app_user', outcome: 'denied', detail: { why: 'locked' } });
        throw locked();
      }
      const user = await db.selectFrom('app_user').select('password_hash').where('id', '=', ctx.actor.userId).executeTakeFirstOrThrow();
      if (!(await verifyPassword(user.password_hash, request.body.currentPassword))) {
        await recordFailure(db, key);
        await ctx.audit({ action: 'password_change', resource: 'app_user', outcome: 'denied', detail: { why: 'wrong_current_password' } });
        throw new HttpError(400, 'validation', 'currentPassword: does not match', [{ field: 'body.currentPassword', message: 'does not match' }]);
      }
      await clearAttempts(db, key);
      const password_hash = await hashPassword(request.body.newPassword);
      await db.transaction().execute(async (trx) => {
        await trx.updateTable('app_user').set({ password_hash, password_changed_at: new Date() }).where('id', '=', ctx.actor.userId).execute();
        await revokeOtherSessions(trx, ctx.actor.userId, ctx.actor.sessionId);
        await ctx.audit({ action: 'password_change', resource: 'app_user' }, trx);
      });
      return reply.status(204).send(null);
    },
  );
};

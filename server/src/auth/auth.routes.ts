import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { recordAudit } from '../audit/audit-log.js';
import { careContext } from '../http/care-context.js';
import { ErrorBody, HttpError, errorResponses } from '../http/errors.js';
import { ROLES } from './actor.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { createSession, LOCKOUT_MINUTES, MAX_FAILED_LOGINS, revokeOtherSessions, revokeSession, SESSION_COOKIE } from './sessions.js';
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
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(256),
});

const PasswordChangeBody = z.strictObject({
  currentPassword: z.string().min(1).max(256),
  newPassword: z
    .string()
    .min(10, 'must be at least 10 characters')
    .max(256)
    .regex(/[A-Za-z]/, 'must contain a letter')
    .regex(/[0-9]/, 'must contain a digit'),
});

export const authRoutes: FastifyPluginAsyncZod = async (app) => {
  const db = app.deps.database.db;

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
      config: { public: true, rateLimit: { max: 30, timeWindow: '1 minute' }, ...access('public') },
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
      const user = await db
        .selectFrom('app_user')
        .select(['id', 'role', 'institution_id', 'password_hash', 'failed_logins', 'locked_until', 'active'])
        .where('username', '=', username)
        .executeTakeFirst();
      const actorRef = user ? { userId: user.id, role: user.role, institutionId: user.institution_id } : null;
      if (user?.locked_until && user.locked_until > new Date()) {
        await recordAudit(db, actorRef, request.ip, { action: 'login_failed', resource: 'session', outcome: 'denied', detail: { why: 'locked' } });
        throw new HttpError(423, 'locked', `Account locked after ${MAX_FAILED_LOGINS} failed attempts; try again later`);
      }
      const ok = user && user.active && (await verifyPassword(user.password_hash, password));
      if (!user || !ok) {
        if (user) {
          const failures = user.failed_logins + 1;
          const lock = failures >= MAX_FAILED_LOGINS;
          await db
            .updateTable('app_user')
            .set({ failed_logins: lock ? 0 : failures, locked_until: lock ? new Date(Date.now() + LOCKOUT_MINUTES * 60_000) : null })
            .where('id', '=', user.id)
            .execute();
        }
        await recordAudit(db, actorRef, request.ip, {
          action: 'login_failed',
          resource: 'session',
          outcome: 'denied',
          detail: { username },
        });
        throw new HttpError(401, 'invalid_credentials', 'Wrong username or password');
      }
      await db.updateTable('app_user').set({ failed_logins: 0, locked_until: null }).where('id', '=', user.id).execute();
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
      config: access('session'),
      schema: {
        tags: ['auth'],
        summary: 'Change own password; other sessions are ended',
        body: PasswordChangeBody,
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const ctx = careContext(request);
      const user = await db.selectFrom('app_user').select('password_hash').where('id', '=', ctx.actor.userId).executeTakeFirstOrThrow();
      if (!(await verifyPassword(user.password_hash, request.body.currentPassword))) {
        throw new HttpError(400, 'validation', 'currentPassword: does not match', [{ field: 'body.currentPassword', message: 'does not match' }]);
      }
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

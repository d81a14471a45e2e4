import { createHash, randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { Actor, Role } from './actor.js';

export const SESSION_COOKIE = 'kl_session';

const tokenHash = (token: string) => createHash('sha256').update(token).digest('base64url');

export async function createSession(db: Kysely<DB>, userId: string, ttlMs: number): Promise<{ token: string; expiresAt: Date; sessionId: string }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + ttlMs);
  const row = await db.insertInto('user_session').values({ token_hash: tokenHash(token), user_id: userId, expires_at: expiresAt }).returning('id').executeTakeFirstOrThrow();
  return { token, expiresAt, sessionId: row.id };
}

export async function revokeSession(db: Kysely<DB>, sessionId: string): Promise<void> {
  await db.updateTable('user_session').set({ revoked_at: new Date() }).where('id', '=', sessionId).execute();
}

export async function revokeOtherSessions(db: Kysely<DB>, userId: string, keepSessionId: string): Promise<void> {
  await db
    .updateTable('user_session')
    .set({ revoked_at: new Date() })
    .where('user_id', '=', userId)
    .where('id', '<>', keepSessionId)
    .where('revoked_at', 'is', null)
    .execute();
}

/** One query: the live session, its user and the user's teams. */
export async function actorForToken(db: Kysely<DB>, token: string): Promise<Actor | null> {
  const row = await db
    .selectFrom('user_session as s')
    .innerJoin('app_user as u', 'u.id', 's.user_id')
    .select([
      's.id as session_id',
      'u.id as user_id',
      'u.username',
      'u.role',
      'u.display_name',
      'u.institution_id',
      'u.resident_id',
      sql<string[]>`coalesce((SELECT array_agg(tm.team_id::text) FROM team_member tm WHERE tm.user_id = u.id), '{}')`.as('team_ids'),
    ])
    .where('s.token_hash', '=', tokenHash(token))
    .where('s.revoked_at', 'is', null)
    .where('s.expires_at', '>', new Date())
    .where('u.active', '=', true)
    .executeTakeFirst();
  if (!row) return null;
  return {
    sessionId: row.session_id,
    userId: row.user_id,
    username: row.username,
    role: row.role as Role,
    displayName: row.display_name,
    institutionId: row.institution_id,
    residentId: row.resident_id,
    teamIds: row.team_ids,
  };
}

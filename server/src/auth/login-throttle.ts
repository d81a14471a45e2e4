/**
 * Lock-out for log-in and password change, counted by the database (table login_throttle, migration 0010).
 *
 * Every attempt first *claims* a slot with one INSERT … ON CONFLICT DO UPDATE … RETURNING: the row of the
 * username (known or not) counts the attempt and, once more than MAX_FAILED_LOGINS attempts are outstanding,
 * sets `locked_until`. Attempts the claim refuses are never verified, so a parallel burst of N guesses gets at most
 * MAX_FAILED_LOGINS password checks and is counted as N. A failed check locks the name once the threshold is
 * reached (conditional UPDATE); a successful one deletes the row. Nothing is read and then written. Attempts are
 * remembered for ATTEMPT_MEMORY_HOURS; older rows without a lock are pruned (server.ts, hourly).
 *
 * The row is keyed by an HMAC of the normalised username (blind-index key, domain 'login'), so the table holds
 * no typed names and unknown usernames are throttled exactly like real ones.
 */
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { FieldCrypto } from '../security/field-crypto.js';

export const MAX_FAILED_LOGINS = 5;
export const LOCKOUT_MINUTES = 15;
/** Attempts older than this, with no lock in force, are forgotten (and their rows pruned). */
export const ATTEMPT_MEMORY_HOURS = 24;

/** Case and Unicode width do not make a new name: 'GP1' and 'ｇｐ１' count with 'gp1'. */
export const throttleKey = (crypto: FieldCrypto, username: string): string =>
  crypto.blindIndex('login', username.normalize('NFKC').toLowerCase());

/**
 * Counts one attempt. Returns false when the name is locked (now, or by this very attempt because the
 * outstanding attempts exceed the threshold); the caller then answers 423 without checking the password.
 */
export async function claimAttempt(db: Kysely<DB>, key: string): Promise<boolean> {
  const { rows } = await sql<{ locked: boolean }>`
    INSERT INTO login_throttle AS t (username_key, attempts, locked_until, last_attempt_at)
    VALUES (${key}, 1, NULL, now())
    ON CONFLICT (username_key) DO UPDATE SET
      attempts = CASE
        WHEN t.locked_until > now() THEN t.attempts
        -- a lock that has ended, or attempts long forgotten: count afresh
        WHEN t.locked_until IS NOT NULL OR t.last_attempt_at < now() - make_interval(hours => ${ATTEMPT_MEMORY_HOURS}) THEN 1
        ELSE t.attempts + 1 END,
      locked_until = CASE
        WHEN t.locked_until > now() THEN t.locked_until
        WHEN t.locked_until IS NULL AND t.last_attempt_at >= now() - make_interval(hours => ${ATTEMPT_MEMORY_HOURS})
             AND t.attempts + 1 > ${MAX_FAILED_LOGINS}
          THEN now() + make_interval(mins => ${LOCKOUT_MINUTES})
        ELSE NULL END,
      last_attempt_at = now()
    RETURNING coalesce(locked_until > now(), false) AS locked`.execute(db);
  return rows[0]?.locked !== true;
}

/** A claimed attempt failed its password check: lock the name once the threshold is reached. */
export async function recordFailure(db: Kysely<DB>, key: string): Promise<void> {
  await sql`
    UPDATE login_throttle SET locked_until = now() + make_interval(mins => ${LOCKOUT_MINUTES})
     WHERE username_key = ${key} AND locked_until IS NULL AND attempts >= ${MAX_FAILED_LOGINS}`.execute(db);
}

/** The password was right: forget the outstanding attempts (a lock set meanwhile by others stays). */
export async function clearAttempts(db: Kysely<DB>, key: string): Promise<void> {
  await sql`
    DELETE FROM login_throttle WHERE username_key = ${key} AND (locked_until IS NULL OR locked_until <= now())`.execute(db);
}

/** Drops rows that no longer count (no lock in force, last attempt long ago): the table stays small. */
export async function pruneLoginThrottle(db: Kysely<DB>): Promise<number> {
  const res = await sql`
    DELETE FROM login_throttle
     WHERE (locked_until IS NULL OR locked_until <= now())
       AND last_attempt_at < now() - make_interval(hours => ${ATTEMPT_MEMORY_HOURS})`.execute(db);
  return Number(res.numAffectedRows ?? 0);
}

import { sql, type Kysely } from 'kysely';

/**
 * Log-in lock-out, counted in the database for every username tried — known or not — so that a parallel burst
 * is counted attempt by attempt and an unknown name is locked exactly like a known one (no enumeration).
 * The key is a keyed hash (HMAC with the blind-index key, domain 'login') of the normalised username: the table
 * never holds what someone typed. It replaces app_user.failed_logins / locked_until, which counted only known
 * accounts and were updated read-then-write.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
CREATE TABLE login_throttle (
  username_key text PRIMARY KEY,
  attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  locked_until timestamptz,
  last_attempt_at timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE app_user DROP COLUMN failed_logins, DROP COLUMN locked_until;
`,
    )
    .execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only; restore from backup to go back.');
}

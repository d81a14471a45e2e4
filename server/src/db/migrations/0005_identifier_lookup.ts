import { sql, type Kysely } from 'kysely';

/** Search by another identifier does not know its system: look it up by the blind index alone. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql.raw(`CREATE INDEX resident_identifier_bidx_idx ON resident_identifier(value_bidx);`).execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only; restore from backup to go back.');
}

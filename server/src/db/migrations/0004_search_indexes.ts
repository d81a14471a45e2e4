import { sql, type Kysely } from 'kysely';

/**
 * Search at district scale (bench:search on 600k residents):
 * - an exact-lookup index on the national ID's blind index for every record, merged ones included
 *   (the unique index is partial, so a lookup without the same predicate could not use it);
 * - names in byte order ("C") with the birth date, so a one-character surname prefix returns its
 *   first page straight from the index instead of sorting tens of thousands of matches.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
CREATE INDEX resident_national_id_lookup_idx ON resident(national_id_bidx);
CREATE INDEX resident_name_c_idx ON resident((name COLLATE "C"), birth_date) WHERE status <> 'merged';
DROP INDEX resident_name_prefix_idx;
`,
    )
    .execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only; restore from backup to go back.');
}

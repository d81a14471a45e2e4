import { sql } from 'kysely';
import type { CareContext } from '../http/care-context.js';
import type { AccessBasis } from '../access/care-relationship.js';

/** Weights of the probabilistic match (name + birth date + sex + phone); a score ≥ LIKELY is a likely duplicate. */
export const MATCH_WEIGHTS = { nameExact: 0.4, nameSimilar: 0.25, birthDate: 0.3, sex: 0.1, phone: 0.2 } as const;
export const LIKELY_DUPLICATE = 0.7;
export const POSSIBLE_DUPLICATE = 0.5;

export interface MatchInput {
  name: string;
  birthDate: string;
  sex: string;
  phone: string | null;
  /** Blind index of the record's national ID, when it has one. */
  nationalIdBidx: string | null;
}

export interface DuplicateCandidate {
  id: string;
  name: string;
  sex: string;
  birthDate: string;
  nationalIdMasked: string | null;
  phoneMasked: string | null;
  score: number;
  likely: boolean;
}

/**
 * Candidates share the birth date or the phone (both indexed), lie within the actor's care
 * relationships (a list of residents is personal data: filtered in SQL, each one shown audited),
 * and are then scored. Two records with different national IDs are two people, never candidates;
 * an equal national ID is decisive elsewhere (a unique index), so it is not part of the score.
 */
export async function findDuplicateCandidates(ctx: CareContext, input: MatchInput, excludeId?: string): Promise<DuplicateCandidate[]> {
  const phoneBidx = input.phone ? ctx.crypto.blindIndex('phone', input.phone) : null;
  const w = MATCH_WEIGHTS;
  const rows = await ctx.listResidents({ resource: 'duplicate_candidate', fields: ['name', 'sex', 'birthDate', 'nationalIdMasked', 'phoneMasked'] }, async (accessible, db) => {
    const { rows } = await sql<{
      resident_id: string;
      access_basis: AccessBasis;
      name: string;
      sex: string;
      birth_date: string;
      national_id_masked: string | null;
      phone_masked: string | null;
      score: number;
    }>`
      SELECT resident_id, access_basis, name, sex, birth_date, national_id_masked, phone_masked, score FROM (
        SELECT r.id AS resident_id, acc.basis AS access_basis, r.name, r.sex, r.birth_date, r.national_id_masked, r.phone_masked,
          (CASE WHEN r.name = ${input.name} THEN ${w.nameExact}::float8
                WHEN similarity(r.name, ${input.name}) >= 0.4 THEN ${w.nameSimilar}::float8 ELSE 0 END
           + CASE WHEN r.birth_date = ${input.birthDate}::date THEN ${w.birthDate}::float8 ELSE 0 END
           + CASE WHEN r.sex = ${input.sex} THEN ${w.sex}::float8 ELSE 0 END
           + CASE WHEN ${phoneBidx}::text IS NOT NULL AND r.phone_bidx = ${phoneBidx}::text THEN ${w.phone}::float8 ELSE 0 END)::float8 AS score
        FROM resident r
        JOIN ${accessible} acc ON acc.resident_id = r.id
        WHERE (r.birth_date = ${input.birthDate}::date OR (${phoneBidx}::text IS NOT NULL AND r.phone_bidx = ${phoneBidx}::text))
          AND r.status <> 'merged'
          AND (${excludeId ?? null}::uuid IS NULL OR r.id <> ${excludeId ?? null}::uuid)
          AND (${input.nationalIdBidx}::text IS NULL OR r.national_id_bidx IS NULL OR r.national_id_bidx = ${input.nationalIdBidx}::text)
      ) scored
      WHERE score >= ${POSSIBLE_DUPLICATE}::float8
      ORDER BY score DESC, name
      LIMIT 10`.execute(db);
    return rows;
  });
  return rows.map((r) => ({
    id: r.resident_id,
    name: r.name,
    sex: r.sex,
    birthDate: r.birth_date,
    nationalIdMasked: r.national_id_masked,
    phoneMasked: r.phone_masked,
    score: Math.round(r.score * 1000) / 1000,
    likely: r.score >= LIKELY_DUPLICATE,
  }));
}

/**
 * Resident master-index search through the real API (GET /api/residents?q=…) as a clinical user:
 * by national ID (real IDs, decrypted from a random sample), by an ID that is not on file, by phone, by
 * another identifier (birth certificate / passport), by full name, by a two-character name prefix and by a
 * one-character surname (names within the user's care relationships). Run: npm run bench:search [-- --requests N --concurrency C].
 */
import { sql } from 'kysely';
import { makeNationalId } from '../server/src/residents/national-id.js';
import { runBench, type BenchCase } from './support.js';

const SAMPLE = 400;
const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭', '何', '林', '高', '罗'];

interface SearchBody {
  by: string;
  items: { id: string; name: string }[];
}

const q = (value: string) => `/api/residents?q=${encodeURIComponent(value)}`;
const found = (by: string) => (body: unknown) => {
  const b = body as SearchBody;
  return b.by === by && b.items.length > 0;
};

let nationalIdsForSql: string[] = [];
let phonesForSql: string[] = [];

await runBench({
  name: 'search',
  sqlCeilings: async (env) => [
    {
      label: 'national ID lookup (blind index)',
      text: 'SELECT coalesce(merged_into_id, id) AS id FROM resident WHERE national_id_bidx = $1',
      params: (i) => [env.crypto.blindIndex('national_id', nationalIdsForSql[i % nationalIdsForSql.length]!)],
    },
    {
      label: 'phone lookup (blind index)',
      text: "SELECT id FROM resident WHERE phone_bidx = $1 AND status <> 'merged' LIMIT 20",
      params: (i) => [env.crypto.blindIndex('phone', phonesForSql[i % phonesForSql.length]!)],
    },
  ],
  notes: { sample: `${SAMPLE} random residents per case (ORDER BY random())`, endpoint: 'GET /api/residents?q=' },
  user: (env) => env.userWithRole('gp', 'gp1'),
  cases: async (env) => {
    const { db, crypto } = env;
    const ids = await sql<{
      v: Buffer;
    }>`SELECT national_id_enc AS v FROM resident WHERE national_id_enc IS NOT NULL ORDER BY random() LIMIT ${SAMPLE}`.execute(db);
    const phones = await sql<{
      v: Buffer;
    }>`SELECT phone_enc AS v FROM resident WHERE phone_enc IS NOT NULL ORDER BY random() LIMIT ${SAMPLE}`.execute(db);
    const others = await sql<{
      v: Buffer;
    }>`SELECT value_enc AS v FROM resident_identifier WHERE system IN ('birth_certificate', 'passport') ORDER BY random() LIMIT ${SAMPLE}`.execute(
      db,
    );
    // A name browses only the searcher's own care relationships: sample names from the bench
    // user's teams (an ID or a phone identifies anyone, so those samples are district-wide).
    const user = await env.userWithRole('gp', 'gp1');
    const names = await sql<{
      name: string;
    }>`SELECT r.name FROM resident r
         JOIN contract c ON c.resident_id = r.id AND c.status = 'active' AND c.start_date <= current_date AND c.end_date > current_date
         JOIN team_member m ON m.team_id = c.team_id JOIN app_user u ON u.id = m.user_id AND u.username = ${user}
        WHERE r.name ~ '^[一-龥]{2,4}$' AND r.status <> 'merged' ORDER BY random() LIMIT ${SAMPLE}`.execute(db);
    const nationalIds = ids.rows.map((r) => crypto.decrypt(r.v));
    const phoneNumbers = phones.rows.map((r) => crypto.decrypt(r.v));
    const otherIds = others.rows.map((r) => crypto.decrypt(r.v));
    const fullNames = names.rows.map((r) => r.name);
    nationalIdsForSql = nationalIds;
    phonesForSql = phoneNumbers;
    const prefixes = fullNames.map((n) => n.slice(0, 2));
    // Valid IDs (check digit and all) from a region the district never issues: always a miss.
    const unknownIds = Array.from({ length: SAMPLE }, (_, i) =>
      makeNationalId('110101', `19${String(40 + (i % 50)).padStart(2, '0')}-0${1 + (i % 9)}-1${i % 10}`, 100 + (i % 800)),
    );
    const cases: BenchCase[] = [
      { label: 'national ID (on file)', urls: nationalIds.map(q), check: found('national_id') },
      {
        label: 'national ID (not on file)',
        urls: unknownIds.map(q),
        check: (b) => (b as SearchBody).by === 'national_id' && (b as SearchBody).items.length === 0,
      },
      { label: 'mobile phone', urls: phoneNumbers.map(q), check: found('phone') },
      { label: 'full name', urls: fullNames.map(q), check: found('name') },
      { label: 'name prefix (2 chars)', urls: prefixes.map(q), check: found('name') },
      { label: 'surname (1 char)', urls: SURNAMES.map(q), check: (b) => (b as SearchBody).by === 'name' },
    ];
    if (otherIds.length) cases.splice(3, 0, { label: 'birth cert. / passport', urls: otherIds.map(q), check: found('identifier') });
    return cases;
  },
});

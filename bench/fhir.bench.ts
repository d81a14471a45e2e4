/**
 * FHIR R4 through the real API at district scale (issue 14, done-when 7): Patient read by id and
 * Observation search by patient + code + date, as a family doctor over the residents of the team's
 * own contracts (a care relationship, so every read is granted and audited), beside GET /api/health
 * (the hello-world ceiling measured in the same run); then a Synthea transaction bundle (fresh ids
 * per request, so every entry is written), reported as entries/s.
 * Goals: read by id ≥ 50% of the hello-world rate; search p99 ≤ 30 ms.
 * Run: npm run bench:fhir [-- --requests N --concurrency C].
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { runBench, type BenchCase } from './support.js';
import { fhirSamplesDir } from '../server/test/support/fhir-samples.js';
import { contractInForce } from '../server/src/access/care-relationship.js';
import { todayIso } from '../server/src/shared/dates.js';

const SYNTHEA = path.join(fhirSamplesDir(), 'synthea');
const bundleText = (() => {
  const file = readdirSync(SYNTHEA).filter((f) => f.endsWith('.json')).sort()[0]!;
  return readFileSync(path.join(SYNTHEA, file), 'utf8');
})();
const bundleEntries = (JSON.parse(bundleText) as { entry: unknown[] }).entry.length;

/** The same bundle with every id and identifier fresh: a new patient and new entries each time. */
function freshBundle(): unknown {
  const ids = new Map<string, string>();
  const text = bundleText.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, (u) => {
    if (!ids.has(u)) ids.set(u, randomUUID());
    return ids.get(u)!;
  });
  return JSON.parse(text.replace(/"999-(\d\d)-(\d{4})"/g, () => `"999-${randomUUID().slice(0, 8)}"`));
}

let gpUser = '';
const results = await runBench({
  name: 'fhir',
  notes: {
    endpoints: ['GET /fhir/Patient/:id', 'GET /fhir/Observation?patient&code&date', 'POST /fhir (transaction)'],
    goals: 'read by id ≥ 50% of GET /api/health req/s; search p99 ≤ 30 ms',
    sample: "residents under the default GP's team contracts in force; observation codes they have",
    transaction: `${bundleEntries}-entry Synthea bundle (Alfreda Wyman) with fresh ids per request`,
  },
  user: async (env) => {
    // The GP whose team has the most contracts in force.
    const { rows } = await sql<{ username: string }>`
      SELECT u.username FROM contract c JOIN team_member m ON m.team_id = c.team_id AND m.team_role = 'gp' JOIN app_user u ON u.id = m.user_id
       WHERE ${contractInForce('c', todayIso())} GROUP BY u.username ORDER BY count(*) DESC LIMIT 1`.execute(env.db);
    if (!rows[0]) throw new Error('no contracts in force: generate a district first');
    gpUser = rows[0].username;
    return gpUser;
  },
  cases: async (env) => {
    const { rows: sample } = await sql<{ resident_id: string; loinc: string | null; since: string | null }>`
      SELECT c.resident_id, o.loinc, to_char(o.effective_at - interval '400 days', 'YYYY-MM-DD') AS since
        FROM contract c JOIN team_member m ON m.team_id = c.team_id AND m.team_role = 'gp' JOIN app_user u ON u.id = m.user_id
        LEFT JOIN LATERAL (SELECT loinc, effective_at FROM observation o WHERE o.resident_id = c.resident_id ORDER BY effective_at DESC LIMIT 1) o ON true
       WHERE u.username = ${gpUser} AND ${contractInForce('c', todayIso())}
       ORDER BY md5(c.resident_id::text) LIMIT 500`.execute(env.db);
    const withObs = sample.filter((s) => s.loinc);
    console.log(`  sample: ${sample.length} residents in care, ${withObs.length} with observations`);
    const cases: BenchCase[] = [
      { label: 'FHIR Patient read by id', urls: sample.map((s) => `/fhir/Patient/${s.resident_id}`) },
      {
        label: 'FHIR Observation search patient+code+date',
        urls: withObs.map((s) => `/fhir/Observation?patient=${s.resident_id}&code=${encodeURIComponent(`http://loinc.org|${s.loinc}`)}&date=ge${s.since}`),
        check: (body) => ((body as { total?: number }).total ?? 0) > 0,
      },
      {
        label: `FHIR transaction, ${bundleEntries} entries`,
        urls: ['/fhir'],
        method: 'POST',
        body: () => freshBundle(),
        requests: 10,
        concurrency: 1,
        warmup: 2,
      },
    ];
    return cases;
  },
});

const health = results.find((r) => r.label.startsWith('ceiling: GET /api/health'))!;
const read = results.find((r) => r.label.startsWith('FHIR Patient read'))!;
const search = results.find((r) => r.label.startsWith('FHIR Observation search'))!;
const tx = results.find((r) => r.label.startsWith('FHIR transaction'))!;
console.log(`\nread by id: ${read.requestsPerSecond} req/s = ${Math.round((100 * read.requestsPerSecond) / health.requestsPerSecond)}% of GET /api/health (${health.requestsPerSecond} req/s); goal ≥ 50%`);
console.log(`search p99: ${search.ms.p99} ms; goal ≤ 30 ms`);
console.log(`transaction: p50 ${tx.ms.p50} ms per ${bundleEntries}-entry bundle = ${Math.round((bundleEntries * 1000) / tx.ms.p50)} entries/s`);

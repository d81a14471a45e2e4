/**
 * Walks the audit hash chain of the configured database (DATABASE_URL, or the embedded one — stop the
 * server first, PGlite is single-process) and names the first broken link.
 *
 *   npm run audit:verify [-- --expect SEQ:HASH ...] [--batch N]
 *
 * Exit code 0 when the chain is intact (it prints the head: keep it somewhere the database owner cannot
 * write, and pass it back later with --expect to prove the chain was neither cut short nor recomputed),
 * 1 when it is broken, 2 on bad usage.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/config.js';
import { openDatabase } from '../db/database.js';
import { verifyAuditChain, type ChainAnchor } from './audit-chain.js';

const USAGE = 'usage: npm run audit:verify [-- --expect SEQ:HASH ...] [--batch N]';

function usage(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    expect: { type: 'string', multiple: true },
    batch: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
  strict: true,
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const anchors: ChainAnchor[] = (values.expect ?? []).map((a) => {
  const m = /^(\d+):([0-9a-fA-F]{64})$/.exec(a);
  if (!m) usage(`--expect must be SEQ:HASH (chain_seq, then the 64 hex digits of its row_hash), got "${a}"`);
  return { chainSeq: Number(m[1]), rowHash: m[2]!.toLowerCase() };
});
const batchSize = values.batch === undefined ? 5000 : Number(values.batch);
if (!Number.isInteger(batchSize) || batchSize < 1) usage(`--batch must be a positive integer, got "${values.batch}"`);

// The chain needs no field keys: placeholders keep loadConfig from creating development keys.
const noKey = Buffer.alloc(32).toString('base64');
const config = loadConfig({ ...process.env, KANGLIAN_ENCRYPTION_KEY: noKey, KANGLIAN_BLIND_INDEX_KEY: noKey });
const database = await openDatabase(config.database);
const t0 = Date.now();
let code = 0;
try {
  const report = await verifyAuditChain(database.db, {
    batchSize,
    anchors,
    onProgress: (n) => console.error(`  … ${n.toLocaleString('en')} rows verified`),
  });
  const seconds = ((Date.now() - t0) / 1000).toFixed(1);
  if (report.ok) {
    console.log(`audit chain intact: ${report.rows.toLocaleString('en')} rows verified in ${seconds} s (${database.kind})`);
    if (report.head) {
      console.log(`head: chain_seq ${report.head.chainSeq}, row id ${report.head.id}, ${report.head.occurredAt}`);
      console.log(`anchor for a later run: --expect ${report.head.chainSeq}:${report.head.rowHash}`);
    }
  } else {
    const b = report.break;
    console.error(`audit chain BROKEN (${b.kind}) after ${report.rows.toLocaleString('en')} intact rows:`);
    console.error(`  ${b.message}`);
    if (b.id !== null) console.error(`  first broken link: row id ${b.id}, chain_seq ${b.chainSeq}, occurred_at ${b.occurredAt}`);
    code = 1;
  }
} catch (err) {
  console.error(`audit:verify failed: ${(err as Error).message}`);
  code = 2;
} finally {
  await database.close();
}
process.exit(code);

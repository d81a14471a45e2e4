import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { DB } from '../db/schema.js';

/**
 * Walks the audit hash chain (migration 0012) in chain order and names the first broken link.
 *
 * Every row's hash is recomputed by the database with `audit_row_hash(audit_event)`, the very function
 * the insert trigger uses, so the writer and the verifier cannot disagree on what is hashed. The walk
 * is keyset-paged on (chain_seq, id), a batch at a time, so it runs in constant memory over millions
 * of rows; rows appended meanwhile are simply walked too (the chain only ever grows at its head).
 *
 * What the chain alone cannot show is rows removed from its very end, or a chain recomputed from the
 * tampered row onwards by someone holding the owner's password: for both, keep the head it reports
 * outside the database and pass it back later as an anchor (`--expect seq:hash`).
 */

export const GENESIS_HASH = '00'.repeat(32);

export type ChainBreakKind =
  /** The row's content (or its chain position) no longer hashes to its row_hash. */
  | 'content_changed'
  /** The row's prev_hash is not the row_hash of the row before it. */
  | 'prev_hash_mismatch'
  /** chain_seq jumps: rows are missing before this one. */
  | 'rows_missing'
  /** chain_seq repeats or goes back: a row was inserted into the chain. */
  | 'row_inserted'
  /** Rows outside the chain (no chain position). */
  | 'unchained_rows'
  /** An anchor taken earlier does not match, or the chain no longer reaches it. */
  | 'anchor_mismatch';

export interface ChainBreak {
  kind: ChainBreakKind;
  /** The first row found wrong (null when the break is at the end of the chain or outside it). */
  id: number | null;
  chainSeq: number | null;
  occurredAt: string | null;
  message: string;
}

export interface ChainHead {
  chainSeq: number;
  id: number;
  occurredAt: string;
  rowHash: string;
}

export interface ChainAnchor {
  chainSeq: number;
  rowHash: string;
}

export type ChainReport =
  { ok: true; rows: number; head: ChainHead | null } | { ok: false; rows: number; head: ChainHead | null; break: ChainBreak };

interface ChainRow {
  chain_seq: number;
  id: number;
  occurred_at: Date;
  prev_hash: string;
  row_hash: string;
  recomputed: string;
}

export async function verifyAuditChain(
  db: Kysely<DB>,
  opts: { batchSize?: number; anchors?: ChainAnchor[]; onProgress?: (rows: number) => void } = {},
): Promise<ChainReport> {
  const batchSize = Math.max(1, opts.batchSize ?? 5000);
  const anchors = new Map((opts.anchors ?? []).map((a) => [a.chainSeq, a.rowHash.toLowerCase()]));
  let rows = 0;
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let prev: ChainRow | null = null;
  let after: [number, number] = [0, 0];
  const at = (r: ChainRow) => `row id ${r.id} (chain_seq ${r.chain_seq}, ${r.occurred_at.toISOString()})`;
  const broken = (kind: ChainBreakKind, r: ChainRow | null, message: string): ChainReport => ({
    ok: false,
    rows,
    head: prev && headOf(prev),
    break: { kind, id: r?.id ?? null, chainSeq: r?.chain_seq ?? null, occurredAt: r?.occurred_at.toISOString() ?? null, message },
  });

  for (;;) {
    const batch = await sql<ChainRow>`
      SELECT e.chain_seq, e.id, e.occurred_at, encode(e.prev_hash, 'hex') AS prev_hash,
             encode(e.row_hash, 'hex') AS row_hash, encode(audit_row_hash(e), 'hex') AS recomputed
        FROM audit_event e
       WHERE (e.chain_seq, e.id) > (${after[0]}, ${after[1]})
       ORDER BY e.chain_seq, e.id
       LIMIT ${batchSize}`.execute(db);
    for (const r of batch.rows) {
      if (r.chain_seq > expectedSeq) {
        const missing = r.chain_seq - expectedSeq === 1 ? `chain_seq ${expectedSeq} is` : `chain_seq ${expectedSeq}–${r.chain_seq - 1} are`;
        return broken('rows_missing', r, `${missing} missing before ${at(r)}: audit rows were deleted`);
      }
      if (r.chain_seq < expectedSeq) {
        return broken(
          'row_inserted',
          r,
          `${at(r)} repeats chain position ${r.chain_seq}${prev ? ` of row id ${prev.id}` : ''}: a row was inserted into the chain`,
        );
      }
      if (r.recomputed !== r.row_hash) {
        return broken(
          'content_changed',
          r,
          `${at(r)}: its content no longer matches its row_hash: the row was changed after it was written`,
        );
      }
      if (r.prev_hash !== prevHash) {
        const before = prev
          ? `the row_hash of row id ${prev.id} (chain_seq ${prev.chain_seq}) before it`
          : 'the genesis hash (it is the first row)';
        return broken(
          'prev_hash_mismatch',
          r,
          `${at(r)}: prev_hash is not ${before}: rows before it were replaced, re-hashed, removed or inserted`,
        );
      }
      const anchor = anchors.get(r.chain_seq);
      if (anchor !== undefined && anchor !== r.row_hash) {
        return broken(
          'anchor_mismatch',
          r,
          `${at(r)}: row_hash ${r.row_hash} differs from the anchor ${anchor}: the chain was recomputed since the anchor was taken`,
        );
      }
      rows++;
      expectedSeq = r.chain_seq + 1;
      prevHash = r.row_hash;
      prev = r;
      if (rows % 500_000 === 0) opts.onProgress?.(rows);
    }
    if (batch.rows.length < batchSize) break;
    const last = batch.rows.at(-1)!;
    after = [last.chain_seq, last.id];
  }

  const beyond = [...anchors.keys()].filter((seq) => seq >= expectedSeq).sort((a, b) => a - b)[0];
  if (beyond !== undefined) {
    return broken(
      'anchor_mismatch',
      null,
      `the chain ends at chain_seq ${expectedSeq - 1} but an anchor names chain_seq ${beyond}: rows at the end of the chain were removed`,
    );
  }
  const outside = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_event WHERE chain_seq IS NULL OR chain_seq < 1`.execute(db);
  const unchained = outside.rows[0]?.n ?? 0;
  if (unchained > 0)
    return broken('unchained_rows', null, `${unchained} audit row(s) carry no chain position: they were written around the chain`);
  return { ok: true, rows, head: prev && headOf(prev) };
}

function headOf(r: ChainRow): ChainHead {
  return { chainSeq: r.chain_seq, id: r.id, occurredAt: r.occurred_at.toISOString(), rowHash: r.row_hash };
}

/**
 * True when the application's own connection is a PostgreSQL superuser (which can set triggers aside and
 * rewrite audit rows). PGlite is always its own superuser, in one process: not reported.
 */
export async function connectedAsSuperuser(database: Database): Promise<boolean> {
  if (database.kind !== 'postgresql') return false;
  const r = await sql<{ su: boolean }>`SELECT rolsuper AS su FROM pg_roles WHERE rolname = current_user`.execute(database.db);
  return r.rows[0]?.su === true;
}

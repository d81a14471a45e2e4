/**
 * Fast multi-row inserts for the generator: one `INSERT … SELECT … FROM unnest($1::t1[], $2::t2[], …)` per
 * table and batch, so a batch of any size costs one statement with one parameter per column (no 65,535-parameter
 * limit, no giant SQL text). Works the same on PostgreSQL and PGlite.
 */
import { sql, type Insertable, type Kysely } from 'kysely';
import type { DB } from '../schema.js';

export type TableName = keyof DB & string;
export type Row<T extends TableName> = Insertable<DB[T]>;

interface ColumnInfo {
  /** Element type for the unnest parameter, e.g. 'uuid', 'int4', 'text' (for array columns: 'text'). */
  paramType: string;
  /** Cast applied in the SELECT list (array columns: '::text[]'), or ''. */
  selectCast: string;
  json: boolean;
  array: boolean;
}

/** Column types per table (the schema does not change while the generator runs). */
const columnCache = new Map<string, Map<string, ColumnInfo>>();

async function columnsOf(db: Kysely<DB>, table: string): Promise<Map<string, ColumnInfo>> {
  const cached = columnCache.get(table);
  if (cached) return cached;
  const { rows } = await sql<{ column_name: string; udt_name: string }>`
    SELECT column_name, udt_name FROM information_schema.columns
     WHERE table_schema = current_schema() AND table_name = ${table}`.execute(db);
  if (rows.length === 0) throw new Error(`bulk insert: table ${table} not found`);
  const map = new Map<string, ColumnInfo>();
  for (const r of rows) {
    const array = r.udt_name.startsWith('_');
    const base = array ? r.udt_name.slice(1) : r.udt_name;
    map.set(r.column_name, {
      paramType: array ? 'text' : base,
      selectCast: array ? `::${base}[]` : '',
      json: base === 'jsonb' || base === 'json',
      array,
    });
  }
  columnCache.set(table, map);
  return map;
}

/** A PostgreSQL array literal for a text[] value (each element quoted). */
function arrayLiteral(values: readonly unknown[]): string {
  return `{${values.map((v) => (v === null ? 'NULL' : `"${String(v).replace(/(["\\])/g, '\\$1')}"`)).join(',')}}`;
}

function toParam(value: unknown, info: ColumnInfo): unknown {
  if (value === undefined || value === null) return null;
  if (info.array) return arrayLiteral(value as unknown[]);
  if (info.json) return typeof value === 'string' ? value : JSON.stringify(value);
  if (value instanceof Date) return value.toISOString();
  return value;
}

/**
 * Inserts rows in statements of at most `chunk` rows. Rows are grouped by their set of keys, so a column a row
 * leaves out takes its default (it is simply not named in that group's statement).
 */
export async function bulkInsert<T extends TableName>(db: Kysely<DB>, table: T, rows: readonly Row<T>[], chunk = 10_000): Promise<void> {
  if (rows.length === 0) return;
  const info = await columnsOf(db, table);
  const groups = new Map<string, Record<string, unknown>[]>();
  for (const r of rows) {
    const rec = r as Record<string, unknown>;
    const signature = Object.keys(rec)
      .filter((k) => rec[k] !== undefined)
      .sort()
      .join(',');
    let g = groups.get(signature);
    if (!g) groups.set(signature, (g = []));
    g.push(rec);
  }
  for (const [signature, group] of groups) {
    const columns = signature.split(',');
    for (const c of columns) if (!info.has(c)) throw new Error(`bulk insert: ${table}.${c} does not exist`);
    const aliases = columns.map((_, i) => `c${i}`);
    for (let start = 0; start < group.length; start += chunk) {
      const part = group.slice(start, start + chunk);
      const params = columns.map((c) => {
        const ci = info.get(c)!;
        return part.map((r) => toParam(r[c], ci));
      });
      const query = sql`INSERT INTO ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c)))})
        SELECT ${sql.raw(columns.map((c, i) => `${aliases[i]}${info.get(c)!.selectCast}`).join(', '))}
          FROM unnest(${sql.join(columns.map((c, i) => sql`${params[i]}::${sql.raw(info.get(c)!.paramType)}[]`))})
            AS t(${sql.raw(aliases.join(', '))})`;
      await query.execute(db);
    }
  }
}

/** Rows waiting to be written, per table; flushed in foreign-key order. */
export class RowBuffer {
  private readonly rows = new Map<TableName, unknown[]>();

  add<T extends TableName>(table: T, row: Row<T>): void {
    let list = this.rows.get(table);
    if (!list) {
      list = [];
      this.rows.set(table, list);
    }
    list.push(row);
  }

  count(table?: TableName): number {
    if (table) return this.rows.get(table)?.length ?? 0;
    let n = 0;
    for (const list of this.rows.values()) n += list.length;
    return n;
  }

  counts(): Map<TableName, number> {
    const out = new Map<TableName, number>();
    for (const [t, list] of this.rows) out.set(t, list.length);
    return out;
  }

  /** Writes every buffered row, parents before children, and empties the buffer. */
  async flush(db: Kysely<DB>): Promise<void> {
    const order: TableName[] = [...FLUSH_ORDER, ...[...this.rows.keys()].filter((t) => !FLUSH_ORDER.includes(t))];
    for (const table of order) {
      const list = this.rows.get(table);
      if (list && list.length) await bulkInsert(db, table, list as Row<typeof table>[]);
    }
    this.rows.clear();
  }
}

/** Parents before children (foreign keys). */
export const FLUSH_ORDER: TableName[] = [
  'region',
  'institution',
  'department',
  'team',
  'grid',
  'app_user',
  'team_member',
  'service_package',
  'resident',
  'resident_identifier',
  'contract',
  'encounter',
  'condition',
  'observation',
  'medication',
  'immunization',
  'programme_enrolment',
  'screening',
  'followup_visit',
  'elderly_assessment',
  'care_task',
  'referral',
];

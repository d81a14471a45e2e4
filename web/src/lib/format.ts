/**
 * Pure display helpers (no React, no i18n instance): unit-tested in format.test.ts.
 */

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})/;

/** Whole years between a YYYY-MM-DD birth date and `today` (local calendar), or null when unparseable. */
export function ageOn(birthDate: string, today: Date = new Date()): number | null {
  const m = DATE_RE.exec(birthDate);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  let age = today.getFullYear() - y;
  const month = today.getMonth() + 1;
  if (month < mo || (month === mo && today.getDate() < d)) age -= 1;
  return age < 0 ? null : age;
}

/**
 * Masks a national ID for display: first 6 (region) and last 4 kept, e.g. 330106********0173.
 * Already-masked values (containing '*') pass through unchanged.
 */
export function maskNationalId(value: string | null | undefined): string | null {
  if (!value) return null;
  const v = value.trim();
  if (v.includes('*')) return v;
  if (v.length <= 10) return `${v.slice(0, 2)}${'*'.repeat(Math.max(v.length - 4, 0))}${v.slice(-2)}`;
  return `${v.slice(0, 6)}${'*'.repeat(v.length - 10)}${v.slice(-4)}`;
}

/** Masks a phone number: 138****8000 for mobiles; other numbers keep their last 4 digits. */
export function maskPhone(value: string | null | undefined): string | null {
  if (!value) return null;
  const v = value.trim();
  if (v.includes('*')) return v;
  if (/^1\d{10}$/.test(v)) return `${v.slice(0, 3)}****${v.slice(-4)}`;
  if (v.length <= 4) return '*'.repeat(v.length);
  return `${'*'.repeat(v.length - 4)}${v.slice(-4)}`;
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** YYYY-MM-DD in local time for an ISO datetime or date; '' for missing/invalid input. */
export function formatDate(value: string | null | undefined): string {
  if (!value) return '';
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** YYYY-MM-DD HH:mm in local time; the time is left out when the value carries no time of day. */
export function formatDateTime(value: string | null | undefined): string {
  if (!value) return '';
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return '';
  return `${formatDate(value)} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export interface Dated {
  occurredAt: string;
}

/** Newest first; stable for equal instants; invalid dates sink to the end. */
export function sortNewestFirst<T extends Dated>(items: readonly T[]): T[] {
  const time = (x: T) => {
    const t = Date.parse(x.occurredAt);
    return Number.isNaN(t) ? Number.NEGATIVE_INFINITY : t;
  };
  return items
    .map((item, index) => ({ item, index, t: time(item) }))
    .sort((a, b) => b.t - a.t || a.index - b.index)
    .map((x) => x.item);
}

export interface YearGroup<T> {
  year: string;
  items: T[];
}

/** Newest-first groups by calendar year (local time), for the record timeline. */
export function groupByYear<T extends Dated>(items: readonly T[]): YearGroup<T>[] {
  const groups: YearGroup<T>[] = [];
  for (const item of sortNewestFirst(items)) {
    const year = formatDate(item.occurredAt).slice(0, 4) || '—';
    const last = groups[groups.length - 1];
    if (last && last.year === year) last.items.push(item);
    else groups.push({ year, items: [item] });
  }
  return groups;
}

/** Counts per key, e.g. timeline items per kind for the filter chips. */
export function countBy<T, K extends string>(items: readonly T[], key: (item: T) => K): Partial<Record<K, number>> {
  const counts: Partial<Record<K, number>> = {};
  for (const item of items) {
    const k = key(item);
    counts[k] = (counts[k] ?? 0) + 1;
  }
  return counts;
}

/**
 * What a search text looks like, for the hint under the search box only (the server decides how it
 * searches): an 18-character national ID, a mobile number, or a name.
 */
export function guessQueryKind(q: string): 'national_id' | 'phone' | 'name' | 'empty' {
  const v = q.trim();
  if (!v) return 'empty';
  if (/^\d{17}[\dXx]$/.test(v) || /^\d{15}$/.test(v)) return 'national_id';
  if (/^1\d{10}$/.test(v)) return 'phone';
  return 'name';
}

/** Joins non-empty parts with a separator; returns null if nothing is left. */
export function joinParts(parts: readonly (string | null | undefined | false)[], sep = ' · '): string | null {
  const kept = parts.filter((p): p is string => typeof p === 'string' && p.trim().length > 0);
  return kept.length ? kept.join(sep) : null;
}

/** Timeline kinds whose server value is a calendar date sent as midnight UTC (diagnosis date, visit date, …). */
const DATE_ONLY_KINDS = new Set(['condition', 'medication', 'immunization', 'followup', 'screening', 'assessment', 'contract']);

/**
 * When a timeline entry happened, for display. Date-kinds come as `YYYY-MM-DDT00:00:00.000Z`; shown as the
 * date alone (in local time they would read 08:00 in China, a time nobody recorded). Others keep their time.
 */
export function formatOccurredAt(kind: string, occurredAt: string): string {
  if (DATE_ONLY_KINDS.has(kind) && /T00:00:00(\.0+)?(Z|\+00:00)$/.test(occurredAt)) return occurredAt.slice(0, 10);
  return formatDateTime(occurredAt);
}

/** Today's date in China (UTC+8, no daylight saving), as the server counts due dates. */
export function todayInChina(now: Date = new Date()): string {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

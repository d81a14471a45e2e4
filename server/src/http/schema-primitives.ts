import { z } from 'zod';
import { todayIso } from '../shared/dates.js';

/**
 * Boundary primitives: the only string, date and id types route schemas (query, params, body,
 * headers) are built from, so that bad input is refused at the schema with a 400 naming the field
 * the client sent, and never reaches the database as a 5xx.
 *
 * - text refuses NUL (PostgreSQL cannot store it in text) and lone UTF-16 surrogates (not valid
 *   UTF-8), and is trimmed and bounded;
 * - dates are real calendar dates from 1900 on; clinical dates are not after today (China time);
 * - end ≥ start is checked on the object and reported on the END field.
 */

export const MIN_YEAR = 1900;
/** Latest year any date may carry (contract ends, schedules and periods stay well inside it). */
export const MAX_YEAR = 2100;

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a string cannot be stored as text, or null when it can. */
export function unsafeTextReason(s: string): string | null {
  if (s.includes('\u0000')) return 'must not contain the NUL character';
  if (LONE_SURROGATE.test(s)) return 'must not contain an unpaired UTF-16 surrogate';
  return null;
}

const storable = (s: string) => unsafeTextReason(s) === null;
const storableMessage = { message: 'must not contain NUL or unpaired UTF-16 surrogate characters' };

/** Adds the NUL / lone-surrogate refusal to a string schema built with its own messages. */
export const safe = (s: z.ZodString) => s.refine(storable, storableMessage);

/** A string as sent (not trimmed: passwords, tokens), refusing NUL and lone surrogates. */
export const rawString = (max: number, min = 0) => z.string().min(min).max(max).refine(storable, storableMessage);

/** Free text: trimmed, 1..max characters (or 0..max with min 0), no NUL, no lone surrogates. */
export const text = (max: number, min = 1) => z.string().trim().min(min).max(max).refine(storable, storableMessage);

/** A string that must match a pattern (codes, phone numbers); the pattern already excludes NUL. */
export const code = (pattern: RegExp, message: string, max = 64) => z.string().max(max).regex(pattern, message);

export const uuid = () => z.string().uuid();

const yearOf = (d: string) => Number(d.slice(0, 4));

/** A calendar date 'YYYY-MM-DD' that exists (no 30 February), between 1900 and 2100. */
export const calendarDate = () =>
  z.iso
    .date()
    .refine((d) => yearOf(d) >= MIN_YEAR, { message: `must not be before ${MIN_YEAR}` })
    .refine((d) => yearOf(d) <= MAX_YEAR, { message: `must not be after ${MAX_YEAR}` });

/** A date on which something clinical happened: a calendar date, not after today in China time. */
export const clinicalDate = () => calendarDate().refine((d) => d <= todayIso(), { message: 'is in the future' });

/** The calendar date (China time, UTC+8) of an ISO instant. */
export function chinaDateOf(instant: string): string {
  return todayIso(new Date(instant));
}

/** An instant with an offset ('2026-11-01T08:00:00+08:00'), its China-time date between 1900 and 2100. */
export const dateTime = () =>
  z.iso
    .datetime({ offset: true })
    .refine((t) => !Number.isNaN(Date.parse(t)) && yearOf(chinaDateOf(t)) >= MIN_YEAR, { message: `must not be before ${MIN_YEAR}` })
    .refine((t) => Number.isNaN(Date.parse(t)) || yearOf(chinaDateOf(t)) <= MAX_YEAR, { message: `must not be after ${MAX_YEAR}` });

/** An instant at which something clinical happened: not on a day after today (China time). */
export const clinicalDateTime = () =>
  dateTime().refine((t) => Number.isNaN(Date.parse(t)) || chinaDateOf(t) <= todayIso(), { message: 'is in the future' });

/** Orders dates ('YYYY-MM-DD') and instants (ISO with offset) alike. */
function instantOf(v: string): number {
  return /^\d{4}-\d{2}-\d{2}$/.test(v) ? Date.parse(`${v}T00:00:00Z`) : Date.parse(v);
}

/**
 * Object refinement: `end` must not be before `start` when both are given. The issue is reported on
 * the END field, the one the client has to change. Use as `.superRefine(endNotBefore('startDate', 'endDate'))`.
 */
export function endNotBefore<S extends string, E extends string>(start: S, end: E) {
  return (value: Partial<Record<S | E, unknown>>, ctx: z.RefinementCtx) => {
    const a = value[start];
    const b = value[end];
    if (typeof a !== 'string' || typeof b !== 'string') return;
    if (instantOf(b) < instantOf(a)) ctx.addIssue({ code: 'custom', path: [end], message: `must not be before ${start}` });
  };
}

/** Own-property lookup of a client-supplied key (never the prototype chain: '__proto__', 'constructor'). */
export function ownKey<T extends object>(table: T, key: string): key is Extract<keyof T, string> {
  return Object.hasOwn(table, key);
}

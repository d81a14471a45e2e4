/** Pure helpers of the break-the-glass record view (expiry, emergency note): unit-tested in break-glass.logic.test.ts. */
import type { EmergencyNoteBody, ResidentRecord } from './residents.types';

export const EMERGENCY_NOTE_MAX = 2000;

/** Minimal storage the expiry is remembered in (sessionStorage in the browser; a Map-backed fake in tests). */
export type KeyValueStore = Pick<Storage, 'getItem' | 'setItem'>;

/** Per user and resident: a shared workstation must not show one user's grant to the next. */
const key = (userId: string, residentId: string) => `kl.breakGlass.${userId}.${residentId}`;

/** Keeps the expiry the server answered when the glass was broken (the record itself may not carry it). */
export function rememberBreakGlass(store: KeyValueStore | null, userId: string, residentId: string, expiresAt: string): void {
  try {
    store?.setItem(key(userId, residentId), expiresAt);
  } catch {
    // Storage full or refused: the banner then shows no end time.
  }
}

function remembered(store: KeyValueStore | null, userId: string, residentId: string): string | null {
  try {
    return store?.getItem(key(userId, residentId)) ?? null;
  } catch {
    return null;
  }
}

const validTime = (v: string | null | undefined): v is string => !!v && !Number.isNaN(Date.parse(v));

/**
 * Until when the emergency access runs: the record's own `accessExpiresAt` when the server sends it,
 * else the expiry remembered from this user's grant in this tab if it is still ahead; null when unknown.
 */
export function breakGlassUntil(
  record: Pick<ResidentRecord, 'id' | 'accessBasis' | 'accessExpiresAt'>,
  store: KeyValueStore | null,
  userId: string,
  now: Date = new Date(),
): string | null {
  if (record.accessBasis !== 'break_glass') return null;
  if (validTime(record.accessExpiresAt)) return record.accessExpiresAt;
  const kept = remembered(store, userId, record.id);
  // A remembered grant that has run out belongs to an earlier access: the current one is newer.
  return validTime(kept) && Date.parse(kept) > now.getTime() ? kept : null;
}

export type EmergencyNoteProblem = 'note_required' | 'note_too_long' | 'occurred_in_future';

/**
 * The request body for an emergency note, or what is wrong with the input. The note is trimmed
 * (1–2000 characters); the time is optional (the server takes now) and may not lie in the future.
 */
export function emergencyNoteBody(
  note: string | undefined,
  occurredAt: Date | null | undefined,
  now: Date = new Date(),
): { body: EmergencyNoteBody } | { problem: EmergencyNoteProblem } {
  const text = (note ?? '').trim();
  if (!text) return { problem: 'note_required' };
  if (text.length > EMERGENCY_NOTE_MAX) return { problem: 'note_too_long' };
  if (!occurredAt) return { body: { note: text } };
  // A minute's grace for the clock of the workstation against the moment the form is sent.
  if (occurredAt.getTime() > now.getTime() + 60_000) return { problem: 'occurred_in_future' };
  return { body: { note: text, occurredAt: occurredAt.toISOString() } };
}

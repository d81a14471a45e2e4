/** Pure helpers of the break-the-glass review page: unit-tested in access-review.logic.test.ts. */
import {
  REVIEW_SIDES,
  REVIEW_STATUSES,
  type BreakGlassAccess,
  type ReviewBody,
  type ReviewOutcome,
  type ReviewSide,
  type ReviewStatus,
} from './access-review.types';

/** The server keeps at most this much of a review note. */
export const REVIEW_NOTE_MAX = 500;

/** The list shown, from the URL (?status=); pending by default. */
export function readStatus(value: string | null): ReviewStatus {
  return (REVIEW_STATUSES as readonly string[]).includes(value ?? '') ? (value as ReviewStatus) : 'pending';
}

/** Why the administrator sees this access, when the server says (older servers list only their own staff's). */
export function sideOf(item: Pick<BreakGlassAccess, 'side'>): ReviewSide | null {
  return item.side && (REVIEW_SIDES as readonly string[]).includes(item.side) ? item.side : null;
}

/** Whether the emergency access is still running, has ended, or the server did not say. */
export function accessState(item: Pick<BreakGlassAccess, 'expiresAt'>, now: Date = new Date()): 'active' | 'ended' | 'unknown' {
  if (!item.expiresAt) return 'unknown';
  const end = Date.parse(item.expiresAt);
  if (Number.isNaN(end)) return 'unknown';
  return end > now.getTime() ? 'active' : 'ended';
}

/** An "unjustified" judgement must say why; a "justified" one may. */
export const noteRequired = (outcome: ReviewOutcome): boolean => outcome === 'unjustified';

export type ReviewProblem = 'note_required' | 'note_too_long';

/** The review request, or what is wrong with it: the note is trimmed and left out when empty. */
export function reviewBody(outcome: ReviewOutcome, note: string | undefined): { body: ReviewBody } | { problem: ReviewProblem } {
  const text = (note ?? '').trim();
  if (!text && noteRequired(outcome)) return { problem: 'note_required' };
  if (text.length > REVIEW_NOTE_MAX) return { problem: 'note_too_long' };
  return { body: text ? { outcome, note: text } : { outcome } };
}

/**
 * The list as it stands after a review was recorded, without waiting for the reload: the item leaves the
 * pending list and carries its outcome in the others.
 */
export function afterReview(
  items: readonly BreakGlassAccess[],
  status: ReviewStatus,
  id: string,
  outcome: ReviewOutcome,
  reviewedAt: string,
): BreakGlassAccess[] {
  if (status === 'pending') return items.filter((i) => i.id !== id);
  return items.map((i) => (i.id === id ? { ...i, reviewOutcome: outcome, reviewedAt } : i));
}

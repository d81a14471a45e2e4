/** Break-the-glass review (server/src/audit/break-glass-review.routes.ts is the source of truth). */

export const REVIEW_STATUSES = ['pending', 'reviewed', 'all'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

export const REVIEW_OUTCOMES = ['justified', 'unjustified'] as const;
export type ReviewOutcome = (typeof REVIEW_OUTCOMES)[number];

/**
 * Why the administrator sees an access: their own staff broke the glass ('accessor'), or the resident
 * belongs to their institution ('patient').
 */
export const REVIEW_SIDES = ['accessor', 'patient'] as const;
export type ReviewSide = (typeof REVIEW_SIDES)[number];

export interface BreakGlassAccess {
  id: string;
  createdAt: string;
  actorName: string;
  actorRole: string;
  /** The resident by masked national ID only (null when the record has none). */
  residentIdMasked: string | null;
  reason: string;
  reviewOutcome: ReviewOutcome | null;
  reviewedAt: string | null;
  // Sent by newer servers; absent on older ones.
  actorInstitutionName?: string | null;
  residentInstitutionName?: string | null;
  side?: ReviewSide;
  expiresAt?: string | null;
  /** The emergency note the doctor recorded under this access, if any. */
  emergencyNote?: string | null;
}

export interface ReviewBody {
  outcome: ReviewOutcome;
  note?: string;
}

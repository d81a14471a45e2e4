import type { Role } from '../auth/actor.js';

/**
 * The small-cell rule: a count of 1–4 shown to an aggregate-only role could point at a few people,
 * so it is withheld (shown as <5) — at every level, for KPIs and statistics alike.
 */
export const SMALL_CELL_LIMIT = 5;

/** Roles that see aggregates only, and therefore never a small cell. */
export const suppressSmallCells = (role: Role) => role === 'commission_admin' || role === 'insurance_admin' || role === 'institution_admin';

export const isSmallCell = (n: number) => n > 0 && n < SMALL_CELL_LIMIT;

/** A single count as shown to an aggregate-only role: null when it is a small cell. */
export const safeCount = (n: number): number | null => (isSmallCell(n) ? null : n);

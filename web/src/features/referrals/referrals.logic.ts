import type { ReferralAction, ReferralStatus } from './referrals.types';

/** Which end of a referral the signed-in user's institution is. */
export type Side = 'sender' | 'receiver' | null;

export function sideOf(institutionId: string | null | undefined, r: { fromInstitutionId: string; toInstitutionId: string }): Side {
  if (!institutionId) return null;
  if (institutionId === r.toInstitutionId) return 'receiver';
  if (institutionId === r.fromInstitutionId) return 'sender';
  return null;
}

/** The buttons offered for a state and side: the server's state machine decides, this only avoids offering what it refuses. */
const OFFERED: Record<ReferralStatus, Partial<Record<'sender' | 'receiver', ReferralAction[]>>> = {
  requested: { receiver: ['receive', 'accept', 'reject'], sender: ['cancel'] },
  received: { receiver: ['accept', 'reject', 'hold'], sender: ['cancel'] },
  accepted: { receiver: ['arrive', 'hold', 'fail'], sender: ['cancel'] },
  on_hold: { receiver: ['resume'], sender: ['cancel'] },
  in_progress: { receiver: ['fail'] },
  rejected: {},
  completed: {},
  cancelled: {},
  failed: {},
};

export function offeredActions(status: ReferralStatus, side: Side): ReferralAction[] {
  return side ? (OFFERED[status][side] ?? []) : [];
}

export const NEEDS_REASON: readonly ReferralAction[] = ['reject', 'hold', 'cancel', 'fail'];

export const STATUS_COLOURS: Record<ReferralStatus, string> = {
  requested: 'blue',
  received: 'cyan',
  accepted: 'geekblue',
  in_progress: 'purple',
  on_hold: 'gold',
  completed: 'green',
  rejected: 'red',
  cancelled: 'default',
  failed: 'volcano',
};

/** Sessions a referral may take: green channel only today or tomorrow, and only where a place is left for it. */
export function bookableSessions<S extends { date: string; bookableByYou: boolean; bookableGreenChannel: boolean }>(sessions: S[], greenChannel: boolean, today: string): S[] {
  const tomorrow = new Date(Date.parse(`${today}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  return sessions.filter((s) => (greenChannel ? (s.date === today || s.date === tomorrow) && s.bookableGreenChannel : s.bookableByYou));
}

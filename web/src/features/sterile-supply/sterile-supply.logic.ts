import { STOP_STEPS, type StopStep } from './sterile-supply.types';

/** The seed's order at a centre: which steps are done, which is due, which are still ahead. */
export function stepStates(progress: number): { step: StopStep; state: 'done' | 'current' | 'todo' }[] {
  return STOP_STEPS.map((step, i) => ({ step, state: i < progress ? 'done' : i === progress ? 'current' : 'todo' }));
}

export const isCountStep = (step: StopStep): step is 'reprocess_counted' | 'used_counted' => step === 'reprocess_counted' || step === 'used_counted';
export const countKind = (step: 'reprocess_counted' | 'used_counted') => (step === 'reprocess_counted' ? 'reprocess' : 'used');

/** Expiry shown at a centre: expired (red), within a week (orange), fine. */
export function expiryTone(daysLeft: number): 'expired' | 'soon' | 'ok' {
  if (daysLeft < 0) return 'expired';
  if (daysLeft <= 7) return 'soon';
  return 'ok';
}

/** Issue lines from a stop's open requests, summed by pack kind. */
export function issueLinesFrom(requests: readonly { packTypeId: string; packName: string; quantity: number; status: string }[]) {
  const map = new Map<string, { packTypeId: string; packName: string; quantity: number }>();
  for (const r of requests) {
    if (r.status !== 'open') continue;
    const line = map.get(r.packTypeId) ?? { packTypeId: r.packTypeId, packName: r.packName, quantity: 0 };
    line.quantity += r.quantity;
    map.set(r.packTypeId, line);
  }
  return [...map.values()];
}

/** A fraction as a percentage with one decimal, or '—' without a denominator. */
export const pct = (f: { rate: number | null } | null) => (f && f.rate !== null ? `${f.rate.toFixed(1)}%` : '—');

/** The month `n` months before `month` (YYYY-MM). */
export function monthsBefore(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const i = y * 12 + (m - 1) - n;
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
}

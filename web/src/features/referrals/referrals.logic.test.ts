import { describe, expect, it } from 'vitest';
import { bookableSessions, offeredActions, sideOf } from './referrals.logic';

describe('referral actions offered', () => {
  it('depends on the side', () => {
    const r = { fromInstitutionId: 'c', toInstitutionId: 'h' };
    expect(sideOf('h', r)).toBe('receiver');
    expect(sideOf('c', r)).toBe('sender');
    expect(sideOf('x', r)).toBeNull();
    expect(offeredActions('requested', 'receiver')).toContain('accept');
    expect(offeredActions('requested', 'sender')).toEqual(['cancel']);
    expect(offeredActions('accepted', 'receiver')).toContain('arrive');
    expect(offeredActions('cancelled', 'receiver')).toEqual([]);
    expect(offeredActions('requested', null)).toEqual([]);
  });
});

describe('bookable sessions', () => {
  const s = (date: string, ok: boolean, green: boolean) => ({ date, bookableByYou: ok, bookableGreenChannel: green });
  it('green channel: today or tomorrow only', () => {
    const list = [s('2026-03-01', false, true), s('2026-03-02', true, true), s('2026-03-03', true, true)];
    expect(bookableSessions(list, true, '2026-03-01').map((x) => x.date)).toEqual(['2026-03-01', '2026-03-02']);
    expect(bookableSessions(list, false, '2026-03-01').map((x) => x.date)).toEqual(['2026-03-02', '2026-03-03']);
  });
});

import { describe, expect, it } from 'vitest';
import { expiryTone, issueLinesFrom, monthsBefore, pct, stepStates } from './sterile-supply.logic';

describe('sterile supply view logic', () => {
  it('marks done, current and later steps in the seed order', () => {
    expect(stepStates(0)[0]).toEqual({ step: 'gloves_on', state: 'current' });
    const s = stepStates(3);
    expect(s.map((x) => x.state)).toEqual(['done', 'done', 'done', 'current', 'todo', 'todo', 'todo', 'todo']);
    expect(s[3]!.step).toBe('used_counted');
    expect(stepStates(8).every((x) => x.state === 'done')).toBe(true);
  });

  it.each([
    [-1, 'expired'],
    [0, 'soon'],
    [7, 'soon'],
    [8, 'ok'],
  ] as const)('%i days left → %s', (d, tone) => expect(expiryTone(d)).toBe(tone));

  it('sums open requests by kind', () => {
    expect(
      issueLinesFrom([
        { packTypeId: 'a', packName: '换药包', quantity: 2, status: 'open' },
        { packTypeId: 'a', packName: '换药包', quantity: 1, status: 'open' },
        { packTypeId: 'b', packName: '缝合包', quantity: 1, status: 'fulfilled' },
      ]),
    ).toEqual([{ packTypeId: 'a', packName: '换药包', quantity: 3 }]);
  });

  it('formats rates and months', () => {
    expect(pct({ rate: 95 })).toBe('95.0%');
    expect(pct({ rate: null })).toBe('—');
    expect(monthsBefore('2024-01', 1)).toBe('2023-12');
    expect(monthsBefore('2024-03', 2)).toBe('2024-01');
  });
});

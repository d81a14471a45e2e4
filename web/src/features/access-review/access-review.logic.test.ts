import { describe, expect, it } from 'vitest';
import { REVIEW_NOTE_MAX, accessState, afterReview, noteRequired, readStatus, reviewBody, sideOf } from './access-review.logic';
import type { BreakGlassAccess } from './access-review.types';

const item = (id: string, extra: Partial<BreakGlassAccess> = {}): BreakGlassAccess => ({
  id,
  createdAt: '2026-12-02T06:00:00.000Z',
  actorName: '刘洋',
  actorRole: 'gp',
  residentIdMasked: '330106********0173',
  reason: '患者急诊就诊，意识模糊',
  reviewOutcome: null,
  reviewedAt: null,
  ...extra,
});

describe('access review', () => {
  it('reads the status from the URL, pending unless another known status', () => {
    expect(readStatus(null)).toBe('pending');
    expect(readStatus('reviewed')).toBe('reviewed');
    expect(readStatus('all')).toBe('all');
    expect(readStatus('everything')).toBe('pending');
  });

  it('tolerates items from servers that do not send the side', () => {
    expect(sideOf(item('a'))).toBeNull();
    expect(sideOf(item('a', { side: 'patient' }))).toBe('patient');
    expect(sideOf({ side: 'other' as never })).toBeNull();
  });

  it('tells whether the emergency access is still running', () => {
    const now = new Date('2026-12-02T08:00:00Z');
    expect(accessState(item('a', { expiresAt: '2026-12-03T06:00:00Z' }), now)).toBe('active');
    expect(accessState(item('a', { expiresAt: '2026-12-02T07:59:59Z' }), now)).toBe('ended');
    expect(accessState(item('a'), now)).toBe('unknown');
    expect(accessState(item('a', { expiresAt: null }), now)).toBe('unknown');
    expect(accessState(item('a', { expiresAt: 'soon' }), now)).toBe('unknown');
  });

  it('builds the review body: trimmed note, left out when empty', () => {
    expect(reviewBody('justified', '  急诊抢救，理由充分  ')).toEqual({ body: { outcome: 'justified', note: '急诊抢救，理由充分' } });
    expect(reviewBody('justified', '   ')).toEqual({ body: { outcome: 'justified' } });
    expect(reviewBody('justified', undefined)).toEqual({ body: { outcome: 'justified' } });
  });

  it('asks for a note when the access is judged unjustified, and bounds its length', () => {
    expect(noteRequired('unjustified')).toBe(true);
    expect(noteRequired('justified')).toBe(false);
    expect(reviewBody('unjustified', ' ')).toEqual({ problem: 'note_required' });
    expect(reviewBody('unjustified', '非急诊情形')).toEqual({ body: { outcome: 'unjustified', note: '非急诊情形' } });
    expect(reviewBody('justified', 'x'.repeat(REVIEW_NOTE_MAX))).toHaveProperty('body');
    expect(reviewBody('justified', 'x'.repeat(REVIEW_NOTE_MAX + 1))).toEqual({ problem: 'note_too_long' });
  });

  it('moves a reviewed access out of the pending list and marks it elsewhere', () => {
    const items = [item('a'), item('b')];
    expect(afterReview(items, 'pending', 'a', 'justified', '2026-12-02T09:00:00Z').map((i) => i.id)).toEqual(['b']);
    const all = afterReview(items, 'all', 'a', 'unjustified', '2026-12-02T09:00:00Z');
    expect(all.map((i) => [i.id, i.reviewOutcome, i.reviewedAt])).toEqual([
      ['a', 'unjustified', '2026-12-02T09:00:00Z'],
      ['b', null, null],
    ]);
    // The input is left as it was.
    expect(items[0]!.reviewOutcome).toBeNull();
  });
});

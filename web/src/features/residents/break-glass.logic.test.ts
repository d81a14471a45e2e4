import { describe, expect, it } from 'vitest';
import { EMERGENCY_NOTE_MAX, breakGlassUntil, emergencyNoteBody, rememberBreakGlass, type KeyValueStore } from './break-glass.logic';

function memoryStore(): KeyValueStore {
  const m = new Map<string, string>();
  return { getItem: (k) => m.get(k) ?? null, setItem: (k, v) => void m.set(k, v) };
}

const NOW = new Date('2026-12-02T08:00:00Z');

describe('break-the-glass expiry', () => {
  it("prefers the record's own expiry", () => {
    const store = memoryStore();
    rememberBreakGlass(store, 'u1', 'r1', '2026-12-02T20:00:00Z');
    expect(breakGlassUntil({ id: 'r1', accessBasis: 'break_glass', accessExpiresAt: '2026-12-03T08:00:00Z' }, store, 'u1', NOW)).toBe(
      '2026-12-03T08:00:00Z',
    );
  });

  it('falls back to the expiry remembered from the grant, for that user and resident only', () => {
    const store = memoryStore();
    rememberBreakGlass(store, 'u1', 'r1', '2026-12-03T08:00:00Z');
    expect(breakGlassUntil({ id: 'r1', accessBasis: 'break_glass' }, store, 'u1', NOW)).toBe('2026-12-03T08:00:00Z');
    expect(breakGlassUntil({ id: 'r2', accessBasis: 'break_glass' }, store, 'u1', NOW)).toBeNull();
    // Another user at the same workstation does not inherit it.
    expect(breakGlassUntil({ id: 'r1', accessBasis: 'break_glass' }, store, 'u2', NOW)).toBeNull();
  });

  it('ignores a remembered grant that has run out, and any expiry outside break-the-glass', () => {
    const store = memoryStore();
    rememberBreakGlass(store, 'u1', 'r1', '2026-12-01T08:00:00Z');
    expect(breakGlassUntil({ id: 'r1', accessBasis: 'break_glass' }, store, 'u1', NOW)).toBeNull();
    expect(breakGlassUntil({ id: 'r1', accessBasis: 'care_team', accessExpiresAt: '2026-12-03T08:00:00Z' }, store, 'u1', NOW)).toBeNull();
  });

  it('works without storage and tolerates storage that throws', () => {
    expect(breakGlassUntil({ id: 'r1', accessBasis: 'break_glass', accessExpiresAt: null }, null, 'u1', NOW)).toBeNull();
    const broken: KeyValueStore = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('full');
      },
    };
    expect(() => rememberBreakGlass(broken, 'u1', 'r1', '2026-12-03T08:00:00Z')).not.toThrow();
    expect(breakGlassUntil({ id: 'r1', accessBasis: 'break_glass' }, broken, 'u1', NOW)).toBeNull();
  });
});

describe('emergency note body', () => {
  it('trims the note and leaves the time to the server when not given', () => {
    expect(emergencyNoteBody('  胸痛2小时，予硝酸甘油舌下含服  ', null, NOW)).toEqual({ body: { note: '胸痛2小时，予硝酸甘油舌下含服' } });
  });

  it('sends the time as an ISO date-time', () => {
    const at = new Date('2026-12-02T07:30:00Z');
    expect(emergencyNoteBody('处置', at, NOW)).toEqual({ body: { note: '处置', occurredAt: '2026-12-02T07:30:00.000Z' } });
  });

  it('refuses an empty, too long or future note', () => {
    expect(emergencyNoteBody('   ', null, NOW)).toEqual({ problem: 'note_required' });
    expect(emergencyNoteBody(undefined, null, NOW)).toEqual({ problem: 'note_required' });
    expect(emergencyNoteBody('急'.repeat(EMERGENCY_NOTE_MAX), null, NOW)).toHaveProperty('body');
    expect(emergencyNoteBody('急'.repeat(EMERGENCY_NOTE_MAX + 1), null, NOW)).toEqual({ problem: 'note_too_long' });
    expect(emergencyNoteBody('处置', new Date('2026-12-02T09:00:00Z'), NOW)).toEqual({ problem: 'occurred_in_future' });
  });
});

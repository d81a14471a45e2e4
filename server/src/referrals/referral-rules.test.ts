import { describe, expect, it } from 'vitest';
import {
  choosePool,
  DISCHARGE_TEMPLATES,
  expandTemplate,
  greenChannelDateOk,
  isAllianceMember,
  OPEN_STATUSES,
  REFERRAL_ACTIONS,
  REFERRAL_STATUSES,
  reimbursementPathway,
  reimbursementRatio,
  releaseAt,
  reservedSlots,
  templateForDiagnosis,
  transition,
  TRANSITIONS,
  withinRecognitionWindow,
  type ReferralAction,
  type ReferralStatus,
  type Side,
} from './referral-rules.js';

describe('referral state machine', () => {
  it.each<[ReferralStatus, ReferralAction, Side, string | null, ReferralStatus]>([
    ['requested', 'receive', 'receiver', null, 'received'],
    ['requested', 'accept', 'receiver', null, 'accepted'],
    ['received', 'accept', 'receiver', null, 'accepted'],
    ['received', 'reject', 'receiver', '非本科室诊治范围', 'rejected'],
    ['accepted', 'hold', 'receiver', '专家停诊', 'on_hold'],
    ['on_hold', 'resume', 'receiver', null, 'accepted'],
    ['accepted', 'arrive', 'receiver', null, 'in_progress'],
    ['in_progress', 'complete', 'receiver', null, 'completed'],
    ['accepted', 'cancel', 'sender', '患者拒绝', 'cancelled'],
    ['accepted', 'fail', 'receiver', '患者未到诊', 'failed'],
  ])('%s --%s(%s)--> %s', (from, action, side, reason, to) => {
    expect(transition(from, action, side, reason)).toEqual({ ok: true, from, to });
  });

  it.each<[ReferralStatus, ReferralAction, Side]>([
    ['requested', 'arrive', 'receiver'],
    ['received', 'arrive', 'receiver'],
    ['cancelled', 'complete', 'receiver'],
    ['completed', 'cancel', 'sender'],
    ['rejected', 'accept', 'receiver'],
    ['in_progress', 'cancel', 'sender'],
  ])('%s refuses %s and names the state', (from, action, side) => {
    const r = transition(from, action, side, 'a reason');
    expect(r).toMatchObject({ ok: false, error: 'invalid_transition' });
    expect(!r.ok && r.message).toContain(`is ${from}`);
  });

  it('every terminal state refuses every action', () => {
    for (const s of ['rejected', 'completed', 'cancelled', 'failed'] as const) {
      for (const a of REFERRAL_ACTIONS) expect(transition(s, a, TRANSITIONS[a].side, 'reason').ok).toBe(false);
    }
  });

  it('reject, cancel, hold and fail need a reason; the other side may not act', () => {
    expect(transition('requested', 'reject', 'receiver', ' ')).toMatchObject({ ok: false, error: 'reason_required' });
    expect(transition('requested', 'cancel', 'sender')).toMatchObject({ ok: false, error: 'reason_required' });
    expect(transition('requested', 'accept', 'sender')).toMatchObject({ ok: false, error: 'wrong_side' });
    expect(transition('requested', 'cancel', 'receiver', 'x y')).toMatchObject({ ok: false, error: 'wrong_side' });
  });

  it('open states are exactly the non-terminal ones', () => {
    const terminal = REFERRAL_STATUSES.filter((s) => !(OPEN_STATUSES as readonly string[]).includes(s));
    expect(terminal.sort()).toEqual(['cancelled', 'completed', 'failed', 'rejected']);
  });
});

describe('slot pools', () => {
  it.each([
    [10, 0.3, 3],
    [7, 0.3, 2],
    [20, 0.3, 6],
    [4, 1, 4],
    [5, 0, 0],
  ])('capacity %i at %f reserves %i', (cap, share, reserved) => expect(reservedSlots(cap, share)).toBe(reserved));

  it('the quota is released the configured hours before the start', () => {
    expect(releaseAt(new Date('2026-03-10T01:00:00Z'), 48).toISOString()).toBe('2026-03-08T01:00:00.000Z');
  });

  const before = new Date('2026-03-01T00:00:00Z');
  const after = new Date('2026-03-09T00:00:00Z');
  const base = { capacity: 10, reserved: 3, openBooked: 0, reservedBooked: 0, releaseAt: new Date('2026-03-08T00:00:00Z') };
  it.each([
    ['member takes reserved first', { member: true, greenChannel: false, now: before }, 'reserved'],
    ['non-member takes open', { member: false, greenChannel: false, now: before }, 'open'],
    ['non-member, open full, before release: none', { member: false, greenChannel: false, now: before, openBooked: 7 }, null],
    ['non-member, open full, after release: reserved', { member: false, greenChannel: false, now: after, openBooked: 7 }, 'reserved'],
    ['green channel bypasses the release wait', { member: false, greenChannel: true, now: before, openBooked: 7 }, 'reserved'],
    ['member, reserved full: open', { member: true, greenChannel: false, now: before, reservedBooked: 3 }, 'open'],
    ['all full', { member: true, greenChannel: true, now: after, reservedBooked: 3, openBooked: 7 }, null],
  ] as const)('%s', (_name, q, pool) => {
    expect(choosePool({ ...base, ...q })).toBe(pool);
  });

  it('members are primary-care institutions of the hospital region', () => {
    expect(isAllianceMember({ kind: 'community_health_centre', regionCode: '330106' }, { regionCode: '330106' })).toBe(true);
    expect(isAllianceMember({ kind: 'community_health_centre', regionCode: '330108' }, { regionCode: '330106' })).toBe(false);
    expect(isAllianceMember({ kind: 'secondary_hospital', regionCode: '330106' }, { regionCode: '330106' })).toBe(false);
  });

  it.each([
    ['2026-03-01', '2026-03-01', true],
    ['2026-03-02', '2026-03-01', true],
    ['2026-03-03', '2026-03-01', false],
    ['2026-02-28', '2026-03-01', false],
  ])('green channel session %s on %s: %s', (date, today, ok) => expect(greenChannelDateOk(date, today)).toBe(ok));
});

describe('discharge-order engine', () => {
  it('stroke: first home visit within 3 days, four weekly rehab checks, return at 4 weeks', () => {
    const tasks = expandTemplate(DISCHARGE_TEMPLATES.stroke!, '2026-03-02');
    expect(tasks[0]).toMatchObject({ code: 'first_home_visit', dueDate: '2026-03-03', windowEnd: '2026-03-05', priority: 'high' });
    expect(tasks.filter((t) => t.code.startsWith('rehab_check')).map((t) => t.dueDate)).toEqual(['2026-03-09', '2026-03-16', '2026-03-23', '2026-03-30']);
    expect(tasks.find((t) => t.code === 'return_visit_4w')).toMatchObject({ dueDate: '2026-03-30', windowEnd: '2026-04-06' });
    expect(new Set(tasks.map((t) => t.code)).size).toBe(tasks.length);
  });

  it('diabetes: glucose twice a week for three weeks', () => {
    const glucose = expandTemplate(DISCHARGE_TEMPLATES.diabetes!, '2026-01-30').filter((t) => t.code.startsWith('glucose'));
    expect(glucose).toHaveLength(6);
    expect(glucose[1]!.dueDate).toBe('2026-02-06');
  });

  it.each([
    ['I10', 'hypertension'],
    ['I63.9', 'stroke'],
    ['E11.9', 'diabetes'],
    ['I25.1', 'coronary'],
    ['J44', 'general'],
    [null, 'general'],
  ])('%s → %s', (code, template) => expect(templateForDiagnosis(code).code).toBe(template));
});

describe('mutual recognition window', () => {
  const at = new Date('2026-03-10T08:00:00Z');
  it.each([
    ['2026-03-03T08:00:00Z', 7, true],
    ['2026-03-03T07:59:00Z', 7, false],
    ['2026-02-10T08:00:00Z', 30, true],
    ['2026-03-11T08:00:00Z', 7, false],
    ['2025-09-12T08:00:00Z', 180, true],
  ])('result of %s valid %i days: %s', (earlier, days, ok) => expect(withinRecognitionWindow(new Date(earlier), at, days)).toBe(ok));
});

describe('reimbursement pathway', () => {
  it.each([
    ['community_health_centre', false, 'community_first', 0.8],
    ['village_clinic', true, 'community_first', 0.8],
    ['tertiary_hospital', true, 'referred', 0.7],
    ['secondary_hospital', false, 'unreferred', 0.5],
  ] as const)('%s referred=%s → %s at %f', (kind, referred, pathway, ratio) => {
    const p = reimbursementPathway(kind, referred);
    expect(p).toBe(pathway);
    expect(reimbursementRatio(p)).toBe(ratio);
  });
  it('a configured ratio wins', () => expect(reimbursementRatio('referred', { referred: 0.75 })).toBe(0.75));
});

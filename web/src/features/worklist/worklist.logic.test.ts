import { describe, expect, it } from 'vitest';
import { completable, followUpPath, knownTotal, readView, takesFollowUp, writeView } from './worklist.logic';

const teams = ['t1', 't2'];
const counts = { due_this_week: 4, overdue: 1, urgent: 2, referred_back: 0, open: 9 };

describe('worklist view in the URL', () => {
  it('defaults to the first team, whole team, due this week, by due date', () => {
    expect(readView(new URLSearchParams(), teams)).toEqual({
      teamId: 't1',
      mine: false,
      bucket: 'due_this_week',
      programme: null,
      colour: null,
      sort: 'due',
      page: 1,
    });
    expect(readView(new URLSearchParams(), []).teamId).toBeNull();
  });

  it('sorts overdue work by how long it is overdue unless told otherwise', () => {
    expect(readView(new URLSearchParams('bucket=overdue'), teams).sort).toBe('overdue');
    expect(readView(new URLSearchParams('bucket=overdue&sort=name'), teams).sort).toBe('name');
  });

  it('ignores what it does not know (another team, bad values) and keeps no programme filter on referrals', () => {
    const v = readView(new URLSearchParams('team=t9&bucket=x&programme=dentistry&colour=blue&sort=y&page=-2'), teams);
    expect(v).toMatchObject({ teamId: 't1', bucket: 'due_this_week', programme: null, colour: null, sort: 'due', page: 1 });
    expect(readView(new URLSearchParams('bucket=referred_back&programme=diabetes'), teams).programme).toBeNull();
  });

  it('round-trips through the URL, leaving defaults out', () => {
    const p = new URLSearchParams('team=t2&mine=1&bucket=urgent&programme=diabetes&colour=red&sort=colour&page=2');
    const v = readView(p, teams);
    expect(writeView(v, teams).toString()).toBe(p.toString());
    expect(writeView(readView(new URLSearchParams('bucket=overdue'), teams), teams).toString()).toBe('bucket=overdue');
    expect(writeView(readView(new URLSearchParams(), teams), teams).toString()).toBe('');
  });

  it('knows the total only when no filter narrows the bucket', () => {
    expect(knownTotal(readView(new URLSearchParams('bucket=open'), teams), counts)).toBe(9);
    expect(knownTotal(readView(new URLSearchParams('bucket=open&colour=red'), teams), counts)).toBeNull();
    expect(knownTotal(readView(new URLSearchParams(), teams), undefined)).toBeNull();
  });
});

describe('row actions', () => {
  it('offers the follow-up form for hypertension and diabetes tasks only', () => {
    expect(takesFollowUp({ kind: 'task', programme: 'hypertension' })).toBe(true);
    expect(takesFollowUp({ kind: 'task', programme: 'diabetes' })).toBe(true);
    expect(takesFollowUp({ kind: 'task', programme: 'elderly' })).toBe(false);
    expect(takesFollowUp({ kind: 'referral', programme: 'hypertension' })).toBe(false);
  });

  it('marks scheduled key-population visits done from the list', () => {
    expect(['child', 'maternal', 'elderly'].every((p) => completable({ kind: 'task', programme: p }))).toBe(true);
    expect(completable({ kind: 'task', programme: 'hypertension' })).toBe(false);
    expect(completable({ kind: 'task', programme: 'screening' })).toBe(false);
    expect(completable({ kind: 'referral', programme: 'referral' })).toBe(false);
  });

  it('routes to the follow-up form of the resident and programme', () => {
    expect(followUpPath('r1', 'diabetes')).toBe('/residents/r1/followup/diabetes');
  });
});

import { describe, expect, it } from 'vitest';
import { homePathFor, safeNext } from '../features/auth/auth.resource';
import type { CurrentUser } from '../features/auth/auth.types';
import { NAV_ITEMS, activeNavPath, navItemsFor } from './nav';

describe('navigation', () => {
  it('shows resident search to staff but not to residents', () => {
    expect(navItemsFor('gp').map((i) => i.path)).toContain('/residents');
    expect(navItemsFor('resident')).toEqual([]);
    expect(navItemsFor('commission_admin').map((i) => i.path)).not.toContain('/residents');
  });

  it('gives the clinical team its worklist and everyone on staff the KPIs', () => {
    expect(navItemsFor('health_manager').map((i) => i.path)).toEqual(['/worklist', '/residents', '/kpi']);
    expect(navItemsFor('institution_admin').map((i) => i.path)).toEqual(['/residents', '/kpi']);
    expect(navItemsFor('commission_admin').map((i) => i.path)).toEqual(['/kpi']);
    expect(navItemsFor('insurance_admin').map((i) => i.path)).toEqual(['/kpi']);
  });

  it('gives referrals to the GP and the hospital', () => {
    expect(navItemsFor('gp').map((i) => i.path)).toContain('/referrals');
    expect(navItemsFor('referral_coordinator').map((i) => i.path)).toContain('/referrals');
    expect(navItemsFor('health_manager').map((i) => i.path)).not.toContain('/referrals');
  });

  it('highlights the owning entry for nested paths', () => {
    const items = [...NAV_ITEMS, { path: '/residents/merge', labelKey: 'x' }];
    expect(activeNavPath('/residents/123', items)).toBe('/residents');
    expect(activeNavPath('/residents/merge/1', items)).toBe('/residents/merge');
    expect(activeNavPath('/residentsx', items)).toBeUndefined();
  });
});

describe('after log-in', () => {
  const user = (role: CurrentUser['role'], residentId: string | null = null): CurrentUser => ({
    id: 'u',
    username: 'u',
    displayName: 'U',
    role,
    institutionId: null,
    institutionName: null,
    residentId,
    teams: [],
  });

  it('sends staff to the search and residents to their own record', () => {
    expect(homePathFor(user('gp'))).toBe('/residents');
    expect(homePathFor(user('resident', 'r1'))).toBe('/residents/r1');
    expect(homePathFor(user('commission_admin'))).toBe('/kpi');
    expect(homePathFor(user('insurance_admin'))).toBe('/kpi');
  });

  it('follows only same-site next paths', () => {
    expect(safeNext('/residents/abc?tab=timeline')).toBe('/residents/abc?tab=timeline');
    expect(safeNext('//evil.example')).toBeNull();
    expect(safeNext('https://evil.example')).toBeNull();
    expect(safeNext('/\\evil.example')).toBeNull();
    expect(safeNext('/login?next=/x')).toBeNull();
    expect(safeNext(null)).toBeNull();
  });
});

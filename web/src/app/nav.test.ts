import { describe, expect, it } from 'vitest';
import { safeNext } from '../features/auth/auth.resource';
import type { CurrentUser, Role } from '../features/auth/auth.types';
import { NAV_ITEMS, activeNavPath, homePathFor, navItemsFor } from './nav';

const ALL_ROLES: Role[] = [
  'resident',
  'gp',
  'health_manager',
  'public_health',
  'nurse',
  'specialist',
  'referral_coordinator',
  'institution_admin',
  'commission_admin',
  'insurance_admin',
  'cssd_staff',
  'cssd_run_nurse',
  'cssd_centre_nurse',
];

describe('navigation', () => {
  it('shows resident search to staff but not to residents', () => {
    expect(navItemsFor('gp').map((i) => i.path)).toContain('/residents');
    expect(navItemsFor('resident')).toEqual([]);
    expect(navItemsFor('commission_admin').map((i) => i.path)).not.toContain('/residents');
  });

  it('gives the family-doctor team its worklist and everyone on staff the KPIs', () => {
    expect(navItemsFor('health_manager').map((i) => i.path)).toEqual(['/worklist', '/residents', '/kpi']);
    expect(navItemsFor('nurse').map((i) => i.path)).toEqual(['/worklist', '/residents', '/kpi']);
    // Hospital staff have no team worklist (the server answers it for team members only).
    expect(navItemsFor('specialist').map((i) => i.path)).toEqual(['/residents', '/referrals', '/kpi']);
    expect(navItemsFor('referral_coordinator').map((i) => i.path)).toEqual(['/residents', '/referrals', '/kpi']);
    expect(navItemsFor('commission_admin').map((i) => i.path)).toEqual(['/kpi', '/sterile-supply/kpi']);
    expect(navItemsFor('insurance_admin').map((i) => i.path)).toEqual(['/kpi']);
  });

  it('gives the sterile supply roles their own pages', () => {
    expect(navItemsFor('cssd_staff').map((i) => i.path)).toEqual(['/sterile-supply', '/sterile-supply/run', '/sterile-supply/kpi']);
    expect(navItemsFor('cssd_run_nurse').map((i) => i.path)).toEqual(['/sterile-supply/run']);
    expect(navItemsFor('cssd_centre_nurse').map((i) => i.path)).toEqual(['/sterile-supply/centre', '/sterile-supply/kpi']);
    expect(activeNavPath('/sterile-supply/run', navItemsFor('cssd_staff'))).toBe('/sterile-supply/run');
  });

  it('gives the institution administrator the break-the-glass review, not the search the server refuses', () => {
    expect(navItemsFor('institution_admin').map((i) => i.path)).toEqual(['/access-review', '/kpi']);
    for (const role of ALL_ROLES.filter((r) => r !== 'institution_admin')) {
      expect(navItemsFor(role).map((i) => i.path)).not.toContain('/access-review');
    }
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

  it('sends every role where its work is', () => {
    expect(homePathFor(user('institution_admin'))).toBe('/access-review');
    for (const role of ['gp', 'health_manager', 'nurse', 'public_health'] as Role[]) expect(homePathFor(user(role))).toBe('/worklist');
    expect(homePathFor(user('commission_admin'))).toBe('/kpi');
    expect(homePathFor(user('insurance_admin'))).toBe('/kpi');
    expect(homePathFor(user('cssd_run_nurse'))).toBe('/sterile-supply/run');
    expect(homePathFor(user('cssd_centre_nurse'))).toBe('/sterile-supply/centre');
    expect(homePathFor(user('specialist'))).toBe('/residents');
    expect(homePathFor(user('referral_coordinator'))).toBe('/residents');
    expect(homePathFor(user('resident', 'r1'))).toBe('/residents/r1');
  });

  it('lands each staff role on a page of its own navigation', () => {
    for (const role of ALL_ROLES.filter((r) => r !== 'resident')) {
      expect(navItemsFor(role).map((i) => i.path)).toContain(homePathFor(user(role)));
    }
  });

  it('has no landing page for a resident account without a linked record', () => {
    expect(homePathFor(user('resident'))).toBeNull();
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

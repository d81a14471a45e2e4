import type { Role } from '../features/auth/auth.types';

/**
 * Top-navigation entries. To add a page: add its route in router.tsx, then one entry here
 * (label key in both i18n catalogs under `nav.*`). `roles` limits who sees the entry (all staff if omitted).
 */
export interface NavItem {
  /** Route path; the entry is highlighted for this path and everything below it. */
  path: string;
  /** i18n key of the label. */
  labelKey: string;
  /** Roles that see the entry; omitted = every role except `resident`. */
  roles?: readonly Role[];
}

/** Staff who may look up identified records (health-commission and insurance admins see aggregates only). */
export const RECORD_ROLES: readonly Role[] = [
  'gp',
  'health_manager',
  'public_health',
  'nurse',
  'specialist',
  'referral_coordinator',
  'institution_admin',
];

/** Roles that deliver care in family-doctor teams (worklists, follow-ups, drill-down to residents). */
export const CLINICAL_ROLES: readonly Role[] = ['gp', 'health_manager', 'public_health', 'nurse', 'specialist', 'referral_coordinator'];

export const NAV_ITEMS: NavItem[] = [
  { path: '/worklist', labelKey: 'nav.worklist', roles: CLINICAL_ROLES },
  { path: '/residents', labelKey: 'nav.residents', roles: RECORD_ROLES },
  // Referrals: the GP who refers, the hospital's coordinator and specialists.
  { path: '/referrals', labelKey: 'nav.referrals', roles: ['gp', 'specialist', 'referral_coordinator'] },
  // KPIs: every member of staff and the administrators (aggregates only for the latter).
  { path: '/kpi', labelKey: 'nav.kpi' },
];

export function navItemsFor(role: Role): NavItem[] {
  return NAV_ITEMS.filter((item) => (item.roles ? item.roles.includes(role) : role !== 'resident'));
}

/** The nav entry that owns a location (longest matching path prefix). */
export function activeNavPath(pathname: string, items: readonly NavItem[]): string | undefined {
  return items
    .filter((item) => pathname === item.path || pathname.startsWith(`${item.path}/`))
    .sort((a, b) => b.path.length - a.path.length)[0]?.path;
}

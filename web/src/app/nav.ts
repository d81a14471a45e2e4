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

/** The care KPIs: care staff and administrators (the sterile supply roles have their own KPI page). */
const KPI_ROLES: readonly Role[] = [...RECORD_ROLES, 'commission_admin', 'insurance_admin'];

export const NAV_ITEMS: NavItem[] = [
  { path: '/worklist', labelKey: 'nav.worklist', roles: CLINICAL_ROLES },
  { path: '/residents', labelKey: 'nav.residents', roles: RECORD_ROLES },
  // KPIs: every member of staff and the administrators (aggregates only for the latter).
  { path: '/kpi', labelKey: 'nav.kpi', roles: KPI_ROLES },
  // Central sterile supply: the department, the run nurse's phone view, the centre's stock and requests, its KPIs.
  { path: '/sterile-supply', labelKey: 'nav.sterileSupply', roles: ['cssd_staff'] },
  { path: '/sterile-supply/run', labelKey: 'nav.sterileRun', roles: ['cssd_run_nurse', 'cssd_staff'] },
  { path: '/sterile-supply/centre', labelKey: 'nav.sterileCentre', roles: ['cssd_centre_nurse'] },
  { path: '/sterile-supply/kpi', labelKey: 'nav.sterileKpi', roles: ['cssd_staff', 'cssd_centre_nurse', 'commission_admin'] },
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

import type { CurrentUser, Role } from '../features/auth/auth.types';

/**
 * Who works where: the top navigation and each role's landing page. To add a page: add its route in
 * router.tsx, then one entry here (label key in both i18n catalogs). `roles` limits who sees the entry
 * (all staff if omitted). An entry is listed only for roles whose requests the server answers.
 */
export interface NavItem {
  /** Route path; the entry is highlighted for this path and everything below it. */
  path: string;
  /** i18n key of the label. */
  labelKey: string;
  /** Roles that see the entry; omitted = every role except `resident`. */
  roles?: readonly Role[];
}

/** Roles that deliver care and may hold a care relationship with a resident (the server's CLINICAL_ROLES). */
export const CLINICAL_ROLES: readonly Role[] = ['gp', 'health_manager', 'public_health', 'nurse', 'specialist', 'referral_coordinator'];

/**
 * Staff who may look up identified records: the clinical roles only. Institution, commission and insurance
 * administrators see aggregates (and the institution administrator reviews break-the-glass accesses).
 */
export const RECORD_ROLES: readonly Role[] = CLINICAL_ROLES;

/** Members of family-doctor teams, whose day starts on the team worklist. */
export const WORKLIST_ROLES: readonly Role[] = ['gp', 'health_manager', 'public_health', 'nurse'];

/** Administrators who see aggregates only (no names). */
export const AGGREGATE_ROLES: readonly Role[] = ['commission_admin', 'insurance_admin'];

export const ACCESS_REVIEW_ROLES: readonly Role[] = ['institution_admin'];

/** The care KPIs: care staff and administrators (the sterile supply roles have their own KPI page). */
const KPI_ROLES: readonly Role[] = [...CLINICAL_ROLES, 'institution_admin', ...AGGREGATE_ROLES];

export const NAV_ITEMS: NavItem[] = [
  { path: '/access-review', labelKey: 'accessReview.nav', roles: ACCESS_REVIEW_ROLES },
  { path: '/worklist', labelKey: 'nav.worklist', roles: WORKLIST_ROLES },
  { path: '/residents', labelKey: 'nav.residents', roles: RECORD_ROLES },
  // Referrals: the GP who refers, the hospital's coordinator and specialists.
  { path: '/referrals', labelKey: 'nav.referrals', roles: ['gp', 'specialist', 'referral_coordinator'] },
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

/**
 * Where a user lands after log-in and on `/`: where their work is. The team on its worklist, the
 * institution administrator on the break-the-glass reviews, aggregate-only administrators on the KPIs,
 * hospital staff (no team worklist) on the resident search, a resident on their own record (null: the
 * account is not linked to one).
 */
export function homePathFor(user: Pick<CurrentUser, 'role' | 'residentId'>): string | null {
  // A resident account not (yet) linked to a record has nowhere to go: the home page says so.
  if (user.role === 'resident') return user.residentId ? `/residents/${encodeURIComponent(user.residentId)}` : null;
  if (ACCESS_REVIEW_ROLES.includes(user.role)) return '/access-review';
  if (user.role === 'cssd_staff') return '/sterile-supply';
  if (user.role === 'cssd_run_nurse') return '/sterile-supply/run';
  if (user.role === 'cssd_centre_nurse') return '/sterile-supply/centre';
  if (WORKLIST_ROLES.includes(user.role)) return '/worklist';
  if (RECORD_ROLES.includes(user.role)) return '/residents';
  return '/kpi';
}

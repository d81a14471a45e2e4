export const STAFF_ROLES = [
  'gp',
  'health_manager',
  'public_health',
  'nurse',
  'specialist',
  'referral_coordinator',
  'institution_admin',
  'commission_admin',
  'insurance_admin',
] as const;
export const ROLES = ['resident', ...STAFF_ROLES] as const;
export type Role = (typeof ROLES)[number];

/** Roles that deliver care and may hold a care relationship with a resident. */
export const CLINICAL_ROLES: readonly Role[] = ['gp', 'health_manager', 'public_health', 'nurse', 'specialist', 'referral_coordinator'];
/** Roles that see aggregates and de-identified data only ("可用不可见"). */
export const AGGREGATE_ONLY_ROLES: readonly Role[] = ['commission_admin', 'insurance_admin'];

export interface Actor {
  userId: string;
  username: string;
  role: Role;
  displayName: string;
  institutionId: string | null;
  residentId: string | null;
  teamIds: string[];
  sessionId: string;
}

export const isClinical = (actor: Actor) => CLINICAL_ROLES.includes(actor.role);
export const isAggregateOnly = (actor: Actor) => AGGREGATE_ONLY_ROLES.includes(actor.role);

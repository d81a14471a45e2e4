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
  // Central sterile supply (sterile-supply/): the department's staff, the run nurse of the van, the centre's nurse.
  'cssd_staff',
  'cssd_run_nurse',
  'cssd_centre_nurse',
] as const;
export const ROLES = ['resident', ...STAFF_ROLES] as const;
export type Role = (typeof ROLES)[number];

/** Roles that deliver care and may hold a care relationship with a resident. */
export const CLINICAL_ROLES: readonly Role[] = ['gp', 'health_manager', 'public_health', 'nurse', 'specialist', 'referral_coordinator'];

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

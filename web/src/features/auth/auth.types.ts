export type Role =
  | 'resident'
  | 'gp'
  | 'health_manager'
  | 'public_health'
  | 'nurse'
  | 'specialist'
  | 'referral_coordinator'
  | 'institution_admin'
  | 'commission_admin'
  | 'insurance_admin'
  | 'cssd_staff'
  | 'cssd_run_nurse'
  | 'cssd_centre_nurse';

export interface CurrentUser {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  institutionId: string | null;
  institutionName: string | null;
  residentId: string | null;
  teams: { id: string; name: string }[];
}

export interface LoginResponse {
  token: string;
  expiresAt: string;
  user: CurrentUser;
}

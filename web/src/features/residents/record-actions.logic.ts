/**
 * The one place that answers "may this user, on this basis, do X to this record?" for the web UI, so that an
 * action the server would refuse is never offered. The server stays the authority (it checks every write);
 * this module mirrors its rules: unit-tested in record-actions.logic.test.ts.
 */
import { CLINICAL_ROLES } from '../../app/nav';
import type { Role } from '../auth/auth.types';
import type { AccessBasis } from './residents.types';

export const RECORD_ACTIONS = [
  'signContract',
  'renewContract',
  'changeTeam',
  'terminateContract',
  'enrol',
  'screening',
  'selfCare',
  'followUp',
  'cancelEntry',
  'editBasicInfo',
  'emergencyNote',
] as const;
export type RecordAction = (typeof RECORD_ACTIONS)[number];

export type RecordActions = Readonly<Record<RecordAction, boolean>>;

/** Contract management: renewing, changing team and ending a contract belong to the contract's team. */
const CONTRACT_ACTIONS: readonly RecordAction[] = ['renewContract', 'changeTeam', 'terminateContract'];

/** Routine care recorded into the record; it feeds the home team's schedule (tasks, colours, KPIs). */
const CARE_ACTIONS: readonly RecordAction[] = ['enrol', 'screening', 'selfCare', 'followUp', 'cancelEntry', 'editBasicInfo'];

export interface RecordActionInput {
  role: Role;
  /** Why the user may read the record (from the server), or null when they may not. */
  basis: AccessBasis | null;
  /** The user's own teams. */
  userTeamIds: readonly string[];
  /** Team of the contract in force; null when the resident has none; undefined while not known. */
  contractTeamId: string | null | undefined;
}

const none = (): Record<RecordAction, boolean> =>
  Object.fromEntries(RECORD_ACTIONS.map((a) => [a, false])) as Record<RecordAction, boolean>;

/**
 * What the record offers:
 * - residents (their own record), institution, commission and insurance administrators: nothing to write;
 * - break-the-glass: read-only emergency access plus one action, the emergency note; never the home team's
 *   contract, schedule or programme work (a follow-up would complete the home team's tasks);
 * - a care relationship (contract or referral): routine care; signing when there is no contract in force and
 *   the user has a team to sign for; renewing, changing team and ending only by a member of the contract's team.
 */
export function recordActionsFor(input: RecordActionInput): RecordActions {
  const actions = none();
  if (!CLINICAL_ROLES.includes(input.role) || !input.basis || input.basis === 'self') return actions;
  if (input.basis === 'break_glass') {
    actions.emergencyNote = true;
    return actions;
  }
  for (const a of CARE_ACTIONS) actions[a] = true;
  actions.signContract = input.contractTeamId === null && input.userTeamIds.length > 0;
  const ownContract = typeof input.contractTeamId === 'string' && input.userTeamIds.includes(input.contractTeamId);
  for (const a of CONTRACT_ACTIONS) actions[a] = ownContract;
  return actions;
}

/** True when at least one of the given actions is offered (e.g. whether to show an action bar at all). */
export function offersAny(actions: RecordActions, which: readonly RecordAction[] = RECORD_ACTIONS): boolean {
  return which.some((a) => actions[a]);
}

/** Only the care roles may break the glass on a record they cannot open; others are told they may not. */
export function mayBreakGlass(role: Role): boolean {
  return CLINICAL_ROLES.includes(role);
}

/** The resident search's own actions: registering a new resident, signing one who has no contract. */
export function searchActionsFor(role: Role, userTeamIds: readonly string[]): { register: boolean; sign: boolean } {
  const clinical = CLINICAL_ROLES.includes(role);
  return { register: clinical, sign: clinical && userTeamIds.length > 0 };
}

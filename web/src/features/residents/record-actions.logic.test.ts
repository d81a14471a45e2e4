import { describe, expect, it } from 'vitest';
import type { Role } from '../auth/auth.types';
import { RECORD_ACTIONS, mayBreakGlass, offersAny, recordActionsFor, searchActionsFor, type RecordAction } from './record-actions.logic';
import type { AccessBasis } from './residents.types';

const offered = (
  role: Role,
  basis: AccessBasis | null,
  userTeamIds: string[] = ['t1'],
  contractTeamId: string | null | undefined = 't1',
) => {
  const actions = recordActionsFor({ role, basis, userTeamIds, contractTeamId });
  return RECORD_ACTIONS.filter((a) => actions[a]);
};

const CARE: RecordAction[] = ['enrol', 'screening', 'selfCare', 'followUp', 'cancelEntry', 'editBasicInfo'];
const CONTRACT: RecordAction[] = ['renewContract', 'changeTeam', 'terminateContract'];

describe('record actions', () => {
  it('offers the home team its contract and care work, but no emergency note', () => {
    const actions = offered('gp', 'care_team');
    expect(actions).toEqual(expect.arrayContaining([...CARE, ...CONTRACT]));
    expect(actions).not.toContain('emergencyNote');
    // The contract is in force: nothing to sign.
    expect(actions).not.toContain('signContract');
  });

  it('inside break-the-glass offers only the emergency note', () => {
    for (const role of ['gp', 'nurse', 'specialist', 'health_manager'] as Role[]) {
      expect(offered(role, 'break_glass', ['t2'], 't1')).toEqual(['emergencyNote']);
      // Even a user who happens to be on the contract's team reads this record under break-the-glass here.
      expect(offered(role, 'break_glass', ['t1'], 't1')).toEqual(['emergencyNote']);
      // And with no contract in force there is still nothing to sign under break-the-glass.
      expect(offered(role, 'break_glass', ['t2'], null)).toEqual(['emergencyNote']);
    }
  });

  it('never offers a write to residents or administrators', () => {
    expect(offered('resident', 'self')).toEqual([]);
    for (const role of ['institution_admin', 'commission_admin', 'insurance_admin'] as Role[]) {
      for (const basis of ['care_team', 'referral', 'break_glass', 'self', null] as (AccessBasis | null)[]) {
        expect(offered(role, basis)).toEqual([]);
      }
    }
  });

  it('offers nothing without a basis', () => {
    expect(offered('gp', null)).toEqual([]);
  });

  it('keeps contract management to the members of the contract team', () => {
    // A specialist reading through a referral records care but does not manage another team's contract.
    const referral = offered('specialist', 'referral', [], 'home-team');
    expect(referral).toEqual(expect.arrayContaining(CARE));
    for (const a of [...CONTRACT, 'signContract', 'emergencyNote'] as RecordAction[]) expect(referral).not.toContain(a);
    expect(offered('gp', 'referral', ['t2'], 't1')).not.toContain('terminateContract');
    expect(offered('gp', 'referral', ['t1'], 't1')).toEqual(expect.arrayContaining(CONTRACT));
  });

  it('offers signing only when no contract is in force and the user has a team to sign for', () => {
    expect(offered('gp', 'referral', ['t1'], null)).toContain('signContract');
    expect(offered('gp', 'referral', [], null)).not.toContain('signContract');
    // Contract not known yet: neither signing nor managing is offered until it is.
    const unknown = recordActionsFor({ role: 'gp', basis: 'referral', userTeamIds: ['t1'], contractTeamId: undefined });
    expect(unknown.signContract).toBe(false);
    expect(unknown.renewContract).toBe(false);
    expect(unknown.followUp).toBe(true);
  });

  it('tells whether any of a set of actions is offered', () => {
    const glass = recordActionsFor({ role: 'gp', basis: 'break_glass', userTeamIds: [], contractTeamId: 't1' });
    expect(offersAny(glass)).toBe(true);
    expect(offersAny(glass, CARE)).toBe(false);
    const own = recordActionsFor({ role: 'resident', basis: 'self', userTeamIds: [], contractTeamId: 't1' });
    expect(offersAny(own)).toBe(false);
  });

  it('lets only care roles break the glass', () => {
    expect(mayBreakGlass('gp')).toBe(true);
    expect(mayBreakGlass('referral_coordinator')).toBe(true);
    expect(mayBreakGlass('institution_admin')).toBe(false);
    expect(mayBreakGlass('resident')).toBe(false);
  });

  it('offers registration to care roles and signing to those with a team', () => {
    expect(searchActionsFor('gp', ['t1'])).toEqual({ register: true, sign: true });
    expect(searchActionsFor('specialist', [])).toEqual({ register: true, sign: false });
    expect(searchActionsFor('institution_admin', [])).toEqual({ register: false, sign: false });
    expect(searchActionsFor('commission_admin', [])).toEqual({ register: false, sign: false });
  });
});

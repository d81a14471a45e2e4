import { describe, expect, it } from 'vitest';
import { activeContract, feeYuan, selfCareBand, selfCareTotal } from './care.logic';
import type { ContractEntry } from './care.types';

describe('self-care assessment', () => {
  it('bands the total at the national cut-offs', () => {
    expect([0, 3, 4, 8, 9, 18, 19, 37].map(selfCareBand)).toEqual([
      'independent',
      'independent',
      'mild_dependence',
      'mild_dependence',
      'moderate_dependence',
      'moderate_dependence',
      'unable',
      'unable',
    ]);
  });

  it('sums what is scored and says whether all items are', () => {
    const items = ['eating', 'grooming', 'dressing', 'toileting', 'moving'];
    expect(selfCareTotal({ eating: 3, grooming: 1 }, items)).toEqual({ total: 4, complete: false });
    expect(selfCareTotal({ eating: 5, grooming: 7, dressing: 5, toileting: 10, moving: 10 }, items)).toEqual({ total: 37, complete: true });
  });
});

describe('contracts', () => {
  const c = (status: ContractEntry['status']): ContractEntry => ({
    id: status,
    teamId: 't',
    teamName: 'T',
    packageCode: 'basic',
    packageName: '基础包',
    keyPopulations: [],
    startDate: '2026-01-01',
    endDate: '2027-01-01',
    status,
    endReason: null,
  });
  it('finds the one in force', () => {
    expect(activeContract([c('superseded'), c('active')])?.id).toBe('active');
    expect(activeContract([c('terminated')])).toBeNull();
    expect(activeContract(undefined)).toBeNull();
  });
  it('shows fees in yuan', () => {
    expect(feeYuan(0)).toBeNull();
    expect(feeYuan(12000)).toBe('120');
    expect(feeYuan(12050)).toBe('120.50');
  });
});

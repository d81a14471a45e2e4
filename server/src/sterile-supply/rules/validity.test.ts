import { describe, expect, it } from 'vitest';
import { expiryDate, isWithinValidity, validityRuleFor, type ValidityRule } from './validity.js';

// The same rows as migration 0013 (version 1), plus a later version to show how versions apply.
const V1: ValidityRule[] = [
  { id: 1, version: 1, effectiveFrom: '2009-03-01', material: 'paper_plastic', storeControlled: null, months: 6, days: null, basis: 'seed' },
  { id: 2, version: 1, effectiveFrom: '2009-03-01', material: 'textile', storeControlled: true, months: null, days: 14, basis: 'WS 310.2' },
  { id: 3, version: 1, effectiveFrom: '2009-03-01', material: 'textile', storeControlled: false, months: null, days: 7, basis: 'WS 310.2' },
  { id: 4, version: 1, effectiveFrom: '2009-03-01', material: 'paper_bag', storeControlled: null, months: null, days: 30, basis: 'WS 310.2' },
  { id: 5, version: 1, effectiveFrom: '2009-03-01', material: 'crepe_paper', storeControlled: null, months: null, days: 180, basis: 'WS 310.2' },
  { id: 6, version: 1, effectiveFrom: '2009-03-01', material: 'nonwoven', storeControlled: null, months: null, days: 180, basis: 'WS 310.2' },
  { id: 7, version: 1, effectiveFrom: '2009-03-01', material: 'rigid_container', storeControlled: null, months: null, days: 180, basis: 'WS 310.2' },
];
const V2 = [...V1, { id: 8, version: 2, effectiveFrom: '2030-01-01', material: 'paper_plastic', storeControlled: null, months: null, days: 180, basis: 'later' }];

describe('sterile validity by packaging material', () => {
  it.each([
    ['paper_plastic', true, '2024-01-15', '2024-07-15'], // the seed's 6 months: the done-when case
    ['paper_plastic', false, '2024-08-31', '2025-02-28'], // calendar months clamp to the month's end
    ['textile', true, '2024-01-15', '2024-01-29'],
    ['textile', false, '2024-01-15', '2024-01-22'],
    ['paper_bag', true, '2024-01-15', '2024-02-14'],
    ['crepe_paper', true, '2024-01-15', '2024-07-13'],
    ['nonwoven', true, '2024-01-15', '2024-07-13'],
    ['rigid_container', false, '2024-01-15', '2024-07-13'],
  ])('%s (controlled store %s) sterilised %s → expires %s', (material, controlled, on, expires) => {
    expect(expiryDate(validityRuleFor(V1, material, controlled, on), on)).toBe(expires);
  });

  it('applies the version in force on the sterilisation date', () => {
    expect(validityRuleFor(V2, 'paper_plastic', true, '2029-12-31').version).toBe(1);
    expect(expiryDate(validityRuleFor(V2, 'paper_plastic', true, '2030-01-01'), '2030-01-01')).toBe('2030-06-30');
  });

  it('refuses a material without a rule, naming the field', () => {
    expect(() => validityRuleFor(V1, 'glass', true, '2024-01-15')).toThrow(/material/);
    expect(() => validityRuleFor(V1, 'textile', true, '2024-13-01')).toThrow(/sterilisedOn/);
  });

  it('may be issued on the expiry date, not the day after', () => {
    expect(isWithinValidity('2024-07-15', '2024-07-15')).toBe(true);
    expect(isWithinValidity('2024-07-15', '2024-07-16')).toBe(false);
  });
});

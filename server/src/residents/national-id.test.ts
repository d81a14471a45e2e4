import { describe, expect, it } from 'vitest';
import { checkCharacterFor, makeNationalId, validateNationalId } from './national-id.js';

const TODAY = new Date('2026-11-23T00:00:00Z');

describe('GB 11643 national ID', () => {
  it.each([
    // The standard's own worked example (GB 11643-1999 appendix): 11010519491231002X, female.
    ['11010519491231002X', '1949-12-31', 'female'],
    ['110105194912310029'.slice(0, 17) + checkCharacterFor('11010519491231002'), '1949-12-31', 'female'],
    [makeNationalId('330106', '1980-02-29', 13), '1980-02-29', 'male'],
    [makeNationalId('330106', '2000-01-01', 24), '2000-01-01', 'female'],
    ['11010519491231002x', '1949-12-31', 'female'],
  ])('accepts %s', (id, birthDate, sex) => {
    const r = validateNationalId(id, TODAY);
    expect(r).toMatchObject({ valid: true, birthDate, sex });
  });

  it.each([
    ['110105194912310021', 'check_digit'],
    ['11010519491231002', 'length'],
    ['11010519491231002X1', 'length'],
    ['1101051949123100AX', 'characters'],
    ['110105194902300021', 'birth_date'], // 30 February
    [makeNationalId('330106', '1981-02-29', 13), 'birth_date'], // not a leap year
    [makeNationalId('330106', '1899-12-31', 13), 'birth_date'],
    [makeNationalId('330106', '2027-01-01', 13), 'birth_date_in_future'],
    [makeNationalId('910106', '1980-01-01', 13), 'region_code'],
    [makeNationalId('330000', '1980-01-01', 13), 'region_code'],
  ])('rejects %s (%s)', (id, problem) => {
    expect(validateNationalId(id, TODAY)).toMatchObject({ valid: false, problem });
  });

  it('takes sex from the parity of the 17th digit', () => {
    expect(validateNationalId(makeNationalId('110105', '1990-05-05', 101), TODAY)).toMatchObject({ sex: 'male' });
    expect(validateNationalId(makeNationalId('110105', '1990-05-05', 100), TODAY)).toMatchObject({ sex: 'female' });
  });
});

/**
 * Citizen identity number (公民身份号码), GB 11643-1999: 6-digit address code, 8-digit birth date,
 * 3-digit sequence (odd = male, even = female) and an ISO 7064 MOD 11-2 check character (0–9 or X).
 */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';
/** First digit of real province-level codes (1 north … 8 Hong Kong/Macau/Taiwan, 9 unused). */
const PROVINCE_PREFIX = /^[1-8][0-9]$/;

export type NationalIdProblem =
  | 'length'
  | 'characters'
  | 'region_code'
  | 'birth_date'
  | 'birth_date_in_future'
  | 'check_digit';

export type NationalIdResult =
  | { valid: true; normalised: string; birthDate: string; sex: 'male' | 'female'; regionCode: string }
  | { valid: false; problem: NationalIdProblem; message: string };

export function checkCharacterFor(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK_CHARS[sum % 11]!;
}

function isRealDate(y: number, m: number, d: number): boolean {
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

export function validateNationalId(input: string, today: Date = new Date()): NationalIdResult {
  const id = input.trim().toUpperCase();
  if (id.length !== 18) return { valid: false, problem: 'length', message: 'must be 18 characters' };
  if (!/^[0-9]{17}[0-9X]$/.test(id)) {
    return { valid: false, problem: 'characters', message: 'must be 17 digits followed by a digit or X' };
  }
  const regionCode = id.slice(0, 6);
  if (!PROVINCE_PREFIX.test(regionCode.slice(0, 2)) || regionCode.slice(2) === '0000') {
    return { valid: false, problem: 'region_code', message: 'region code is not a county-level administrative code' };
  }
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  if (y < 1900 || !isRealDate(y, m, d)) {
    return { valid: false, problem: 'birth_date', message: 'birth date segment is not a real date' };
  }
  const birthDate = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  if (birthDate > today.toISOString().slice(0, 10)) {
    return { valid: false, problem: 'birth_date_in_future', message: 'birth date is in the future' };
  }
  if (checkCharacterFor(id.slice(0, 17)) !== id[17]) {
    return { valid: false, problem: 'check_digit', message: 'check digit does not match (ISO 7064 MOD 11-2)' };
  }
  return { valid: true, normalised: id, birthDate, sex: Number(id[16]) % 2 === 1 ? 'male' : 'female', regionCode };
}

/** Builds a valid ID; used by the demo seed, the generator and tests. */
export function makeNationalId(regionCode: string, birthDate: string, sequence: number): string {
  const first17 = `${regionCode}${birthDate.replaceAll('-', '')}${String(sequence).padStart(3, '0')}`;
  return first17 + checkCharacterFor(first17);
}

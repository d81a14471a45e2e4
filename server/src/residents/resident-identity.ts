import type { FieldCrypto } from '../security/field-crypto.js';
import { maskIdentifier, maskNationalId, maskPhone } from '../security/field-crypto.js';
import { badRequest } from '../http/errors.js';
import { validateNationalId } from './national-id.js';

/** The protected columns for a resident's direct identifiers: never a plain national ID or phone. */
export interface ProtectedIdentity {
  national_id_enc: Buffer | null;
  national_id_bidx: string | null;
  national_id_masked: string | null;
  phone_enc: Buffer | null;
  phone_bidx: string | null;
  phone_masked: string | null;
}

export interface IdentityInput {
  nationalId?: string | undefined;
  sex?: 'male' | 'female' | 'unknown' | undefined;
  birthDate?: string | undefined;
  phone?: string | undefined;
}

/**
 * Validates the national ID (GB 11643) and reconciles it with the stated sex and birth date
 * (the ID is authoritative; a contradiction is a 400, not a silent overwrite).
 */
export function resolveIdentity(input: IdentityInput, crypto: FieldCrypto, today = new Date()) {
  let sex = input.sex;
  let birthDate = input.birthDate;
  let nationalId: string | null = null;
  if (input.nationalId !== undefined) {
    const check = validateNationalId(input.nationalId, today);
    if (!check.valid) throw badRequest('body.nationalId', check.message);
    nationalId = check.normalised;
    if (sex && sex !== 'unknown' && sex !== check.sex) throw badRequest('body.sex', `does not match the national ID (${check.sex})`);
    if (birthDate && birthDate !== check.birthDate) throw badRequest('body.birthDate', `does not match the national ID (${check.birthDate})`);
    sex = check.sex;
    birthDate = check.birthDate;
  }
  if (!birthDate) throw badRequest('body.birthDate', 'required when there is no national ID');
  if (birthDate > today.toISOString().slice(0, 10)) throw badRequest('body.birthDate', 'is in the future');
  if (!sex) throw badRequest('body.sex', 'required when there is no national ID');
  const protectedColumns: ProtectedIdentity = {
    national_id_enc: nationalId ? crypto.encrypt(nationalId) : null,
    national_id_bidx: nationalId ? crypto.blindIndex('national_id', nationalId) : null,
    national_id_masked: nationalId ? maskNationalId(nationalId) : null,
    phone_enc: input.phone ? crypto.encrypt(input.phone) : null,
    phone_bidx: input.phone ? crypto.blindIndex('phone', input.phone) : null,
    phone_masked: input.phone ? maskPhone(input.phone) : null,
  };
  return { sex, birthDate, nationalId, protectedColumns };
}

export function protectIdentifier(crypto: FieldCrypto, system: string, value: string) {
  const normalised = value.trim().toUpperCase();
  return {
    system,
    value_enc: crypto.encrypt(normalised),
    value_bidx: crypto.blindIndex('identifier', normalised),
    value_masked: maskIdentifier(normalised),
  };
}

import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

const IV_BYTES = 12;
const TAG_BYTES = 16;
const FORMAT_VERSION = 1;

/**
 * Field-level protection for direct identifiers (national ID, phone, other identifiers):
 * AES-256-GCM for storage, and a keyed blind index (HMAC-SHA256) so exact lookups never need
 * the plain value in the database. Stored layout: version(1) | iv(12) | tag(16) | ciphertext.
 */
export class FieldCrypto {
  constructor(
    private readonly encryptionKey: Buffer,
    private readonly blindIndexKey: Buffer,
  ) {}

  encrypt(plain: string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.encryptionKey, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([FORMAT_VERSION]), iv, cipher.getAuthTag(), body]);
  }

  decrypt(stored: Buffer): string {
    if (stored[0] !== FORMAT_VERSION) throw new Error('Unknown encrypted field format');
    const iv = stored.subarray(1, 1 + IV_BYTES);
    const tag = stored.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.encryptionKey, iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(stored.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  }

  /** Domain-separated so that equal values of different kinds (ID vs phone) never share an index value. */
  blindIndex(domain: 'national_id' | 'phone' | 'identifier' | 'login', value: string): string {
    return createHmac('sha256', this.blindIndexKey).update(`${domain}\u0000${value}`).digest('base64url');
  }
}

/** Masks for display: national ID keeps the first 6 and last 4 characters; phones keep 3 + 4. */
export function maskNationalId(id: string): string {
  return id.length <= 10 ? '*'.repeat(id.length) : `${id.slice(0, 6)}${'*'.repeat(id.length - 10)}${id.slice(-4)}`;
}

export function maskPhone(phone: string): string {
  return phone.length < 8 ? '*'.repeat(phone.length) : `${phone.slice(0, 3)}****${phone.slice(-4)}`;
}

export function maskIdentifier(value: string): string {
  return value.length <= 4 ? '*'.repeat(value.length) : `${value.slice(0, 2)}${'*'.repeat(value.length - 4)}${value.slice(-2)}`;
}

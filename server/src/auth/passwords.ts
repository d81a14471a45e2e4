import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

// OWASP's argon2id baseline (19 MiB, 2 passes); hashing is deliberately slow, verification the same.
const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** argon2id with a fresh random salt on every call: two accounts with one password never share a hash. */
export const hashPassword = (password: string) => hash(password, OPTIONS);

/**
 * Checks a password. An account without a usable password (see unusablePasswordHash) is checked against the dummy
 * hash and refused, so it takes the time any wrong password takes.
 */
export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  const usable = stored.startsWith('$argon2');
  try {
    const ok = await verify(usable ? stored : await dummyPasswordHash(), password);
    return usable && ok;
  } catch {
    return false;
  }
}

/**
 * A password_hash for an account nobody can log in to until a password is set: not an argon2 string (no password
 * verifies against it), and unique per account. Generated staff of the synthetic district get one.
 */
export const unusablePasswordHash = (): string => `!no-password:${randomBytes(18).toString('base64url')}`;

let dummy: Promise<string> | undefined;

/**
 * The hash an unknown username is verified against: same parameters as a real one (so the same time), of a
 * random password nobody knows. Computed once per process.
 */
export const dummyPasswordHash = (): Promise<string> => (dummy ??= hashPassword(randomBytes(24).toString('base64url')));

/**
 * One hash per account (seeds), `concurrency` at a time: argon2 runs on the libuv pool, so a few
 * in flight use the cores without queueing hundreds of 19 MiB buffers.
 */
export async function hashPasswordEach(password: string, count: number, concurrency = 4): Promise<string[]> {
  const out: string[] = new Array<string>(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      out[i] = await hashPassword(password);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return out;
}

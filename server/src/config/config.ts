import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: z.string().url().optional(),
  /** The owner's (superuser's) connection, used only by system jobs: migrations, the demo seed, the generator. */
  MIGRATION_DATABASE_URL: z.string().url().optional(),
  KANGLIAN_DATA_DIR: z.string().default('./data'),
  /** base64 of 32 bytes; encrypts national IDs and phones (AES-256-GCM). */
  KANGLIAN_ENCRYPTION_KEY: z.string().optional(),
  /** base64 of 32 bytes; keys the blind index (HMAC-SHA256) used for exact lookups. */
  KANGLIAN_BLIND_INDEX_KEY: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SESSION_TTL_HOURS: z.coerce.number().positive().default(12),
  /** Unset: demo on the embedded PGlite, none on PostgreSQL. Demo accounts reach PostgreSQL only when asked for. */
  KANGLIAN_SEED: z.enum(['demo', 'none']).optional(),
  KANGLIAN_WEB_DIST: z.string().optional(),
  /**
   * Which reverse proxies may set X-Forwarded-For: a comma-separated list of addresses / CIDRs (or proxy-addr's
   * names loopback, linklocal, uniquelocal). Unset: none — the client address is the socket's.
   */
  TRUST_PROXY: z
    .string()
    .optional()
    .transform((value, ctx) => {
      const parsed = parseTrustProxy(value);
      if (typeof parsed === 'string') {
        ctx.addIssue({ code: 'custom', message: parsed });
        return z.NEVER;
      }
      return parsed;
    }),
});

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * TRUST_PROXY → what Fastify's trustProxy takes: false (trust nobody) or the proxies' addresses. Returns an error
 * message (a string) for anything else. Refused on purpose: "true"/"*" (any sender could then choose the address
 * the rate limit and the audit see) and hop counts (they trust whoever connects directly; Fastify 5 ignores them).
 */
export function parseTrustProxy(value: string | undefined): false | string[] | string {
  const trimmed = value?.trim() ?? '';
  if (trimmed === '' || trimmed === 'false') return false;
  if (/^[0-9]+$/.test(trimmed)) return `a hop count (${trimmed}) is not accepted: list the proxies' addresses or CIDR ranges`;
  const entries = trimmed.split(',').map((e) => e.trim());
  for (const entry of entries) {
    if (PROXY_NAMES.has(entry)) continue;
    const [address = '', prefix, ...rest] = entry.split('/');
    const family = isIP(address);
    const bits = family === 4 ? 32 : 128;
    const prefixOk = prefix === undefined || (/^[0-9]{1,3}$/.test(prefix) && Number(prefix) <= bits);
    if (family === 0 || !prefixOk || rest.length > 0) {
      return `"${entry}" is not an IP address, a CIDR range (10.0.0.0/8) or one of loopback, linklocal, uniquelocal; list the proxies (comma-separated) or give a hop count`;
    }
  }
  return entries;
}

export interface Config {
  port: number;
  host: string;
  /** url: what the application connects with; migrationUrl: the owner's, for migrations (defaults to url). */
  database: { kind: 'postgresql'; url: string; migrationUrl?: string } | { kind: 'pglite'; dataDir: string };
  dataDir: string;
  keys: { encryption: Buffer; blindIndex: Buffer };
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
  sessionTtlMs: number;
  seed: 'demo' | 'none';
  webDist: string | undefined;
  /** Fastify's trustProxy: false unless TRUST_PROXY names the proxies (addresses / CIDR ranges). */
  trustProxy: false | string[];
}

function decodeKey(name: string, value: string): Buffer {
  const key = Buffer.from(value, 'base64');
  if (key.length !== 32) throw new Error(`${name} must be base64 of exactly 32 bytes`);
  return key;
}

/**
 * Development keys are generated once and kept beside the data so that a restart can still
 * decrypt what it wrote. Production sets both keys in the environment.
 */
function loadOrCreateDevKeys(dataDir: string): { encryption: string; blindIndex: string } {
  const file = path.join(dataDir, 'dev-keys.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as { encryption: string; blindIndex: string };
  mkdirSync(dataDir, { recursive: true });
  const keys = { encryption: randomBytes(32).toString('base64'), blindIndex: randomBytes(32).toString('base64') };
  writeFileSync(file, JSON.stringify(keys), { mode: 0o600 });
  return keys;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const parsed = EnvSchema.parse(env);
  if (parsed.MIGRATION_DATABASE_URL && !parsed.DATABASE_URL) {
    throw new Error('MIGRATION_DATABASE_URL is set without DATABASE_URL: set both (the application connects with DATABASE_URL)');
  }
  const dataDir = path.resolve(parsed.KANGLIAN_DATA_DIR);
  let encryption = parsed.KANGLIAN_ENCRYPTION_KEY;
  let blindIndex = parsed.KANGLIAN_BLIND_INDEX_KEY;
  if (!encryption || !blindIndex) {
    const dev = loadOrCreateDevKeys(dataDir);
    encryption ??= dev.encryption;
    blindIndex ??= dev.blindIndex;
  }
  return {
    port: parsed.PORT,
    host: parsed.HOST,
    database: parsed.DATABASE_URL
      ? { kind: 'postgresql', url: parsed.DATABASE_URL, migrationUrl: parsed.MIGRATION_DATABASE_URL ?? parsed.DATABASE_URL }
      : { kind: 'pglite', dataDir: path.join(dataDir, 'pglite') },
    dataDir,
    keys: {
      encryption: decodeKey('KANGLIAN_ENCRYPTION_KEY', encryption),
      blindIndex: decodeKey('KANGLIAN_BLIND_INDEX_KEY', blindIndex),
    },
    logLevel: parsed.LOG_LEVEL,
    sessionTtlMs: parsed.SESSION_TTL_HOURS * 3600_000,
    seed: parsed.KANGLIAN_SEED ?? (parsed.DATABASE_URL ? 'none' : 'demo'),
    webDist: parsed.KANGLIAN_WEB_DIST,
    trustProxy: parsed.TRUST_PROXY,
    ...overrides,
  };
}

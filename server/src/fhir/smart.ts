import { createPublicKey, verify, type JsonWebKey } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { createSession } from '../auth/sessions.js';

/**
 * SMART Backend Services (client_credentials with a signed JWT assertion) for hospital systems.
 * A system client is registered per institution and acts as its own staff account with no team:
 * the care-relationship query then gives it exactly its institution's referrals — no blanket
 * access. Its access token is a 5-minute session; the scopes granted are kept in system_token and
 * checked on every /fhir request (read = GET, write = POST/PUT). System accounts reach /fhir only.
 */
export const SYSTEM_USER_PREFIX = 'system:';
export const TOKEN_TTL_SECONDS = 300;
export const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
export const SIGNING_ALGS = ['RS384', 'ES384'] as const;

export class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    description: string,
  ) {
    super(description);
  }
}

/** Registers a hospital's system (an administrator's job; tests and the demo seed call this). */
export async function registerSystemClient(
  db: Kysely<DB>,
  input: { clientId: string; name: string; institutionId: string; publicJwk: JsonWebKey; scopes: string[] },
): Promise<{ id: string; userId: string }> {
  return db.transaction().execute(async (trx) => {
    const user = await trx
      .insertInto('app_user')
      .values({
        username: `${SYSTEM_USER_PREFIX}${input.clientId}`,
        // No password can match: system clients authenticate with their key only.
        password_hash: '!system-client',
        role: 'referral_coordinator',
        display_name: input.name,
        institution_id: input.institutionId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const client = await trx
      .insertInto('system_client')
      .values({
        client_id: input.clientId,
        name: input.name,
        institution_id: input.institutionId,
        user_id: user.id,
        public_jwk: JSON.stringify(input.publicJwk),
        allowed_scopes: input.scopes,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { id: client.id, userId: user.id };
  });
}

const b64json = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;

/** `system/*.read`, `system/Observation.write`, `system/*.*`, SMART v2 `system/*.rs` / `.cruds`. */
export function parseScope(scope: string): { type: string; read: boolean; write: boolean } | null {
  const m = /^system\/(\*|[A-Z][A-Za-z]+)\.(read|write|\*|c?r?u?d?s?)$/.exec(scope);
  if (!m || m[2] === '') return null;
  const p = m[2]!;
  const read = p === 'read' || p === '*' || /[rs]/.test(p);
  const write = p === 'write' || p === '*' || /[cu]/.test(p);
  return { type: m[1]!, read, write };
}

export function scopesAllow(scopes: string[], type: string, access: 'read' | 'write'): boolean {
  return scopes.some((s) => {
    const p = parseScope(s);
    return p !== null && (p.type === '*' || p.type === type) && p[access];
  });
}

/** Checks a client assertion and issues an access token. Errors are OAuth errors (RFC 6749 §5.2). */
export async function issueToken(db: Kysely<DB>, form: Record<string, string | undefined>, tokenUrl: string) {
  if (form.grant_type !== 'client_credentials') throw new OAuthError(400, 'unsupported_grant_type', 'grant_type must be client_credentials');
  if (form.client_assertion_type !== ASSERTION_TYPE) throw new OAuthError(400, 'invalid_request', `client_assertion_type must be ${ASSERTION_TYPE}`);
  const parts = (form.client_assertion ?? '').split('.');
  if (parts.length !== 3) throw new OAuthError(400, 'invalid_request', 'client_assertion must be a signed JWT');
  let header: Record<string, unknown>;
  let claims: Record<string, unknown>;
  try {
    header = b64json(parts[0]!);
    claims = b64json(parts[1]!);
  } catch {
    throw new OAuthError(400, 'invalid_request', 'client_assertion is not a JWT');
  }
  const alg = header.alg as string;
  if (!(SIGNING_ALGS as readonly string[]).includes(alg)) throw new OAuthError(400, 'invalid_client', `alg must be one of ${SIGNING_ALGS.join(', ')}`);
  const clientId = claims.iss;
  if (typeof clientId !== 'string' || claims.sub !== clientId) throw new OAuthError(401, 'invalid_client', 'iss and sub must be the client_id');
  const client = await db.selectFrom('system_client').selectAll().where('client_id', '=', clientId).where('active', '=', true).executeTakeFirst();
  if (!client) throw new OAuthError(401, 'invalid_client', 'Unknown client');
  const key = createPublicKey({ key: client.public_jwk as JsonWebKey, format: 'jwk' });
  const signed = Buffer.from(`${parts[0]}.${parts[1]}`);
  const signature = Buffer.from(parts[2]!, 'base64url');
  const ok = alg === 'ES384' ? verify('sha384', signed, { key, dsaEncoding: 'ieee-p1363' }, signature) : verify('sha384', signed, key, signature);
  if (!ok) throw new OAuthError(401, 'invalid_client', 'The assertion signature does not verify with the registered key');
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!aud.includes(tokenUrl)) throw new OAuthError(400, 'invalid_grant', `aud must be ${tokenUrl}`);
  const now = Math.floor(Date.now() / 1000);
  const exp = Number(claims.exp);
  if (!Number.isFinite(exp) || exp <= now || exp > now + 300) throw new OAuthError(400, 'invalid_grant', 'exp must be in the next 5 minutes');
  if (typeof claims.jti !== 'string' || !claims.jti) throw new OAuthError(400, 'invalid_grant', 'jti is required');
  // A jti is used once (the primary key decides, not a read).
  const fresh = await db
    .insertInto('system_client_assertion')
    .values({ system_client_id: client.id, jti: claims.jti, expires_at: new Date(exp * 1000) })
    .onConflict((oc) => oc.doNothing())
    .returning('jti')
    .executeTakeFirst();
  if (!fresh) throw new OAuthError(400, 'invalid_grant', 'This assertion was used before (jti)');
  const requested = (form.scope ?? '').split(/\s+/).filter(Boolean);
  const granted = requested.filter((s) => parseScope(s) && client.allowed_scopes.some((a) => a === s || coveredBy(s, a)));
  if (granted.length === 0) throw new OAuthError(400, 'invalid_scope', `Requested scopes are not granted to this client (allowed: ${client.allowed_scopes.join(' ')})`);
  const session = await db.transaction().execute(async (trx) => {
    const created = await createSession(trx, client.user_id, TOKEN_TTL_SECONDS * 1000);
    await trx.insertInto('system_token').values({ session_id: created.sessionId, system_client_id: client.id, scopes: granted }).execute();
    return created;
  });
  return { access_token: session.token, token_type: 'bearer', expires_in: TOKEN_TTL_SECONDS, scope: granted.join(' ') };
}

/** Whether an allowed scope covers a requested one (system/*.* covers system/Observation.read). */
function coveredBy(requested: string, allowed: string): boolean {
  const r = parseScope(requested);
  const a = parseScope(allowed);
  if (!r || !a) return false;
  return (a.type === '*' || a.type === r.type) && (!r.read || a.read) && (!r.write || a.write);
}

export async function scopesOfSession(db: Kysely<DB>, sessionId: string): Promise<string[]> {
  const row = await db.selectFrom('system_token').select('scopes').where('session_id', '=', sessionId).executeTakeFirst();
  return row?.scopes ?? [];
}

export function smartConfiguration(baseUrl: string) {
  return {
    token_endpoint: `${baseUrl}/auth/token`,
    token_endpoint_auth_methods_supported: ['private_key_jwt'],
    token_endpoint_auth_signing_alg_values_supported: [...SIGNING_ALGS],
    grant_types_supported: ['client_credentials'],
    scopes_supported: ['system/*.read', 'system/*.write', 'system/*.rs', 'system/*.cruds'],
    capabilities: ['client-confidential-asymmetric'],
  };
}

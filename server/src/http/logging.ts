/**
 * What the server log may carry. Search terms arrive in query strings (`/api/residents?q=<national ID|phone|name>`),
 * so a logged URL keeps its path and parameter names but never a value; errors are logged by type, message, code
 * and stack only (no request bodies, no driver `detail`/`parameters`); authorisation headers and cookies are
 * redacted. As a last net, anything shaped like a mainland national ID or mobile number is masked in every
 * line written, whatever logged it.
 */
import type { FastifyError, FastifyRequest } from 'fastify';
import type { DestinationStream, LoggerOptions } from 'pino';

/** `/api/residents?q=330106…&page=2` → `/api/residents?q=*&page=*` (names kept: they tell what was asked). */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const query = url.slice(q + 1);
  if (query === '') return url.slice(0, q);
  const keys = query.split('&').map((pair) => {
    const eq = pair.indexOf('=');
    return `${eq < 0 ? pair : pair.slice(0, eq)}=*`;
  });
  return `${url.slice(0, q)}?${keys.join('&')}`;
}

// 18-character resident ID (17 digits + check digit or X) and 11-digit mobile numbers, not inside a longer token.
const NATIONAL_ID = /(?<![0-9A-Za-z])[1-9][0-9]{16}[0-9Xx](?![0-9A-Za-z])/g;
const MOBILE = /(?<![0-9A-Za-z])1[3-9][0-9]{9}(?![0-9A-Za-z])/g;

/** Masks identifier-shaped digit runs in a finished log line. */
export function maskIdentifiers(line: string): string {
  return line.replace(NATIONAL_ID, '[national-id]').replace(MOBILE, '[phone]');
}

interface SerializedError {
  type: string;
  message: string;
  stack?: string;
  code?: unknown;
  statusCode?: unknown;
  constraint?: unknown;
  cause?: SerializedError;
}

/** Only what says what went wrong and where; never the values the error was built from. */
export function serializeError(err: unknown, depth = 0): SerializedError {
  if (!(err instanceof Error)) return { type: typeof err, message: String(err) };
  const e = err as Error & { code?: unknown; statusCode?: unknown; constraint?: unknown; cause?: unknown };
  const out: SerializedError = { type: e.constructor?.name ?? 'Error', message: e.message, stack: e.stack };
  if (e.code !== undefined) out.code = e.code;
  if (e.statusCode !== undefined) out.statusCode = e.statusCode;
  if (typeof e.constraint === 'string') out.constraint = e.constraint;
  if (e.cause !== undefined && depth < 2) out.cause = serializeError(e.cause, depth + 1);
  return out;
}

export function loggerOptions(level: string, stream?: DestinationStream): LoggerOptions & { stream?: DestinationStream } {
  return {
    level,
    redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
    serializers: {
      req: (request: FastifyRequest) => ({
        method: request.method,
        url: redactUrl(request.url),
        host: request.host,
        remoteAddress: request.ip,
        remotePort: request.socket?.remotePort,
      }),
      err: (err: FastifyError) => serializeError(err),
    },
    hooks: { streamWrite: maskIdentifiers },
    ...(stream ? { stream } : {}),
  };
}

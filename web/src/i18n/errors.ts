import type { TFunction } from 'i18next';
import type { ApiError } from '../api/client';

/** Server error codes that have their own wording in the catalogs (errors.codes.*). */
export const KNOWN_ERROR_CODES = [
  'invalid_credentials',
  'locked',
  'unauthorized',
  'forbidden',
  'not_found',
  'validation',
  'conflict',
  'network',
  'internal',
  'rate_limited',
] as const;

/** A user-facing sentence for an API error: the catalog's wording for known codes, else the server's message. */
export function errorMessage(t: TFunction, error: ApiError): string {
  if (error.status === 429) return t('errors.codes.rate_limited');
  if ((KNOWN_ERROR_CODES as readonly string[]).includes(error.code) && error.code !== 'validation') {
    return t(`errors.codes.${error.code}`);
  }
  if (error.status >= 500) return t('errors.codes.internal');
  return error.message || t('errors.unexpected');
}

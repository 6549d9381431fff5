/**
 * A Global Token Revocation request (draft-parecki-oauth-global-token-revocation): `POST`, `application/json`, one
 * property `sub_id` holding a subject identifier (RFC 9493), authenticated by `Authorization: Bearer <token>`.
 */
import { type ParsedSubject, parseSubject, SubjectError } from '../identity-provider/subject.js';

export class GtrRequestError extends Error {
  override readonly name = 'GtrRequestError';
}

/** The bearer token of the Authorization header, or `undefined` (answered 401). */
export function bearerToken(headers: Readonly<Record<string, string>>): string | undefined {
  const match = /^Bearer\s+([A-Za-z0-9._~+/=-]+)\s*$/i.exec(headers.authorization ?? '');
  return match?.[1];
}

export function parseRequestBody(body: string): ParsedSubject {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new GtrRequestError('the body is not JSON');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new GtrRequestError('the body must be a JSON object');
  const subId = (value as { sub_id?: unknown }).sub_id;
  if (subId === undefined) throw new GtrRequestError('the body needs "sub_id"');
  try {
    return parseSubject(subId);
  } catch (error) {
    if (error instanceof SubjectError) throw new GtrRequestError(error.message);
    throw error;
  }
}

/** The scopes of a verified access token: `scope` (space-separated, RFC 9068) or `scp` (array or string, Okta/Entra). */
export function scopesOf(payload: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const claim of [payload.scope, payload.scp]) {
    if (typeof claim === 'string') out.push(...claim.split(' ').filter(Boolean));
    else if (Array.isArray(claim)) for (const s of claim) if (typeof s === 'string') out.push(s);
  }
  return out;
}

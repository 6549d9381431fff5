/** Function URL events (payload 2.0) and the M2M caller tokens the OAuth endpoints' tests send. */
import { signAccessToken } from '../fixtures/tokens.js';

export const CALLER_CLIENT_ID = 'm2mcaller0123456789abcdefg';
export const INTROSPECT_SCOPE = 'cognito-revocation/introspect';
export const REVOKE_SCOPE = 'cognito-revocation/revoke';

/** A client-credentials access token as Cognito issues it to an M2M client (sub = client id, no username). */
export function callerToken(scope: string, clientId = CALLER_CLIENT_ID, iss?: string): string {
  return signAccessToken({
    ...(iss ? { iss } : {}),
    sub: clientId,
    client_id: clientId,
    scope,
    username: undefined,
    'cognito:groups': undefined,
    auth_time: undefined,
  });
}

export function formEvent(form: Record<string, string>, authorization?: string, method = 'POST') {
  return {
    version: '2.0',
    rawPath: '/',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(authorization ? { authorization } : {}),
    },
    requestContext: { http: { method, path: '/' } },
    body: new URLSearchParams(form).toString(),
    isBase64Encoded: false,
  };
}

export interface UrlResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

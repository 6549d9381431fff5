/**
 * The admin signout Lambda's request and result shapes, and request validation. Requests come through the Lambda
 * Invoke API as JSON; anything malformed becomes a `{ ok: false, error: { code: 'invalid_request', message } }`
 * result saying which field is wrong.
 */
import { isCognitoSessionId } from '../core/directory.js';
import { isValidId } from '../core/token.js';
import { RequestError } from '../revocation/errors.js';
import type { InspectedToken } from '../revocation/requests.js';

export { RequestError } from '../revocation/errors.js';
export type { AdminError, ErrorCode } from '../revocation/errors.js';
export type { InspectedToken } from '../revocation/requests.js';

export type Operation =
  | 'signOutUser'
  | 'revokeSession'
  | 'revokeToken'
  | 'listSessions'
  | 'inspect'
  | 'revokeCognitoSession';
export const OPERATIONS: readonly Operation[] = [
  'signOutUser',
  'revokeSession',
  'revokeToken',
  'listSessions',
  'inspect',
  'revokeCognitoSession',
];

/** Who and why: recorded on every revocation and in the audit log. */
export interface Attribution {
  readonly actor: string;
  readonly reason: string;
}

export type AdminRequest =
  | ({ readonly operation: 'signOutUser'; readonly user: string } & Attribution)
  | ({
      readonly operation: 'revokeSession';
      /** Whose session (username or sub, resolved as signout is): the entry goes into that user's partition. */
      readonly user: string;
      readonly sessionId?: string;
      readonly originJti?: string;
      /** Write the session entry even when no recorded session of the user has this id (see the service). */
      readonly force?: boolean;
    } & Attribution)
  | ({
      readonly operation: 'revokeToken';
      /** Whose token (username or sub; the CLI takes the token's `sub`). */
      readonly user: string;
      readonly jti: string;
      readonly exp?: number;
    } & Attribution)
  | { readonly operation: 'listSessions'; readonly user: string }
  | { readonly operation: 'inspect'; readonly token: InspectedToken }
  /** A Cognito session-management session (`tkn…` / `sso…`); `revokeSession` with such an id too. */
  | ({
      readonly operation: 'revokeCognitoSession';
      readonly user: string;
      readonly cognitoSessionId: string;
    } & Attribution);

const MAX_TEXT = 512;
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function text(body: Record<string, unknown>, name: string, max = MAX_TEXT): string {
  const value = body[name];
  if (typeof value !== 'string' || value.trim() === '')
    throw new RequestError(`"${name}" is required (a non-empty string)`);
  const trimmed = value.trim();
  if (trimmed.length > max) throw new RequestError(`"${name}" is longer than ${max} characters`);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (/[\x00-\x1f\x7f]/.test(trimmed)) throw new RequestError(`"${name}" contains control characters`);
  return trimmed;
}

function id(body: Record<string, unknown>, name: string, required: true): string;
function id(body: Record<string, unknown>, name: string, required: false): string | undefined;
function id(body: Record<string, unknown>, name: string, required: boolean): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) {
    if (required) throw new RequestError(`"${name}" is required`);
    return undefined;
  }
  if (!isValidId(value))
    throw new RequestError(`"${name}" must be 1–256 printable ASCII characters without spaces`);
  return value;
}

function epoch(body: Record<string, unknown>, name: string, required: true): number;
function epoch(body: Record<string, unknown>, name: string, required: false): number | undefined;
function epoch(body: Record<string, unknown>, name: string, required: boolean): number | undefined {
  const value = body[name];
  if (value === undefined || value === null) {
    if (required) throw new RequestError(`"${name}" is required (epoch seconds)`);
    return undefined;
  }
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 1e11) {
    throw new RequestError(`"${name}" must be a whole number of epoch seconds`);
  }
  return value;
}

function attribution(body: Record<string, unknown>): Attribution {
  return { actor: text(body, 'actor', 256), reason: text(body, 'reason') };
}

function user(body: Record<string, unknown>): string {
  // Cognito usernames are up to 128 characters; a sub is a UUID.
  return text(body, 'user', 128);
}

/** Validates an Invoke payload; throws `RequestError` with a message naming the field at fault. */
export function parseAdminRequest(input: unknown): AdminRequest {
  let body = input;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      throw new RequestError('the request is not JSON');
    }
  }
  if (!isObject(body)) throw new RequestError('the request must be a JSON object with an "operation"');
  const operation = body.operation;
  if (typeof operation !== 'string' || !OPERATIONS.includes(operation as Operation)) {
    throw new RequestError(`"operation" must be one of ${OPERATIONS.join(', ')}`);
  }
  switch (operation as Operation) {
    case 'signOutUser':
      return { operation: 'signOutUser', user: user(body), ...attribution(body) };
    case 'listSessions':
      return { operation: 'listSessions', user: user(body) };
    case 'revokeCognitoSession':
    case 'revokeSession': {
      // A Cognito session id (`tkn…`/`sso…`, never one of our hex session ids) selects Cognito's session management.
      const cognitoSessionId =
        body.cognitoSessionId ?? (isCognitoSessionId(body.sessionId) ? body.sessionId : undefined);
      if (cognitoSessionId !== undefined || operation === 'revokeCognitoSession') {
        if (!isCognitoSessionId(cognitoSessionId))
          throw new RequestError(
            '"cognitoSessionId" must be a Cognito session id: tkn or sso and 25 lowercase letters or digits',
          );
        if (body.originJti !== undefined)
          throw new RequestError('give a Cognito session id or "originJti", not both');
        return {
          operation: 'revokeCognitoSession',
          user: user(body),
          cognitoSessionId,
          ...attribution(body),
        };
      }
      const sessionId = id(body, 'sessionId', false);
      const originJti = id(body, 'originJti', false);
      if ((sessionId === undefined) === (originJti === undefined)) {
        throw new RequestError('give exactly one of "sessionId" (the injected session claim) or "originJti"');
      }
      if (body.force !== undefined && typeof body.force !== 'boolean')
        throw new RequestError('"force" must be true or false');
      if (body.force === true && sessionId === undefined)
        throw new RequestError('"force" applies to a "sessionId" only');
      return {
        operation: 'revokeSession',
        user: user(body),
        sessionId,
        originJti,
        ...(body.force === true ? { force: true } : {}),
        ...attribution(body),
      };
    }
    case 'revokeToken': {
      const jti = id(body, 'jti', true);
      const exp = epoch(body, 'exp', false);
      return { operation: 'revokeToken', user: user(body), jti, exp, ...attribution(body) };
    }
    case 'inspect': {
      if ('token' in body && typeof body.token === 'string') {
        throw new RequestError('"token" must hold the decoded ids (sub, iat, …), never the token itself');
      }
      const token = body.token;
      if (!isObject(token))
        throw new RequestError(
          '"token" is required: { sub, iat, authTime?, exp?, jti?, originJti?, sessionId? }',
        );
      return {
        operation: 'inspect',
        token: {
          sub: id(token, 'sub', true),
          iat: epoch(token, 'iat', true),
          authTime: epoch(token, 'authTime', false),
          exp: epoch(token, 'exp', false),
          jti: id(token, 'jti', false),
          originJti: id(token, 'originJti', false),
          sessionId: id(token, 'sessionId', false),
        },
      };
    }
  }
  throw new RequestError('unreachable');
}

/**
 * Cognito trigger event shapes the token trigger understands, and the one change it makes to them: the session claim.
 *
 * PreTokenGeneration
 * - version "1" (V1_0; also any version other than 2/3): `response.claimsOverrideDetails.claimsToAddOrOverride`
 *   — ID token only.
 * - versions "2" and "3" (V2_0, V3_0): `response.claimsAndScopeOverrideDetails.idTokenGeneration` and
 *   `.accessTokenGeneration`, each with `claimsToAddOrOverride` — ID and access token.
 * PostAuthentication: read-only (recorded for the audit trail), returned unchanged.
 *
 * Overrides already in the event (from Cognito or an earlier step) are kept; only the session claim is added, and
 * removed from `claimsToSuppress` lists so it cannot be both added and suppressed.
 */

export type TriggerEvent = Record<string, unknown> & { response?: unknown };

export interface IssuanceFacts {
  readonly sub: string;
  readonly username: string;
  readonly clientId: string;
  readonly triggerSource: string;
}

export type ClassifiedEvent =
  | ({ readonly kind: 'pre-token'; readonly format: 'v1' | 'v2' } & IssuanceFacts)
  | ({ readonly kind: 'post-auth'; readonly newDeviceUsed?: boolean | undefined } & IssuanceFacts)
  | { readonly kind: 'passthrough'; readonly reason: string; readonly triggerSource?: string | undefined };

const PRE_TOKEN_SOURCES = new Set([
  'TokenGeneration_HostedAuth',
  'TokenGeneration_Authentication',
  'TokenGeneration_NewPasswordChallenge',
  'TokenGeneration_AuthenticateDevice',
  'TokenGeneration_RefreshTokens',
]);
const POST_AUTH_SOURCES = new Set(['PostAuthentication_Authentication']);

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 2048;

/** Decides what to do with an event without changing it. Anything not understood passes through. */
export function classifyEvent(event: unknown): ClassifiedEvent {
  if (!isObject(event)) return { kind: 'passthrough', reason: 'event is not an object' };
  const triggerSource = typeof event.triggerSource === 'string' ? event.triggerSource : undefined;
  if (!triggerSource) return { kind: 'passthrough', reason: 'event has no triggerSource' };
  const isPreToken = PRE_TOKEN_SOURCES.has(triggerSource);
  const isPostAuth = POST_AUTH_SOURCES.has(triggerSource);
  if (!isPreToken && !isPostAuth)
    return { kind: 'passthrough', reason: 'trigger source not handled', triggerSource };
  const request = isObject(event.request) ? event.request : undefined;
  const attributes = request && isObject(request.userAttributes) ? request.userAttributes : undefined;
  const sub = attributes?.sub;
  const username = event.userName;
  const callerContext = isObject(event.callerContext) ? event.callerContext : undefined;
  const clientId = callerContext?.clientId;
  if (!nonEmpty(sub) || !nonEmpty(username) || !nonEmpty(clientId)) {
    return {
      kind: 'passthrough',
      reason: 'event lacks sub, userName or callerContext.clientId',
      triggerSource,
    };
  }
  const facts = { sub, username, clientId, triggerSource };
  if (isPostAuth) {
    const newDeviceUsed = typeof request?.newDeviceUsed === 'boolean' ? request.newDeviceUsed : undefined;
    return { kind: 'post-auth', newDeviceUsed, ...facts };
  }
  if (event.response !== undefined && event.response !== null && !isObject(event.response)) {
    return { kind: 'passthrough', reason: 'event response is not an object', triggerSource };
  }
  const version = String(event.version ?? '1');
  return { kind: 'pre-token', format: version === '2' || version === '3' ? 'v2' : 'v1', ...facts };
}

type Overrides = Record<string, unknown>;

function withClaim(details: unknown, claim: string, value: string): Overrides {
  const current: Overrides = isObject(details) ? details : {};
  const claims = isObject(current.claimsToAddOrOverride) ? current.claimsToAddOrOverride : {};
  const next: Overrides = { ...current, claimsToAddOrOverride: { ...claims, [claim]: value } };
  if (Array.isArray(current.claimsToSuppress)) {
    next.claimsToSuppress = current.claimsToSuppress.filter((c) => c !== claim);
  }
  return next;
}

/**
 * Returns a copy of a PreTokenGeneration event whose response adds `claim = value` to the ID token (v1) or to the
 * ID and access tokens (v2/v3). The input event is not modified.
 */
export function injectSessionClaim(
  event: TriggerEvent,
  format: 'v1' | 'v2',
  claim: string,
  value: string,
): TriggerEvent {
  const response: Overrides = isObject(event.response) ? event.response : {};
  if (format === 'v1') {
    return {
      ...event,
      response: {
        ...response,
        claimsOverrideDetails: withClaim(response.claimsOverrideDetails, claim, value),
      },
    };
  }
  const details: Overrides = isObject(response.claimsAndScopeOverrideDetails)
    ? response.claimsAndScopeOverrideDetails
    : {};
  return {
    ...event,
    response: {
      ...response,
      claimsAndScopeOverrideDetails: {
        ...details,
        idTokenGeneration: withClaim(details.idTokenGeneration, claim, value),
        accessTokenGeneration: withClaim(details.accessTokenGeneration, claim, value),
      },
    },
  };
}

/**
 * Claims Cognito does not let a trigger set, or that the revocation checks themselves read: the session claim
 * must not be one of these.
 */
export const RESERVED_CLAIMS = new Set([
  'acr',
  'amr',
  'at_hash',
  'aud',
  'auth_time',
  'azp',
  'client_id',
  'c_hash',
  'event_id',
  'exp',
  'iat',
  'identities',
  'iss',
  'jti',
  'nbf',
  'nonce',
  'origin_jti',
  'scope',
  'sub',
  'token_use',
  'username',
  'version',
  'cognito:username',
]);

/** A claim name the trigger may inject: a plain JSON-friendly name, not reserved, not in the `cognito:` namespace. */
export function isValidClaimName(name: string): boolean {
  return (
    /^[A-Za-z_][A-Za-z0-9_:.-]{0,127}$/.test(name) &&
    !RESERVED_CLAIMS.has(name) &&
    !name.startsWith('cognito:')
  );
}

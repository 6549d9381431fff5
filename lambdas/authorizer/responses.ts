/**
 * Response shapes per event kind.
 * - REST (`TOKEN`, `REQUEST`; and HTTP API payload 1.0): allow = IAM policy; deny = throw exactly
 *   `Error('Unauthorized')` (API Gateway answers 401).
 * - HTTP API payload 2.0: `simple` mode `{ isAuthorized, context }`; `iam` mode an IAM policy. A deny is
 *   `{ isAuthorized: false }` / a Deny policy, which API Gateway answers with 403 (it sends 401 only when the
 *   identity source is missing, before calling the authorizer).
 * - AppSync: `{ isAuthorized, resolverContext, ttlOverride }`; deny `{ isAuthorized: false, ttlOverride: 0 }`.
 *   AppSync caches a Lambda authorizer's answer for the API's `authorizerResultTtlInSeconds` unless the response
 *   carries `ttlOverride` (the Terraform provider defaults that setting to 300 s): an allow cached that way
 *   outlives a revocation. Every AppSync answer therefore says how long it may be cached — an allow for
 *   `Shaping.appSyncAllowTtlSeconds` (default 0: not cached), a deny never (a deny cached through a store outage
 *   would lock a user out after it ends; nothing un-revokes, so caching a deny buys nothing).
 *
 * Policy resource: API Gateway may cache the policy (authorizer result TTL) and reuse it for *other* methods of
 * the same API and stage, so the Allow covers every method and path of the stage (`<apiId>/<stage>/` followed by
 * `*` for the method and `*` for the path) rather than the one method that happened to be called first (a
 * method-specific resource would make cached calls to other methods fail with 403).
 */
import type { EventKind } from './events.js';

import type { AuthContext } from '../verification/claims.js';

export type { AuthContext };

export interface PolicyResponse {
  principalId: string;
  policyDocument: {
    Version: '2012-10-17';
    Statement: { Action: 'execute-api:Invoke'; Effect: 'Allow' | 'Deny'; Resource: string }[];
  };
  context?: AuthContext;
}

export const UNAUTHORIZED_MESSAGE = 'Unauthorized';

// `arn:aws:execute-api:region:account:apiId/stage/VERB/path` → `arn:aws:execute-api:region:account:apiId/stage/*/*`.
let lastArn: string | undefined;
let lastResource: string | undefined;

export function stageWideResource(arn: string | undefined): string | undefined {
  if (typeof arn !== 'string') return undefined;
  // API Gateway calls one function for the same few ARNs over and over.
  if (arn === lastArn) return lastResource;
  const match = /^(arn:[\w-]+:execute-api:[\w-]+:\d{12}:[\w-]+)\/([^/\s]+)\/[^\s]*$/.exec(arn);
  lastArn = arn;
  lastResource = match ? `${match[1]}/${match[2]}/*/*` : undefined;
  return lastResource;
}

export function policy(
  principalId: string,
  effect: 'Allow' | 'Deny',
  resource: string,
  context?: AuthContext,
) {
  const response: PolicyResponse = {
    principalId,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: resource }],
    },
  };
  if (context) response.context = context;
  return response;
}

export interface Shaping {
  readonly kind: EventKind;
  readonly restStyle: boolean;
  readonly arn: string | undefined;
  readonly httpApiResponseMode: 'simple' | 'iam';
  /** AppSync `ttlOverride` on an allow: how long AppSync may cache it (0 = not cached, the default). */
  readonly appSyncAllowTtlSeconds?: number;
}

/** AppSync's own limit on `ttlOverride` / `authorizerResultTtlInSeconds` (seconds). */
export const APPSYNC_MAX_TTL_SECONDS = 3600;

function appSyncTtl(seconds: number | undefined): number {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds <= 0) return 0;
  return Math.min(Math.floor(seconds), APPSYNC_MAX_TTL_SECONDS);
}

/** The deny answer for this event: throws for REST, returns the not-authorized shape otherwise. */
export function denyResponse(shaping: Shaping): unknown {
  if (shaping.restStyle) throw new Error(UNAUTHORIZED_MESSAGE);
  if (shaping.kind === 'http_v2' && shaping.httpApiResponseMode === 'iam') {
    const resource = stageWideResource(shaping.arn);
    if (resource) return policy('unauthorized', 'Deny', resource);
  }
  if (shaping.kind === 'appsync') return { isAuthorized: false, ttlOverride: 0 };
  return { isAuthorized: false };
}

/** The allow answer, or undefined when the event cannot carry one (the caller then denies). */
export function allowResponse(shaping: Shaping, principalId: string, context: AuthContext): unknown {
  switch (shaping.kind) {
    case 'rest_token':
    case 'rest_request': {
      const resource = stageWideResource(shaping.arn);
      return resource ? policy(principalId, 'Allow', resource, context) : undefined;
    }
    case 'http_v2': {
      if (shaping.httpApiResponseMode === 'simple') return { isAuthorized: true, context };
      const resource = stageWideResource(shaping.arn);
      return resource ? policy(principalId, 'Allow', resource, context) : undefined;
    }
    case 'appsync':
      return {
        isAuthorized: true,
        resolverContext: context,
        ttlOverride: appSyncTtl(shaping.appSyncAllowTtlSeconds),
      };
    default:
      return undefined;
  }
}

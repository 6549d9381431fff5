/**
 * What both identity-provider doors share once their request is verified: the ports of the revocation service, the
 * subject resolver, and one function that turns "this provider says this subject" into the service's `revokeUser`
 * (user-wide: the watermark as of now, every recorded session, Cognito's own global sign-out) with its truthful
 * result. No protocol here: each door shapes the outcome into the answer its specification defines.
 */
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createCognitoDirectory } from '../adapters/cognito/user-directory.js';
import { createSdkStore } from '../adapters/dynamodb/sdk-store.js';
import { createLogger, createMetrics, type Logger } from '../adapters/observability.js';
// Propagation moves into the revocation service (lambdas/revocation/propagation.ts) with its flush rewrite.
import { propagationFromEnvironment } from '../revocation/propagation.js';
import { DirectoryError } from '../core/directory.js';
import type { RevocationContext, RevocationDeps } from '../revocation/context.js';
import type { FailedResult, RevokeUserResult } from '../revocation/results.js';
import { type RevokeUserDeps, revokeUser } from '../revocation/revoke-user.js';
import type { UpstreamConfig } from './config.js';
import { createSubjectResolver, type SubjectMatch, type SubjectResolver } from './cognito-subjects.js';
import type { SubjectId } from './subject.js';
import { boundedRequests } from '../adapters/aws/request-timeouts.js';

export interface Door {
  readonly ctx: RevocationContext<RevokeUserDeps>;
  readonly resolver: SubjectResolver;
  readonly dynamo: DynamoDBClient;
  readonly logger: Logger;
}

/** What tests may replace: the ports and the observability. */
export type DoorOverrides = Partial<Pick<RevocationDeps, RevokeUserDeps>> &
  Partial<Pick<RevocationContext, 'logger' | 'metrics' | 'clock'>> & { resolver?: SubjectResolver };

export function createDoor(
  service: string,
  env: NodeJS.ProcessEnv,
  config: UpstreamConfig,
  overrides: DoorOverrides = {},
): Door {
  const { admin } = config;
  const dynamo = new DynamoDBClient({});
  const cognito = new CognitoIdentityProviderClient({
    maxAttempts: 2,
    requestHandler: boundedRequests(2000, 4000),
  });
  const store = createSdkStore({ client: dynamo, tableName: admin.tableName });
  const { logger: loggerOverride, metrics, clock, resolver, ...ports } = overrides;
  const logger = loggerOverride ?? createLogger({ service, level: admin.logLevel });
  return {
    dynamo,
    logger,
    resolver:
      resolver ??
      createSubjectResolver({
        client: cognito,
        userPoolId: admin.userPoolId,
        issuer: config.issuer,
        providerName: config.providerName,
      }),
    ctx: {
      deps: {
        propagation: propagationFromEnvironment(env, dynamo, admin.tableName, admin.flushTargets),
        reader: store,
        writer: store,
        inventory: store,
        directory: createCognitoDirectory({ client: cognito, userPoolId: admin.userPoolId }),
        policy: admin.policy,
        ...ports,
      },
      clock: clock ?? Date.now,
      logger,
      metrics: metrics ?? createMetrics({ namespace: admin.metricsNamespace, service }),
    },
  };
}

export type SubjectOutcome =
  | { readonly kind: 'unmatched'; readonly match: Exclude<SubjectMatch, { kind: 'user' }> }
  /** Cognito could not be asked who the subject is: nothing written, a retry may succeed. */
  | { readonly kind: 'unavailable'; readonly reason: string }
  | { readonly kind: 'user'; readonly username: string; readonly sub: string };

/** The user a subject names; Cognito's answer must come before `deadlineAt` (epoch ms), else `unavailable`. */
export async function findUser(door: Door, subject: SubjectId, deadlineAt?: number): Promise<SubjectOutcome> {
  let match: SubjectMatch;
  try {
    const signal =
      deadlineAt === undefined ? undefined : AbortSignal.timeout(Math.max(0, deadlineAt - Date.now()));
    match = await door.resolver.resolve(subject, { signal });
  } catch (error) {
    const reason = error instanceof DirectoryError ? `cognito ${error.kind}` : 'lookup failed';
    return { kind: 'unavailable', reason };
  }
  return match.kind === 'user'
    ? { kind: 'user', username: match.username, sub: match.sub }
    : { kind: 'unmatched', match };
}

/** The user revoked everywhere through the service; `ok` only when the read-back proved it in force. */
export function revokeEverywhere(
  door: Door,
  user: { sub: string },
  actor: { name: string; reason: string },
  deadlineAt: number | undefined,
): Promise<RevokeUserResult | FailedResult> {
  return revokeUser(
    door.ctx,
    {
      actor: { kind: 'identity-provider', name: actor.name, reason: actor.reason },
      subject: { sub: user.sub },
      evidence: { cognitoSignOut: 'call' },
    },
    { deadlineAt },
  );
}

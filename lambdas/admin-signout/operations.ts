/**
 * The admin door: validates an Invoke payload (`request.ts`) and runs it through the revocation service
 * (`lambdas/revocation/`), with the operator as the actor. Always resolves with a result, never throws.
 */
import type { Logger, Metrics } from '../adapters/observability.js';
import type { InvocationLimits, RevocationContext, RevocationDeps } from '../revocation/context.js';
import { revokeCognitoSession } from '../revocation/cognito-session.js';
import { inspect } from '../revocation/inspect.js';
import { listSessions } from '../revocation/list-sessions.js';
import type { AdminActor } from '../revocation/requests.js';
import type { AdminResult } from '../revocation/results.js';
import { revokeSession } from '../revocation/revoke-session.js';
import { revokeToken } from '../revocation/revoke-token.js';
import { runOperation, UNNAMED } from '../revocation/run.js';
import { signOutUser } from '../revocation/sign-out-user.js';
import { type AdminRequest, parseAdminRequest } from './request.js';

/** The ports of the admin door: everything but a user's own tokens. */
export type AdminPorts = Omit<RevocationDeps, 'tokens'>;

export interface AdminDeps extends AdminPorts {
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Epoch milliseconds (injectable for tests). */
  readonly now?: () => number;
}

export function adminContext(deps: AdminDeps): RevocationContext<keyof AdminPorts> {
  const { logger, metrics, now, ...ports } = deps;
  return { deps: ports, clock: now ?? Date.now, logger, metrics };
}

/** The operation an unparseable request asked for, when it says one (for the failure result and the audit line). */
function askedOperation(input: unknown): string | undefined {
  const operation = (input as { operation?: unknown } | null)?.operation;
  return typeof operation === 'string' ? operation.slice(0, 64) : undefined;
}

function dispatch(
  ctx: RevocationContext<keyof AdminPorts>,
  request: AdminRequest,
  limits: InvocationLimits,
): Promise<AdminResult> {
  if (request.operation === 'inspect') return inspect(ctx, { evidence: { token: request.token } }, limits);
  const subject = { user: request.user };
  if (request.operation === 'listSessions') return listSessions(ctx, { subject }, limits);
  const actor: AdminActor = { kind: 'admin', name: request.actor, reason: request.reason };
  switch (request.operation) {
    case 'signOutUser':
      return signOutUser(ctx, { actor, subject }, limits);
    case 'revokeToken':
      return revokeToken(ctx, { actor, subject, evidence: { jti: request.jti, exp: request.exp } }, limits);
    case 'revokeCognitoSession':
      return revokeCognitoSession(
        ctx,
        { actor, subject, evidence: { cognitoSessionId: request.cognitoSessionId } },
        limits,
      );
    case 'revokeSession': {
      const evidence =
        request.sessionId !== undefined
          ? { sessionId: request.sessionId }
          : { originJti: request.originJti as string };
      return revokeSession(ctx, { actor, subject, evidence, force: request.force === true }, limits);
    }
  }
}

export function createAdminOperations(deps: AdminDeps) {
  const ctx = adminContext(deps);
  /** Validates and runs one request; always resolves with a result (never throws). */
  async function run(input: unknown, limits: InvocationLimits = {}): Promise<AdminResult> {
    let request: AdminRequest;
    try {
      request = parseAdminRequest(input);
    } catch (error) {
      return runOperation(ctx, { operation: askedOperation(input) ?? UNNAMED, limits }, () =>
        Promise.reject(error),
      );
    }
    return dispatch(ctx, request, limits);
  }
  return { run };
}

export type AdminOperations = ReturnType<typeof createAdminOperations>;

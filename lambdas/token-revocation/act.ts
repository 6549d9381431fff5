/**
 * What the RFC 7009 endpoint does with a classified request (request.ts): the answer for each kind, through the
 * revocation service for an access / ID token (200 only once read back) and Cognito's RevokeToken for a refresh token.
 */
import { json, type FunctionUrlResponse, oauthError } from '../library/function-url.js';
import type { RevocationContext } from '../revocation/context.js';
import { logout, type LogoutDeps } from '../revocation/logout.js';
import type { RevocationRequest } from './request.js';

const done = () => json(200, {}, { 'cache-control': 'no-store' });

export async function act(
  ctx: RevocationContext<LogoutDeps>,
  what: RevocationRequest,
  caller: string,
): Promise<FunctionUrlResponse> {
  const { logger } = ctx;
  switch (what.kind) {
    case 'invalid':
      return oauthError(400, what.error, what.message);
    case 'nothing':
      logger.info('token revocation: not a live token of this pool; nothing to do', {
        caller: caller,
      });
      return done();
    case 'refresh':
      try {
        await ctx.deps.tokens?.revokeRefreshToken(what.token, what.clientId);
        logger.info('token revocation: refresh token revoked at Cognito', { caller: caller });
        return done();
      } catch (error) {
        const name = error instanceof Error ? error.message.split(':')[0] : 'unknown';
        // An invalid or unknown refresh token is not an error (RFC 7009 §2.2); Cognito unreachable is.
        if (/unavailable|throttl|timeout/i.test(String((error as { kind?: string }).kind ?? ''))) {
          logger.warn('token revocation: Cognito unavailable', { caller: caller, error: name });
          return oauthError(503, 'temporarily_unavailable', 'Cognito could not be reached; retry');
        }
        logger.info('token revocation: Cognito refused the refresh token', {
          caller: caller,
          error: name,
        });
        return done();
      }
    case 'jwt': {
      const { facts } = what;
      const result = await logout(ctx, {
        actor: { kind: 'self-service', sub: facts.sub },
        evidence: { jti: facts.jti, exp: facts.expiresAt },
        everywhere: false,
        credentials: {},
      });
      logger.info('token revocation', { caller: caller, sub: facts.sub, ok: result.ok });
      if (result.ok) return done();
      return oauthError(503, 'temporarily_unavailable', 'the revocation could not be stored; retry');
    }
  }
}

/**
 * What the RFC 7009 endpoint does with a classified request (request.ts): the answer for each kind, through the
 * revocation service for an access / ID token (200 only once read back) and for a refresh token's whole family
 * (refresh.ts: the family entry, then Cognito's RevokeToken).
 */
import { json, type FunctionUrlResponse, oauthError } from '../library/function-url.js';
import type { RevocationContext } from '../revocation/context.js';
import { logout, type LogoutDeps } from '../revocation/logout.js';
import { type RefreshFamilyDoor, revokeRefreshFamily } from './refresh.js';
import type { RevocationRequest } from './request.js';

const done = () => json(200, {}, { 'cache-control': 'no-store' });

export async function act(
  ctx: RevocationContext<LogoutDeps>,
  door: RefreshFamilyDoor,
  what: RevocationRequest,
  caller: string,
  nowSeconds: number,
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
      return revokeRefreshFamily(
        ctx,
        door,
        { token: what.token, clientId: what.clientId, clientSecret: what.clientSecret },
        caller,
        nowSeconds,
      );
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

/**
 * RFC 7009 for a refresh token: revoke its whole refresh family, not only the refresh token at Cognito.
 *
 * The family id (`origin_jti`) that the access and ID tokens carry is inside Cognito's encrypted refresh token, so it
 * is learned from Cognito itself: `GetTokensFromRefreshToken` with the token and its app client's credentials mints
 * one access token of that family, verified here with the endpoint's own verifier (this pool, that app client). Then,
 * in this order:
 * 1. the family entry, through the revocation service's self-service logout (read back: in force, or 503) — written
 *    as for a family whose refresh token is still live, so it outlives anything the family can still mint;
 * 2. `RevokeToken` on the family's live refresh token handed back by rotation (if any), then on the submitted one.
 * Entry first: a crash or an outage between the two steps leaves the family's tokens refused at our APIs with the
 * refresh token alive at Cognito (a retry finishes the job), never the reverse — Cognito's refresh token dead while
 * the access tokens it issued keep passing until they expire, with no way left to learn their family.
 *
 * Answers: 200 `{"family_revoked":true}` once both are done; 200 `{}` with nothing written for a token Cognito does
 * not accept (invalid, expired, revoked, another client's: RFC 7009 §2.2); 200 `{"family_revoked":false}` when the
 * refresh token is revoked but its family cannot be named — Cognito's tokens carry no `origin_jti` (an app client
 * without token revocation), or Cognito revokes a token it would not mint from; 401 `invalid_client` when Cognito refuses the client secret;
 * 503 when Cognito is unreachable or the entry could not be proven in force. Never logs a token or a secret.
 */
import type { RefreshCredentials, RefreshTokens } from '../adapters/cognito/refresh-tokens.js';
import { type FunctionUrlResponse, json, oauthError } from '../library/function-url.js';
import type { RevocationContext } from '../revocation/context.js';
import { type LogoutDeps, logout } from '../revocation/logout.js';
import { tokenFactsFrom } from '../verification/claims.js';
import type { TokenVerifier } from '../verification/verifier.js';

export interface RefreshFamilyDoor {
  readonly refreshTokens: RefreshTokens;
  /** The endpoint's verifier: this pool, the app clients it serves. */
  readonly verifier: TokenVerifier;
  readonly sessionClaim: string;
}

const answer = (body: Record<string, unknown>) => json(200, body, { 'cache-control': 'no-store' });
const unavailable = (what: string) => oauthError(503, 'temporarily_unavailable', `${what}; retry`);
const badClient = () =>
  oauthError(401, 'invalid_client', "Cognito refused the token's app client credentials");

/** A refresh token revoked at Cognito whose family could not be named (no service operation runs to flush it). */
function countUnnamed(ctx: RevocationContext<LogoutDeps>): void {
  ctx.metrics.add('refresh_family_unidentified', 1);
  ctx.metrics.flush();
}

/** The family of a token Cognito just issued: its `sub` and `origin_jti` (absent without token revocation). */
async function familyOf(
  door: RefreshFamilyDoor,
  accessToken: string,
  clientId: string,
  nowSeconds: number,
): Promise<{ sub: string; originJti?: string | undefined } | undefined> {
  try {
    const claims = await door.verifier.verify(accessToken);
    if (claims.token_use !== 'access' || claims.client_id !== clientId) return undefined;
    const facts = tokenFactsFrom(claims, door.sessionClaim, nowSeconds);
    return facts ? { sub: facts.sub, originJti: facts.originJti } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Cognito would not mint from the token (invalid, expired, revoked — or a refresh it refuses for another reason, such
 * as a device key it requires): its family cannot be named, but the token itself is still revoked if Cognito
 * accepts that, so whatever Cognito can still stop, it stops. 200 `{}` when Cognito refuses that too (RFC 7009 §2.2).
 */
async function revokeUnnamed(
  ctx: RevocationContext<LogoutDeps>,
  door: RefreshFamilyDoor,
  credentials: RefreshCredentials,
  caller: string,
): Promise<FunctionUrlResponse> {
  const revoked = await door.refreshTokens.revoke(credentials);
  if (revoked.outcome === 'unavailable') return unavailable('Cognito could not be reached');
  if (revoked.outcome === 'bad_client') return badClient();
  if (revoked.outcome === 'refused') return answer({});
  ctx.logger.warn('token revocation: refresh token revoked at Cognito; its family could not be named', {
    caller,
  });
  countUnnamed(ctx);
  return answer({ family_revoked: false });
}

export async function revokeRefreshFamily(
  ctx: RevocationContext<LogoutDeps>,
  door: RefreshFamilyDoor,
  credentials: RefreshCredentials,
  caller: string,
  nowSeconds: number,
): Promise<FunctionUrlResponse> {
  const { logger } = ctx;
  const probe = await door.refreshTokens.probe(credentials);
  if (probe.outcome !== 'issued') {
    logger.info('token revocation: the refresh family could not be learned from Cognito', {
      caller,
      outcome: probe.outcome,
      error: probe.error,
    });
    if (probe.outcome === 'refused') return revokeUnnamed(ctx, door, credentials, caller);
    if (probe.outcome === 'bad_client') return badClient();
    return unavailable('Cognito could not be reached');
  }
  const rotated = probe.rotatedRefreshToken
    ? { ...credentials, token: probe.rotatedRefreshToken }
    : undefined;
  // The rotated refresh token exists only in this invocation: whatever happens next, nobody may keep it alive.
  const dropRotated = async () => {
    if (rotated) await door.refreshTokens.revoke(rotated);
  };
  const family = await familyOf(door, probe.accessToken, credentials.clientId, nowSeconds);
  if (!family) {
    await dropRotated();
    logger.warn('token revocation: the token Cognito issued could not be verified', { caller });
    return unavailable('the refresh family could not be verified');
  }
  if (family.originJti) {
    const result = await logout(ctx, {
      actor: { kind: 'self-service', sub: family.sub },
      evidence: { originJti: family.originJti },
      everywhere: false,
      credentials: {},
    });
    if (!result.ok) {
      await dropRotated();
      logger.warn('token revocation: the refresh family entry is not in force', {
        caller,
        sub: family.sub,
        originJti: family.originJti,
      });
      return unavailable('the revocation could not be stored');
    }
  }
  for (const c of rotated ? [rotated, credentials] : [credentials]) {
    const revoked = await door.refreshTokens.revoke(c);
    // Already revoked or rotated out meanwhile: that token is dead, which is what was asked.
    if (revoked.outcome === 'unavailable' || revoked.outcome === 'bad_client') {
      logger.warn('token revocation: RevokeToken failed', { caller, sub: family.sub, error: revoked.error });
      return unavailable('Cognito could not revoke the refresh token');
    }
  }
  if (!family.originJti) countUnnamed(ctx);
  logger.info('token revocation: refresh token revoked at Cognito', {
    caller,
    sub: family.sub,
    familyRevoked: family.originJti !== undefined,
    ...(family.originJti ? { originJti: family.originJti } : {}),
    rotated: rotated !== undefined,
  });
  return answer({ family_revoked: family.originJti !== undefined });
}

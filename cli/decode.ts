/**
 * Reads the ids out of a JWT *without verifying it*: the admin function is asked only whether the table revokes
 * these ids, never whether the token is genuine. The token itself is never printed, logged or sent.
 */
export interface DecodedIds {
  readonly sub: string;
  readonly iat: number;
  readonly authTime?: number;
  readonly exp?: number;
  readonly jti?: string;
  readonly originJti?: string;
  readonly sessionId?: string;
  /** Informational, shown to the admin. */
  readonly tokenUse?: string;
  readonly clientId?: string;
  readonly username?: string;
}

export class TokenDecodeError extends Error {
  override readonly name = 'TokenDecodeError';
}

const str = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : undefined);
const int = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) ? v : undefined);

export function decodeTokenIds(token: string, sessionClaim: string): DecodedIds {
  const trimmed = token.trim().replace(/^bearer\s+/i, '');
  const parts = trimmed.split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p)) || !parts[1]) {
    throw new TokenDecodeError('that is not a JWT (expected three base64url parts separated by dots)');
  }
  let payload: Record<string, unknown>;
  try {
    payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    throw new TokenDecodeError('the JWT payload is not JSON');
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new TokenDecodeError('the JWT payload is not a JSON object');
  }
  const sub = str(payload.sub);
  const iat = int(payload.iat);
  if (!sub) throw new TokenDecodeError('the token has no "sub" claim');
  if (iat === undefined) throw new TokenDecodeError('the token has no numeric "iat" claim');
  return {
    sub,
    iat,
    authTime: int(payload.auth_time),
    exp: int(payload.exp),
    jti: str(payload.jti),
    originJti: str(payload.origin_jti),
    sessionId: str(payload[sessionClaim]),
    tokenUse: str(payload.token_use),
    clientId: str(payload.client_id) ?? str(payload.aud),
    username: str(payload['cognito:username']) ?? str(payload.username),
  };
}

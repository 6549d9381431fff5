/** One issuance of tokens, recorded by the token trigger (Cognito itself keeps no list of sessions). */
export interface SessionRecord {
  readonly sub: string;
  readonly username: string;
  /** The id the trigger minted and injected as the session claim. */
  readonly sessionId: string;
  readonly clientId: string;
  /** Cognito's trigger source, e.g. `TokenGeneration_Authentication`, `TokenGeneration_RefreshTokens`. */
  readonly triggerSource: string;
  /** Epoch seconds. */
  readonly issuedAt: number;
  /** Epoch seconds; see `sessionRecordExpiry`. */
  readonly expiresAt: number;
  /** Set when a signout marked the record revoked (epoch seconds); audit only, the authorizer never reads it. */
  readonly revokedAt?: number | undefined;
  readonly actor?: string | undefined;
  readonly reason?: string | undefined;
}

export type SessionState = 'active' | 'revoked' | 'expired';

/**
 * The revocation-aware verifier for Node services (ECS, EKS, EC2, behind an ALB or any gateway): what the Lambda
 * authorizer does, as a library — aws-jwt-verify (behind the strict shape check), the revoked-verdict memory, ONE
 * `Query` of the user's revocations (or the staleness cache in front of it), the core's `decide` — with typed
 * refusals instead of API Gateway responses. The authorizer's modules are used as they are; only the event shapes
 * and the answer differ.
 *
 * Refusals: aws-jwt-verify's own errors unchanged (expired, wrong client, bad signature, …); `TokenRevokedError`
 * (with the scope that revoked); `RevocationStoreUnavailableError` when the store failed and the fail mode refused;
 * `TokenClaimsError` for a verified token whose claims the check cannot use.
 */
import { FAIL_OPEN_KINDS } from '../verification/fail-open.js';
import { authContextFrom, tokenFactsFrom, tokenUseOf } from '../verification/claims.js';
import type { AuthContext } from '../verification/claims.js';
import { createRevokedMemory } from '../verification/revoked-memory.js';
import { type Claims, createCognitoVerifier, type TokenVerifier } from '../verification/verifier.js';
import { StoreError } from '../core/ports.js';
import { decide, type RevocationEntry } from '../core/revocation.js';
import type { TokenFacts } from '../core/token.js';
import { type CredentialProvider, credentialHolder } from './credentials.js';
import { RevocationStoreUnavailableError, TokenClaimsError, TokenRevokedError } from './errors.js';
import { resolveOptions, type RevocationVerifierOptions } from './options.js';
import { createLibraryStore, type InjectedStore } from './store.js';

export interface VerifiedToken {
  /** The verified claims, as aws-jwt-verify returned them. */
  readonly claims: Claims;
  readonly sub: string;
  readonly tokenUse: 'id' | 'access' | 'unknown';
  /** The authorizer's context (strings): sub, username, groups, scopes, clientId, tokenUse, sessionId, ids, exp. */
  readonly context: AuthContext;
  /**
   * Set when the store failed with an outage and fail mode `open` accepted the token unchecked: its kind
   * (`timeout` or `unavailable`). Log it, alarm on it.
   */
  readonly failOpen?: string;
}

/** Counters since the verifier was built (for metrics and the benchmark). */
export interface VerifierStats {
  readonly decisions: number;
  /** Round trips to DynamoDB (revocation reads and hint polls, each attempt). */
  readonly storeRoundTrips: number;
  readonly cacheHits: number;
  readonly revokedFromMemory: number;
}

export interface RevocationVerifier {
  /** Resolves with the verified token, or rejects with one of the refusals above. */
  verify(token: string): Promise<VerifiedToken>;
  stats(): VerifierStats;
  /** Closes idle keep-alive sockets (at shutdown). */
  close(): void;
}

/** The parts tests and the ALB helper may supply (a verifier built elsewhere, a reader); internal. */
export interface VerifierParts {
  readonly tokenVerifier?: TokenVerifier;
  readonly env?: NodeJS.ProcessEnv;
  /** A blocklist reader to use instead of DynamoDB (benchmarks, in-process stand-ins). */
  readonly reader?: InjectedStore['reader'];
  /** Revocation hints to poll instead of DynamoDB's (staleness mode; benchmarks). */
  readonly hints?: InjectedStore['hints'];
}

/**
 * The answer, written out as one object literal per shape: building it by spreading a shared base object cost
 * ~1.3 µs per decision (3 % of a bare verify(); bench/library.bench.ts), and `failOpen` stays absent, not
 * undefined, on an ordinary allow.
 */
function verified(claims: Claims, facts: TokenFacts, failOpen?: string): VerifiedToken {
  const tokenUse = tokenUseOf(claims) as VerifiedToken['tokenUse'];
  const context = authContextFrom(claims, facts);
  return failOpen === undefined
    ? { claims, sub: facts.sub, tokenUse, context }
    : { claims, sub: facts.sub, tokenUse, context, failOpen };
}

/**
 * The verifier with the credentials given (the package's `createRevocationVerifier`, create.ts, adds the SDK's
 * default chain; the Lambda endpoints hand the runtime's variables and so do not bundle the chain).
 */
export function buildRevocationVerifier(
  options: RevocationVerifierOptions & { readonly credentials: CredentialProvider },
  parts: VerifierParts = {},
): RevocationVerifier {
  const { config, region, endpoint } = resolveOptions(options, parts.env ?? process.env);
  const clock = options.clock ?? Date.now;
  const counts = { decisions: 0, storeRoundTrips: 0, cacheHits: 0, revokedFromMemory: 0 };
  const holder = credentialHolder(options.credentials, clock);
  const store = createLibraryStore(
    config,
    { region, endpoint },
    holder,
    clock,
    {
      onRoundTrip: () => counts.storeRoundTrips++,
      onCacheHit: () => counts.cacheHits++,
    },
    parts,
  );
  const verifier = parts.tokenVerifier ?? createCognitoVerifier(config);
  const memory = createRevokedMemory();

  const reader = store.reader;
  const { sessionClaim, failMode } = config;

  async function verify(token: string): Promise<VerifiedToken> {
    // aws-jwt-verify's errors (and the strict shape check's JwtParseError) propagate as they are.
    const claims = await verifier.verify(token);
    counts.decisions++;
    const nowSeconds = Math.floor(clock() / 1000);
    const facts = tokenFactsFrom(claims, sessionClaim, nowSeconds);
    if (!facts) throw new TokenClaimsError();
    const known = memory.revoking(facts, nowSeconds);
    if (known) {
      counts.revokedFromMemory++;
      throw new TokenRevokedError(known.scope, facts.sub);
    }
    let entries: RevocationEntry[];
    try {
      entries = await reader.readUser(facts.sub);
    } catch (error) {
      const kind = error instanceof StoreError ? error.kind : 'unknown';
      if (failMode === 'open' && FAIL_OPEN_KINDS.has(kind)) return verified(claims, facts, kind);
      throw new RevocationStoreUnavailableError(kind, failMode, { cause: error });
    }
    // The decision's own time is after the read (an entry that expired meanwhile no longer counts).
    const now = Math.floor(clock() / 1000);
    const decision = decide(facts, entries, now);
    if (decision.revoked) {
      memory.remember(decision.entry, now);
      throw new TokenRevokedError(decision.scope, facts.sub);
    }
    return verified(claims, facts);
  }

  return { verify, stats: () => ({ ...counts }), close: store.close };
}

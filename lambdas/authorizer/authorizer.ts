/**
 * The authorizer: parse the event → verify the token → revoked-verdict memory → one blocklist read of the user's
 * partition → decide → shape the response.
 * Built once per container from injected dependencies (`createAuthorizer`), so tests pass real local services or
 * in-memory ones. Every decision is counted in the container's EMF metrics; denies, errors and a sample of allows
 * also write a log line (decision-record.ts); neither ever holds a token or a header.
 */
import { type RevocationReader, StoreError } from '../core/ports.js';
import { decide, type RevocationEntry, type RevocationScope } from '../core/revocation.js';
import { FAIL_OPEN_KINDS } from '../verification/fail-open.js';
import { authContextFrom, tokenFactsFrom, tokenUseOf } from '../verification/claims.js';
import type { AuthorizerConfig } from '../verification/config.js';
import type { DecisionRecorder } from './decision-record.js';
import { type AuthorizerRequest, parseAuthorizerEvent } from './events.js';
import { createRevokedMemory, type RevokedMemory } from '../verification/revoked-memory.js';
import { allowResponse, type AuthContext, denyResponse, type Shaping } from './responses.js';
import { rejectionReason, type TokenRejection, type TokenVerifier } from '../verification/verifier.js';

export type DecisionReason =
  | 'valid'
  | 'fail_open'
  | 'revoked'
  | 'store_error'
  | 'missing_token'
  | 'unrecognised_event'
  | 'config_error'
  | 'internal_error'
  | TokenRejection;

export interface Outcome {
  readonly allow: boolean;
  readonly reason: DecisionReason;
  readonly scope?: RevocationScope | undefined;
  readonly sub?: string | undefined;
  readonly tokenUse?: string | undefined;
  readonly storeMs?: number | undefined;
  readonly errorKind?: string | undefined;
  readonly context?: AuthContext | undefined;
}

export interface AuthorizerDeps {
  readonly config: AuthorizerConfig;
  readonly reader: RevocationReader;
  readonly verifier: TokenVerifier;
  /** Revoked-verdict memory (revoked-memory.ts); one per container by default. */
  readonly revokedMemory?: RevokedMemory;
  /** Counts every decision and writes its log line when it is logged; see decision-record.ts. */
  readonly recorder: DecisionRecorder;
  /** Epoch milliseconds; defaults to `Date.now`. */
  readonly clock?: () => number;
}

export type Authorizer = (event: unknown) => Promise<unknown>;

interface Prefetch {
  readonly sub: string;
  readonly started: number;
  readonly answer: Promise<{ entries: RevocationEntry[] } | { error: unknown }>;
}

/** Records the decision (metrics, and a log line when logged) and answers in the event's own shape. */
export function answer(
  recorder: DecisionRecorder,
  shaping: Shaping,
  outcome: Outcome,
  startedAt: number,
): unknown {
  let response: unknown;
  let final = outcome;
  if (outcome.allow) {
    response = allowResponse(shaping, outcome.sub ?? '', outcome.context ?? {});
    // An event we could verify a token for but cannot answer with an allow (e.g. a malformed methodArn).
    if (response === undefined) final = { ...outcome, allow: false, reason: 'unrecognised_event' };
  }
  // A failing stdout must not change the answer (nor turn a REST deny into a 500).
  try {
    recordDecision(recorder, shaping, final, startedAt);
  } catch {
    // nothing sensible left to log to
  }
  return final.allow ? response : denyResponse(shaping);
}

function recordDecision(
  recorder: DecisionRecorder,
  shaping: Shaping,
  final: Outcome,
  startedAt: number,
): void {
  const warn =
    final.reason === 'fail_open' || final.reason === 'store_error' || final.reason === 'internal_error';
  recorder.record({
    decision: final.allow ? 'allow' : 'deny',
    reason: final.reason,
    scope: final.scope,
    eventKind: shaping.kind,
    tokenUse: final.tokenUse,
    sub: final.sub,
    latencyMs: performance.now() - startedAt,
    storeMs: final.storeMs,
    errorKind: final.errorKind,
    level: warn ? 'warn' : 'info',
  });
}

export function createAuthorizer(deps: AuthorizerDeps): Authorizer {
  const { config, reader, verifier } = deps;
  const clock = deps.clock ?? Date.now;
  const memory = deps.revokedMemory ?? createRevokedMemory();

  let firstUse = true;

  /**
   * Cold start only (the container's first request): the JWKS download and the blocklist lookup would run one
   * after the other, each with its own connection set-up. For that one request the lookup starts concurrently,
   * for the `sub` read from the not-yet-verified payload — only when that payload already looks like an acceptable,
   * unexpired token of this pool and client. Its answer is used only if the VERIFIED claims name the same user
   * (they do whenever verification succeeds: same bytes); otherwise the normal lookup runs. At most one
   * speculative read per container, so a flood of forged tokens cannot turn into reads.
   */
  function prefetchOnFirstUse(token: string): Prefetch | undefined {
    if (!firstUse) return undefined;
    firstUse = false;
    const now = Math.floor(clock() / 1000);
    let claims: Record<string, unknown>;
    try {
      const payload = token.split('.')[1];
      if (payload === undefined) return undefined;
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    } catch {
      return undefined;
    }
    if (claims === null || typeof claims !== 'object') return undefined;
    const client = claims.token_use === 'access' ? claims.client_id : claims.aud;
    const plausible =
      typeof claims.iss === 'string' &&
      claims.iss.endsWith(`/${config.userPoolId}`) &&
      typeof client === 'string' &&
      config.clientIds.includes(client) &&
      typeof claims.exp === 'number' &&
      claims.exp > now &&
      (config.tokenUse === 'any' || claims.token_use === config.tokenUse);
    const facts = plausible ? tokenFactsFrom(claims, config.sessionClaim, now) : undefined;
    if (!facts) return undefined;
    const sub = facts.sub;
    const started = performance.now();
    let answer: Prefetch['answer'];
    try {
      answer = reader.readUser(sub).then(
        (entries) => ({ entries }),
        (error: unknown) => ({ error }),
      );
    } catch (error) {
      answer = Promise.resolve({ error });
    }
    return { sub, started, answer };
  }

  async function evaluate(request: AuthorizerRequest): Promise<Outcome> {
    const { token, kind } = request;
    if (kind === 'unknown') return { allow: false, reason: 'unrecognised_event' };
    if (token === undefined)
      return { allow: false, reason: request.malformed ? 'malformed_token' : 'missing_token' };
    const prefetch = prefetchOnFirstUse(token);
    let claims: Awaited<ReturnType<TokenVerifier['verify']>>;
    try {
      claims = await verifier.verify(token);
    } catch (error) {
      return { allow: false, reason: rejectionReason(error) };
    }
    const tokenUse = tokenUseOf(claims);
    const facts = tokenFactsFrom(claims, config.sessionClaim, Math.floor(clock() / 1000));
    if (!facts) return { allow: false, reason: 'invalid_claims', tokenUse };
    // Outcomes are written out as literals, not spread from a shared base: an object spread here cost ~10 µs per
    // decision (a third of a bare verify(); measured with bench/profile-decision.ts and npm run bench authorizer).
    const sub = facts.sub;
    // A token this container already saw revoked: denied with no read until the revoking entry's own expiry.
    const known = memory.revoking(facts, Math.floor(clock() / 1000));
    if (known) {
      deps.recorder.count('RevokedFromMemory');
      return { sub, tokenUse, allow: false, reason: 'revoked', scope: known.scope };
    }
    const usePrefetch = prefetch !== undefined && prefetch.sub === facts.sub;
    const storeStarted = usePrefetch ? prefetch.started : performance.now();
    let entries: RevocationEntry[];
    try {
      if (usePrefetch) {
        const settled = await prefetch.answer;
        if ('error' in settled) throw settled.error;
        entries = settled.entries;
      } else {
        entries = await reader.readUser(facts.sub);
      }
    } catch (error) {
      const storeMs = performance.now() - storeStarted;
      const errorKind = error instanceof StoreError ? error.kind : 'unknown';
      if (config.failMode === 'open' && FAIL_OPEN_KINDS.has(errorKind)) {
        return {
          sub,
          tokenUse,
          allow: true,
          reason: 'fail_open',
          storeMs,
          errorKind,
          context: authContextFrom(claims, facts),
        };
      }
      return { sub, tokenUse, allow: false, reason: 'store_error', storeMs, errorKind };
    }
    const storeMs = performance.now() - storeStarted;
    const nowSeconds = Math.floor(clock() / 1000);
    const decision = decide(facts, entries, nowSeconds);
    if (decision.revoked) {
      memory.remember(decision.entry, nowSeconds);
      return { sub, tokenUse, allow: false, reason: 'revoked', scope: decision.scope, storeMs };
    }
    return {
      sub,
      tokenUse,
      allow: true,
      reason: 'valid',
      storeMs,
      context: authContextFrom(claims, facts),
    };
  }

  return async function authorize(event: unknown): Promise<unknown> {
    const startedAt = performance.now();
    const request = parseAuthorizerEvent(event);
    const shaping: Shaping = {
      kind: request.kind,
      restStyle: request.restStyle,
      arn: request.arn,
      httpApiResponseMode: config.httpApiResponseMode,
      // AppSync caches an allow for this long: the staleness bound (0 in exact mode). docs/caching.md#appsync
      appSyncAllowTtlSeconds: config.stalenessSeconds,
    };
    let outcome: Outcome;
    try {
      outcome = await evaluate(request);
    } catch {
      outcome = { allow: false, reason: 'internal_error' };
    }
    return answer(deps.recorder, shaping, outcome, startedAt);
  };
}

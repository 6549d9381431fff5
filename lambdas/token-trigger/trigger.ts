/**
 * The token trigger's logic, independent of how its dependencies are built (the handler builds them once per
 * container; tests pass real local services).
 *
 * At each issuance: mint a session id, inject it as the session claim, and record the session with a TTL that never
 * undercuts the tokens' lifetime. The store being down or slow never breaks sign-in: the claim is injected anyway,
 * the failure is logged and counted, and the trigger returns within `storeTimeoutMs`.
 */
import { type LifetimePolicy, sessionRecordExpiry } from '../core/lifetime.js';
import { mintTimedSessionId } from '../core/session-id.js';
import { type SessionInventory, StoreError } from '../core/ports.js';
import type { SessionRecord } from '../core/session.js';
import type { Logger, Metrics } from '../adapters/observability.js';
import { classifyEvent, injectSessionClaim, type TriggerEvent } from './events.js';

/**
 * A time-ordered session id (lambdas/core/session-id.ts): this function's clock reading at issuance in 12 hex
 * digits, then 128 random bits in 32 — unguessable, a valid blocklist id, and safe to paste into a shell or a CLI
 * argument (base64url ids can start with `-`, which argument parsers read as an option). The time lets a user
 * watermark revoke the session's tokens by a Lambda clock rather than Cognito's `iat`, so a signout needs no
 * explicit entry per recent session.
 */
export function mintSessionId(nowMs: number = Date.now()): string {
  return mintTimedSessionId(Math.floor(nowMs));
}

export interface TokenTriggerDeps {
  readonly inventory: SessionInventory;
  readonly claim: string;
  readonly policy: LifetimePolicy;
  /** Deadline for recording a session; sign-in proceeds when it passes. */
  readonly storeTimeoutMs: number;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Epoch milliseconds (injectable for tests). */
  readonly now?: () => number;
  /** Mints the session id for an issuance at the given epoch milliseconds (the trigger's clock). */
  readonly mintSessionId?: (nowMs: number) => string;
}

export type TokenTrigger = (event: unknown) => Promise<unknown>;

type Outcome = { ok: true } | { ok: false; kind: string; message: string };

/** Runs `work` with an abort signal that fires after `ms`; resolves with its outcome, never later than ~`ms`. */
async function withDeadline(ms: number, work: (signal: AbortSignal) => Promise<void>): Promise<Outcome> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<Outcome>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve({ ok: false, kind: 'timeout', message: `no answer within ${ms} ms` });
    }, ms);
  });
  const attempt = work(controller.signal).then(
    (): Outcome => ({ ok: true }),
    (error: unknown): Outcome => ({
      ok: false,
      kind: controller.signal.aborted ? 'timeout' : error instanceof StoreError ? error.kind : 'unknown',
      message: error instanceof Error ? error.message : String(error),
    }),
  );
  try {
    return await Promise.race([attempt, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

export function createTokenTrigger(deps: TokenTriggerDeps): TokenTrigger {
  const now = deps.now ?? Date.now;
  const mint = deps.mintSessionId ?? mintSessionId;
  const { logger, metrics } = deps;

  return async function tokenTrigger(event: unknown): Promise<unknown> {
    const classified = classifyEvent(event);
    try {
      if (classified.kind === 'passthrough') {
        metrics.add('trigger_passthrough', 1);
        logger.info('event passed through unchanged', {
          reason: classified.reason,
          triggerSource: classified.triggerSource,
        });
        return event;
      }
      if (classified.kind === 'post-auth') {
        metrics.add('sign_in', 1);
        // The audit record of a sign-in (CloudWatch Logs): who, which client, when. No token, no attribute values.
        logger.info('sign-in', {
          audit: true,
          event: 'sign_in',
          sub: classified.sub,
          username: classified.username,
          clientId: classified.clientId,
          triggerSource: classified.triggerSource,
          newDeviceUsed: classified.newDeviceUsed,
        });
        return event;
      }
      const started = now();
      // The id carries `started`, the same reading as the record's `issuedAt`: a signout that lists the record
      // knows the watermark revokes its tokens without a per-session entry.
      const sessionId = mint(started);
      const issuedAt = Math.floor(started / 1000);
      const session: SessionRecord = {
        sub: classified.sub,
        username: classified.username,
        sessionId,
        clientId: classified.clientId,
        triggerSource: classified.triggerSource,
        issuedAt,
        expiresAt: sessionRecordExpiry(issuedAt, deps.policy),
      };
      const response = injectSessionClaim(event as TriggerEvent, classified.format, deps.claim, sessionId);
      const outcome = await withDeadline(deps.storeTimeoutMs, (signal) =>
        deps.inventory.record(session, { signal }),
      );
      metrics.add('record_ms', now() - started, 'Milliseconds');
      if (outcome.ok) {
        metrics.add('session_recorded', 1);
        logger.info('session recorded', {
          audit: true,
          event: 'session_issued',
          sub: session.sub,
          username: session.username,
          sessionId,
          clientId: session.clientId,
          triggerSource: session.triggerSource,
          expiresAt: session.expiresAt,
        });
      } else {
        metrics.add('session_record_failed', 1);
        if (outcome.kind === 'timeout') metrics.add('store_timeout', 1);
        // The claim is injected anyway: the token still carries a session id the admin can revoke by id.
        logger.error('session not recorded; claim injected anyway', {
          failure: outcome.kind,
          error: outcome.message,
          sub: session.sub,
          sessionId,
          clientId: session.clientId,
          triggerSource: session.triggerSource,
        });
      }
      return response;
    } catch (error) {
      // Never break sign-in on a bug: return the event as Cognito sent it.
      metrics.add('trigger_error', 1);
      logger.error('unexpected error; event passed through unchanged', { error });
      return event;
    } finally {
      metrics.flush({
        triggerSource: classified.kind === 'passthrough' ? 'other' : classified.triggerSource,
      });
    }
  };
}

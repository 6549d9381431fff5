/**
 * What a verified Security Event Token (RFC 8417) asks, per the Shared Signals Framework 1.0 with the CAEP and RISC
 * event types: exactly one event; its subject in the SET's `sub_id` (SSF 1.0) or, as earlier CAEP/RISC drafts put
 * it, in the event's `subject`; refused when it is too old, from the future or of a type this receiver does not act
 * on. Every event acted on revokes the user everywhere (see docs/shared-signals.md for why `session-revoked` does too).
 */
import { type ParsedSubject, parseSubject, SubjectError } from '../identity-provider/subject.js';
import type { VerifiedPayload } from '../identity-provider/verifier.js';

const CAEP = 'https://schemas.openid.net/secevent/caep/event-type/';
const RISC = 'https://schemas.openid.net/secevent/risc/event-type/';
export const VERIFICATION_EVENT = 'https://schemas.openid.net/secevent/ssf/event-type/verification';

/** The event types acted on, each with the reason recorded on the revocation. */
export const REVOKING_EVENTS: Readonly<Record<string, string>> = {
  [`${CAEP}session-revoked`]: 'CAEP session-revoked',
  [`${CAEP}credential-change`]: 'CAEP credential-change',
  [`${RISC}account-disabled`]: 'RISC account-disabled',
  [`${RISC}account-purged`]: 'RISC account-purged',
  [`${RISC}credential-compromise`]: 'RISC credential-compromise',
};

const MAX_JTI = 256;
/** Seconds a SET's `iat` may be ahead of this function's clock. */
const FUTURE_SKEW = 60;

export type SetRequest =
  | { readonly kind: 'verification'; readonly jti: string; readonly iat: number }
  | {
      readonly kind: 'revoke';
      readonly jti: string;
      readonly iat: number;
      readonly eventType: string;
      readonly reason: string;
      readonly subject: ParsedSubject;
    };

/** A SET that verified but cannot be acted on: answered 400 `invalid_request` with this description. */
export class SetError extends Error {
  override readonly name = 'SetError';
}

export function readSet(payload: VerifiedPayload, now: number, maxAgeSeconds: number): SetRequest {
  const { jti, iat } = payload;
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > MAX_JTI)
    throw new SetError(`the SET needs a "jti" of 1 to ${MAX_JTI} characters`);
  if (typeof iat !== 'number' || !Number.isFinite(iat)) throw new SetError('the SET needs an "iat"');
  if (iat > now + FUTURE_SKEW) throw new SetError('the SET was issued in the future');
  if (iat < now - maxAgeSeconds) throw new SetError(`the SET is older than ${maxAgeSeconds} seconds`);
  const events = payload.events;
  if (!events || typeof events !== 'object' || Array.isArray(events))
    throw new SetError('the SET has no "events" object');
  const types = Object.keys(events);
  if (types.length !== 1) throw new SetError('a SET must carry exactly one event');
  const eventType = types[0] as string;
  if (eventType === VERIFICATION_EVENT) return { kind: 'verification', jti, iat };
  const reason = REVOKING_EVENTS[eventType];
  if (!reason) throw new SetError('unsupported event type');
  const event = (events as Record<string, unknown>)[eventType];
  const subjectValue = payload.sub_id ?? (event as { subject?: unknown } | null)?.subject;
  if (subjectValue === undefined) throw new SetError('the SET names no subject ("sub_id")');
  try {
    return { kind: 'revoke', jti, iat, eventType, reason, subject: parseSubject(subjectValue) };
  } catch (error) {
    if (error instanceof SubjectError) throw new SetError(error.message);
    throw error;
  }
}

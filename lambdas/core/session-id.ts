/**
 * Time-ordered session ids: the token trigger's clock reading at issuance, then 128 random bits.
 *
 *   <12 lowercase hex: epoch milliseconds when the trigger ran><32 lowercase hex: 128 random bits>   (44 chars)
 *
 * Why the time: "sign out everywhere" writes a watermark from the admin function's clock, and a token's `iat` /
 * `auth_time` come from Cognito's, which may run ahead by the configured skew — so a token minted just before a
 * signout can carry an `iat` after the watermark. The session id's time comes from a Lambda clock, as the
 * watermark does: comparing the two leaves only the two Lambda clocks' synchronisation error, and a signout no
 * longer needs an explicit entry per recent session for the tokens that carry the claim (docs/table-schema.md).
 *
 * Unguessable as before: the random part is the same 128 bits the ids had without a time. Lowercase hex only, so
 * the id stays a valid blocklist key and safe to paste into a shell (no leading `-`).
 *
 * Parsed strictly: anything but exactly 44 lowercase hex characters (an id minted before this format, a claim
 * from elsewhere) has no time, and its token is treated like a token without the claim. The time can only add a
 * revocation, never lift one: the watermark still revokes by `auth_time` / `iat` as before.
 */
import { randomBytes } from 'node:crypto';

const TIMED_SESSION_ID = /^[0-9a-f]{44}$/;
const TIME_DIGITS = 12;

/** Mints a session id for an issuance at `nowMs` (epoch milliseconds of the trigger's clock). */
export function mintTimedSessionId(nowMs: number, random: Buffer = randomBytes(16)): string {
  if (!Number.isSafeInteger(nowMs) || nowMs < 0 || nowMs >= 16 ** TIME_DIGITS) {
    throw new RangeError(`session id time must be epoch milliseconds; got ${nowMs}`);
  }
  if (random.length !== 16) throw new RangeError('a session id needs 16 random bytes');
  return `${nowMs.toString(16).padStart(TIME_DIGITS, '0')}${random.toString('hex')}`;
}

/** The issue time (epoch milliseconds) carried by a time-ordered session id, or undefined for any other value. */
export function sessionIssuedAtMs(id: unknown): number | undefined {
  if (typeof id !== 'string' || id.length !== 44 || !TIMED_SESSION_ID.test(id)) return undefined;
  return Number.parseInt(id.slice(0, TIME_DIGITS), 16);
}

/** The issue time in whole epoch seconds (rounded down, as every clock reading here is), or undefined. */
export function sessionIssuedAtSeconds(id: unknown): number | undefined {
  const ms = sessionIssuedAtMs(id);
  return ms === undefined ? undefined : Math.floor(ms / 1000);
}

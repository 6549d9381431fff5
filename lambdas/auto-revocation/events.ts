/**
 * The events the automatic-revocation function receives, parsed into what to do. Pure: no AWS import.
 *
 * 1. Cognito API calls recorded by CloudTrail and delivered by EventBridge (`detail-type` "AWS API Call via
 *    CloudTrail", `source` "aws.cognito-idp", `detail` = the CloudTrail record). Which user the call was about is
 *    taken ONLY from what the record carries:
 *    - `additionalEventData.sub` (or `userSub`): AWS states that "Amazon Cognito records UserSub but not UserName in
 *      CloudTrail logs for requests that are specific to a user" (Cognito developer guide, "Amazon Cognito
 *      information in CloudTrail"). The published page does not show where in the record; `additionalEventData`
 *      is where Cognito puts its own fields in the published examples (`userPoolId`, and `sub` in `Confirm_POST`).
 *      UNVERIFIED without an AWS account: that admin calls put it at `additionalEventData.sub`.
 *    - `requestParameters.username`, only when it is not replaced by Cognito's redaction marker
 *      (`HIDDEN_FOR_SECURITY_REASONS`, or `HIDDEN_DUE_TO_SECURITY_REASONS` in older records).
 *    When neither is there the user is *hidden*: nothing is guessed; the scheduled sweep covers the case.
 * 2. The scheduled sweep: an EventBridge "Scheduled Event" (`source` "aws.events"), or `{ "operation": "sweep" }`
 *    (optionally with `"batchSize"`: users per step, 1–60).
 *
 * Anything else — another pool, a call that failed (`errorCode`), an event name not enabled in `REVOKE_ON`, a
 * malformed record — is `ignored` or `invalid` with a reason; never a revocation of a user the event does not name.
 */
import { hasSubShape } from '../core/directory.js';
import { isValidId } from '../core/token.js';

/** What Cognito's own sign-out state is after the recorded call, and so what the revocation must still do. */
export type CognitoSignOut =
  /** Refresh tokens may still be valid: call AdminUserGlobalSignOut. */
  | 'call'
  /** The recorded call was itself a global sign-out: do not call it again. */
  | 'done'
  /** The user no longer exists: nothing to sign out at Cognito, refresh tokens died with the user. */
  | 'gone';

/**
 * The Cognito API calls that revoke a user's access, and why. Default set: the first five, which every pool
 * wants; the others are opt-in through `revoke_on`.
 */
export const REVOKING_EVENTS = {
  /** A disabled user cannot sign in or refresh; tokens already issued must stop too. */
  AdminDisableUser: 'call',
  /** The account is gone; its tokens must stop. */
  AdminDeleteUser: 'gone',
  /** An admin reset means "this password is no longer trusted": end every session made with it. */
  AdminResetUserPassword: 'call',
  /** Same as a reset when an admin sets a new password. */
  AdminSetUserPassword: 'call',
  /** Sign-out everywhere done outside this module (console, CLI): Cognito ended the refresh tokens, not the JWTs. */
  AdminUserGlobalSignOut: 'done',
  /** Tokens carry `cognito:groups`: removing a user from a group must not leave older tokens with that group. */
  AdminRemoveUserFromGroup: 'call',
  /** The user's own "sign out everywhere" (GlobalSignOut with their access token). */
  GlobalSignOut: 'done',
  /** The user deleted their own account. */
  DeleteUser: 'gone',
  /** The user changed their password (the usual response to "someone may know it"). */
  ChangePassword: 'call',
  /** The user reset a forgotten password. */
  ConfirmForgotPassword: 'call',
} as const satisfies Record<string, CognitoSignOut>;

export type RevokingEventName = keyof typeof REVOKING_EVENTS;
export const REVOKING_EVENT_NAMES = Object.keys(REVOKING_EVENTS) as RevokingEventName[];
export const DEFAULT_REVOKE_ON: readonly RevokingEventName[] = [
  'AdminDisableUser',
  'AdminDeleteUser',
  'AdminResetUserPassword',
  'AdminSetUserPassword',
  'AdminUserGlobalSignOut',
];

/** Cognito's redaction markers in CloudTrail records (current and older spelling). */
export const REDACTION_MARKERS: readonly string[] = [
  'HIDDEN_FOR_SECURITY_REASONS',
  'HIDDEN_DUE_TO_SECURITY_REASONS',
];

export interface UserReference {
  /** A `sub` the record carries (UUID-shaped). */
  readonly sub?: string;
  /** A username (or alias) the record carries in clear. */
  readonly username?: string;
}

export interface RevokeEvent {
  readonly kind: 'revoke';
  readonly eventName: RevokingEventName;
  readonly eventId: string;
  /** `eventTime`, epoch seconds (second granularity, as the watermark). */
  readonly eventTime: number;
  /** The pool the record names; undefined when the record does not say (calls made with a user's access token). */
  readonly userPoolId?: string;
  readonly user: UserReference;
  readonly cognitoSignOut: CognitoSignOut;
  /** Who made the call, from the CloudTrail `userIdentity`. */
  readonly actor: string;
  readonly reason: string;
}

export type ParsedEvent =
  | RevokeEvent
  | { readonly kind: 'hidden'; readonly eventName: string; readonly eventId: string; readonly reason: string }
  | { readonly kind: 'sweep'; readonly time?: number; readonly batchSize?: number }
  | { readonly kind: 'ignored'; readonly reason: string }
  | { readonly kind: 'invalid'; readonly reason: string };

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const text = (v: unknown, max = 2048): string | undefined =>
  typeof v === 'string' && v.length > 0 && v.length <= max ? v : undefined;

function isRedacted(value: string): boolean {
  return REDACTION_MARKERS.includes(value.trim().toUpperCase());
}

/** `userIdentity` → a short, printable actor (never a token: CloudTrail does not record them in identities). */
export function actorFrom(identity: unknown): string {
  if (!isObject(identity)) return 'cloudtrail:unknown';
  const clean = (s: string) => s.replace(/[^\x21-\x7e]/g, '').slice(0, 220);
  const arn = text(identity.arn, 512);
  if (arn) return `cloudtrail:${clean(arn)}`;
  const type = text(identity.type, 64);
  const principal = text(identity.principalId, 256);
  if (type && principal) return `cloudtrail:${clean(type)}:${clean(principal)}`;
  const invokedBy = text(identity.invokedBy, 256);
  if (invokedBy) return `cloudtrail:${clean(invokedBy)}`;
  // Calls a user makes with their own access token carry no IAM identity.
  return type ? `cloudtrail:${clean(type)}` : 'cloudtrail:user-pool-user';
}

/** The user the record names, from only the fields it actually carries (see the file comment). */
export function userFrom(detail: Record<string, unknown>): UserReference {
  const extra = isObject(detail.additionalEventData) ? detail.additionalEventData : {};
  const params = isObject(detail.requestParameters) ? detail.requestParameters : {};
  let sub: string | undefined;
  for (const candidate of [extra.sub, extra.userSub]) {
    const value = text(candidate, 64);
    if (value && hasSubShape(value)) {
      sub = value.toLowerCase();
      break;
    }
  }
  let username: string | undefined;
  const name = text(params.username, 128);
  if (name && !isRedacted(name) && isValidUsername(name)) username = name;
  return { ...(sub ? { sub } : {}), ...(username ? { username } : {}) };
}

function isValidUsername(value: string): boolean {
  // Cognito usernames: 1–128 characters, no control characters or whitespace.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  return !/[\s\x00-\x1f\x7f]/.test(value);
}

function epochSeconds(value: unknown): number | undefined {
  const s = text(value, 64);
  if (!s || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(s)) return undefined;
  const ms = Date.parse(s);
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : undefined;
}

export interface ParseOptions {
  /** The pool this deployment protects. */
  readonly userPoolId: string;
  /** Event names that revoke (`REVOKE_ON`). */
  readonly revokeOn: readonly RevokingEventName[];
  /**
   * This pool's app client ids (`CLIENT_IDS`). A record that names no pool may name its user by username only when
   * the call was made through one of them (see `crossPoolProblem`).
   */
  readonly clientIds?: readonly string[];
}

/**
 * Why a record that names no pool cannot be acted on, or `undefined` when it can. Calls a user makes with their own
 * token or a confirmation code (`ChangePassword`, `ConfirmForgotPassword`, …) may carry no pool id; the same username
 * can exist in every pool of the account, so such a record is acted on only by a `sub` (a UUID Cognito assigns:
 * another pool's user cannot have it), or by a username when the call's app client (`requestParameters.clientId`)
 * is one of this pool's. UNVERIFIED without an AWS account: where Cognito records the client id of these calls;
 * `clientId` is the API's own parameter name, and CloudTrail records request parameters under their API names.
 */
export function crossPoolProblem(
  detail: Record<string, unknown>,
  user: UserReference,
  clientIds: readonly string[],
): string | undefined {
  if (user.sub) return undefined;
  const params = isObject(detail.requestParameters) ? detail.requestParameters : {};
  const clientId = text(params.clientId, 128);
  if (clientId !== undefined && clientIds.includes(clientId)) return undefined;
  return clientId === undefined
    ? 'the record names no user pool and no app client, only a username: it may be a same-named user of another pool'
    : `the record names no user pool, only a username, and its app client (${clientId.replace(/[^0-9a-zA-Z]/g, '').slice(0, 128)}) is not one of this pool's CLIENT_IDS: it may be a same-named user of another pool`;
}

/** Parses one invocation payload. Never throws. */
export function parseEvent(event: unknown, options: ParseOptions): ParsedEvent {
  if (!isObject(event)) return { kind: 'invalid', reason: 'the event is not a JSON object' };
  if (event.operation === 'sweep') {
    // A manual run may ask for smaller steps (users per step, 1–60): more, shorter steps between two deadlines.
    const batchSize = event.batchSize;
    if (batchSize === undefined) return { kind: 'sweep' };
    if (typeof batchSize !== 'number' || !Number.isInteger(batchSize) || batchSize < 1 || batchSize > 60)
      return { kind: 'invalid', reason: '"batchSize" must be an integer from 1 to 60' };
    return { kind: 'sweep', batchSize };
  }
  const detailType = event['detail-type'];
  if (event.source === 'aws.events' && detailType === 'Scheduled Event') {
    const time = epochSeconds(event.time);
    return { kind: 'sweep', ...(time !== undefined ? { time } : {}) };
  }
  if (detailType !== 'AWS API Call via CloudTrail')
    return { kind: 'invalid', reason: 'neither a CloudTrail API call nor a scheduled sweep' };
  const detail = event.detail;
  if (!isObject(detail)) return { kind: 'invalid', reason: 'the CloudTrail record ("detail") is missing' };
  if (
    detail.eventSource !== 'cognito-idp.amazonaws.com' ||
    (event.source ?? 'aws.cognito-idp') !== 'aws.cognito-idp'
  )
    return { kind: 'ignored', reason: 'not a Cognito user pool call' };
  const eventName = text(detail.eventName, 128);
  if (!eventName) return { kind: 'invalid', reason: '"eventName" is missing' };
  if (!(eventName in REVOKING_EVENTS)) return { kind: 'ignored', reason: `${eventName} does not revoke` };
  const name = eventName as RevokingEventName;
  if (!options.revokeOn.includes(name))
    return { kind: 'ignored', reason: `${eventName} is not in REVOKE_ON` };
  if (detail.errorCode !== undefined && detail.errorCode !== null && detail.errorCode !== '')
    return {
      kind: 'ignored',
      reason: `${eventName} failed (${String(detail.errorCode).slice(0, 64)}): nothing changed`,
    };
  const eventId = text(detail.eventID, 128);
  if (!eventId || !isValidId(eventId))
    return { kind: 'invalid', reason: '"eventID" is missing or malformed' };
  const eventTime = epochSeconds(detail.eventTime);
  if (eventTime === undefined) return { kind: 'invalid', reason: '"eventTime" is missing or malformed' };
  const params = isObject(detail.requestParameters) ? detail.requestParameters : {};
  const extra = isObject(detail.additionalEventData) ? detail.additionalEventData : {};
  const pool = text(params.userPoolId, 55) ?? text(extra.userPoolId, 55);
  if (pool !== undefined && pool !== options.userPoolId)
    return { kind: 'ignored', reason: `the call was for another user pool (${pool})` };
  const user = userFrom(detail);
  if (!user.sub && !user.username)
    return {
      kind: 'hidden',
      eventName,
      eventId,
      reason: `${eventName} carries neither a sub nor a username in clear: left to the sweep`,
    };
  if (pool === undefined) {
    const problem = crossPoolProblem(detail, user, options.clientIds ?? []);
    if (problem) return { kind: 'ignored', reason: `${eventName} ${eventId}: ${problem}` };
  }
  const iso = new Date(eventTime * 1000).toISOString().replace('.000Z', 'Z');
  return {
    kind: 'revoke',
    eventName: name,
    eventId,
    eventTime,
    ...(pool ? { userPoolId: pool } : {}),
    user,
    cognitoSignOut: REVOKING_EVENTS[name],
    actor: actorFrom(detail.userIdentity),
    reason: `${eventName} at ${iso} (CloudTrail event ${eventId})`,
  };
}

/** `REVOKE_ON`: comma-separated event names; empty = the default set. Throws naming an unknown name. */
export function parseRevokeOn(raw: string | undefined): RevokingEventName[] {
  const names = (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.length === 0) return [...DEFAULT_REVOKE_ON];
  for (const n of names)
    if (!(n in REVOKING_EVENTS))
      throw new Error(`REVOKE_ON: "${n}" is not one of ${REVOKING_EVENT_NAMES.join(', ')}`);
  return [...new Set(names)] as RevokingEventName[];
}

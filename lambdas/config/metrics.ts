/**
 * The metrics contract: every CloudWatch metric the functions emit (EMF on stdout, namespace `METRICS_NAMESPACE`),
 * with its unit, the functions that emit it and the dimension set it is emitted under. The single source of truth
 * for the alarms and the dashboard (monitoring.tf) and docs/operations.md; `test/config/metrics-contract.test.ts`
 * fails when the code emits a name missing here, when a name here is not in the built bundle, or when monitoring.tf
 * names a metric that is not here.
 */
import type { FunctionName } from './contract.js';

export type MetricUnit = 'Count' | 'Milliseconds';

export interface MetricSpec {
  readonly name: string;
  readonly unit: MetricUnit;
  readonly services: readonly FunctionName[];
  /** The dimension set the metric is emitted under (`service` is the function's name). */
  readonly dimensions: readonly string[];
  readonly description: string;
}

const count = (
  name: string,
  services: readonly FunctionName[],
  dimensions: readonly string[],
  description: string,
): MetricSpec => ({ name, unit: 'Count', services, dimensions, description });
const ms = (
  name: string,
  services: readonly FunctionName[],
  dimensions: readonly string[],
  description: string,
): MetricSpec => ({ name, unit: 'Milliseconds', services, dimensions, description });

const AUTHORIZER: readonly FunctionName[] = ['authorizer'];
const TRIGGER: readonly FunctionName[] = ['token-trigger'];
/** The functions that revoke through the admin operations (and so propagate: hint + cache flushes). */
export const REVOKERS: readonly FunctionName[] = ['admin-signout', 'auto-revocation', 'logout'];
const BY_SERVICE = ['service'];
const BY_TRIGGER = ['service', 'triggerSource'];

/** Every reason an authorizer decision can carry (`Reason_<reason>`). */
export const DECISION_REASONS = [
  'valid',
  'fail_open',
  'revoked',
  'store_error',
  'missing_token',
  'unrecognised_event',
  'config_error',
  'internal_error',
  'malformed_token',
  'invalid_signature',
  'unknown_kid',
  'expired',
  'wrong_issuer',
  'wrong_client',
  'wrong_token_use',
  'invalid_claims',
  'jwks_unavailable',
] as const;

/** The blocklist scope that revoked a token (`Revoked_<scope>`). */
export const REVOCATION_SCOPES = ['user', 'origin', 'session', 'token'] as const;

/**
 * Revocation service operations, counted as `ok_<operation>` / `failed_<operation>` by the function whose door
 * runs them (`failed_invalid`: an unreadable request).
 */
export const OPERATIONS_BY_FUNCTION = {
  'admin-signout': [
    'signOutUser',
    'revokeSession',
    'revokeToken',
    'listSessions',
    'inspect',
    'revokeCognitoSession',
  ],
  'auto-revocation': ['revokeUser', 'sweep'],
  logout: ['logout'],
} as const satisfies Partial<Record<FunctionName, readonly string[]>>;

export const OPERATIONS = Object.values(OPERATIONS_BY_FUNCTION).flat();

/** The sources a token-trigger metric's `triggerSource` dimension takes (`other`: an event passed through). */
export const TRIGGER_SOURCES = [
  'TokenGeneration_HostedAuth',
  'TokenGeneration_Authentication',
  'TokenGeneration_NewPasswordChallenge',
  'TokenGeneration_AuthenticateDevice',
  'TokenGeneration_RefreshTokens',
  'TokenGeneration_ClientCredentials',
  'PostAuthentication_Authentication',
  'other',
] as const;

export const METRICS: readonly MetricSpec[] = [
  // Authorizer: one EMF document per decision (or per aggregate), dimension `service`.
  count('Allowed', AUTHORIZER, BY_SERVICE, 'Decisions that allowed the request.'),
  count('Denied', AUTHORIZER, BY_SERVICE, 'Decisions that refused the request (401/403).'),
  ...DECISION_REASONS.map((r) =>
    count(`Reason_${r}`, AUTHORIZER, BY_SERVICE, `Decisions with reason \`${r}\`.`),
  ),
  ...REVOCATION_SCOPES.map((s) =>
    count(`Revoked_${s}`, AUTHORIZER, BY_SERVICE, `Tokens refused by a \`${s}\`-scope revocation.`),
  ),
  count(
    'StoreErrors',
    AUTHORIZER,
    BY_SERVICE,
    'Decisions whose blocklist read failed or timed out (denied, or allowed when FAIL_MODE=open).',
  ),
  count(
    'FailOpen',
    AUTHORIZER,
    BY_SERVICE,
    'Decisions allowed without a blocklist answer (FAIL_MODE=open only).',
  ),
  ms('StoreLatency', AUTHORIZER, BY_SERVICE, 'Blocklist lookup time of a decision.'),
  count('StoreRoundTrips', AUTHORIZER, BY_SERVICE, 'DynamoDB calls made.'),
  count(
    'StoreAttemptErrors',
    AUTHORIZER,
    BY_SERVICE,
    'DynamoDB calls that failed (retried within the deadline).',
  ),
  count(
    'ConfigErrors',
    AUTHORIZER,
    BY_SERVICE,
    'Containers started with an invalid configuration (every decision denies).',
  ),
  count('CacheHits', AUTHORIZER, BY_SERVICE, 'Staleness mode: decisions answered from the container cache.'),
  count('HintPolls', AUTHORIZER, BY_SERVICE, 'Staleness mode: polls of the revocation hints.'),
  count('HintPollErrors', AUTHORIZER, BY_SERVICE, 'Staleness mode: hint polls that failed.'),
  count('HintsSeen', AUTHORIZER, BY_SERVICE, 'Staleness mode: hints read (users dropped from the cache).'),
  count(
    'RevokedFromMemory',
    AUTHORIZER,
    BY_SERVICE,
    'Revoked tokens refused from the container memory without a read.',
  ),
  // Token trigger: one EMF document per invocation, dimensions `service` + `triggerSource`.
  count('session_recorded', TRIGGER, BY_TRIGGER, 'Sessions recorded at issuance.'),
  count('session_record_failed', TRIGGER, BY_TRIGGER, 'Sessions not recorded (claim injected anyway).'),
  count('store_timeout', TRIGGER, BY_TRIGGER, 'Session writes that passed STORE_TIMEOUT_MS.'),
  ms('record_ms', TRIGGER, BY_TRIGGER, 'Time to record a session.'),
  count('trigger_error', TRIGGER, BY_TRIGGER, 'Unexpected errors (event passed through unchanged).'),
  count('trigger_passthrough', TRIGGER, BY_TRIGGER, 'Events not handled (passed through unchanged).'),
  count('sign_in', TRIGGER, BY_TRIGGER, 'PostAuthentication sign-ins (audit).'),
  ms('chain_ms', TRIGGER, BY_TRIGGER, 'Time the chained pre-token-generation function took.'),
  count(
    'chain_failed',
    TRIGGER,
    BY_TRIGGER,
    'Chained function failed, timed out or answered garbage: the sign-in failed.',
  ),
  count(
    'chain_timeout',
    TRIGGER,
    BY_TRIGGER,
    'Chained function passed CHAINED_TRIGGER_TIMEOUT_MS: the sign-in failed.',
  ),
  count(
    'chain_session_claim_ignored',
    TRIGGER,
    BY_TRIGGER,
    'Chained function tried to set or suppress the session claim.',
  ),
  count('config_error', TRIGGER, BY_SERVICE, 'Invocations of a misconfigured trigger.'),
  // Revoking functions (admin operations), dimension `service`.
  count('revocations_written', REVOKERS, BY_SERVICE, 'Blocklist entries written by a signout.'),
  count('revocations_unwritten', REVOKERS, BY_SERVICE, 'Blocklist entries a signout could not write.'),
  count(
    'cognito_signout_failed',
    ['admin-signout', 'auto-revocation'],
    BY_SERVICE,
    "Cognito's own global sign-out failed (refresh tokens still work).",
  ),
  count('propagation_failed', REVOKERS, BY_SERVICE, 'Revocations whose hint or cache flush failed.'),
  count(
    'hint_unwritten',
    REVOKERS,
    BY_SERVICE,
    'Revocation hints not written (staleness-mode caches keep verdicts up to their maximum age).',
  ),
  count(
    'cache_flush_failed',
    REVOKERS,
    BY_SERVICE,
    'API Gateway authorizer-cache flushes refused (403), throttled (429) or failed, per stage.',
  ),
  count(
    'read_back_failed',
    REVOKERS,
    BY_SERVICE,
    'Revocations whose read-back (one strongly consistent Query after the write) failed: not reported ok.',
  ),
  count(
    'read_back_unproven',
    REVOKERS,
    BY_SERVICE,
    'Revocations the read-back could not prove in force (an entry missing, superseded or expired).',
  ),
  count('sweep_steps', ['auto-revocation'], BY_SERVICE, 'Sweep steps recorded in the stored position.'),
  count('sweep_pass_complete', ['auto-revocation'], BY_SERVICE, 'Sweep passes that finished.'),
  count(
    'sweep_incomplete',
    ['auto-revocation'],
    BY_SERVICE,
    'Sweep runs that ended before their pass did (the next run resumes from the stored position).',
  ),
  ...Object.entries(OPERATIONS_BY_FUNCTION).flatMap(([fn, ops]) =>
    ops.flatMap((op) => [
      count(`ok_${op}`, [fn as FunctionName], BY_SERVICE, `\`${op}\` operations that succeeded.`),
      count(
        `failed_${op}`,
        [fn as FunctionName],
        BY_SERVICE,
        `\`${op}\` operations that failed or were incomplete.`,
      ),
    ]),
  ),
  count('failed_invalid', REVOKERS, BY_SERVICE, 'Requests that could not be read.'),
  count(
    'refresh_family_unidentified',
    ['token-revocation'],
    BY_SERVICE,
    'Refresh tokens revoked at Cognito whose family could not be named (the tokens carry no origin_jti).',
  ),
];

export const METRIC_NAMES: ReadonlySet<string> = new Set(METRICS.map((m) => m.name));

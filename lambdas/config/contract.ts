/**
 * The environment contract between the Terraform module and the Lambdas: every variable each function reads,
 * with its default and meaning. The single source of truth for:
 * - each handler's config parser (reads only these names),
 * - the Terraform module (sets exactly these; test/terraform checks both directions),
 * - the README's configuration tables (`npm run docs`).
 */
export interface EnvVarSpec {
  readonly name: string;
  /** `undefined` = required. */
  readonly default?: string | undefined;
  readonly description: string;
}

export type FunctionName =
  | 'authorizer'
  | 'token-trigger'
  | 'admin-signout'
  | 'auto-revocation'
  | 'logout'
  | 'introspection'
  | 'token-revocation'
  | 'shared-signals'
  | 'global-token-revocation';

const TABLE_NAME: EnvVarSpec = {
  name: 'TABLE_NAME',
  description: 'Name of the blocklist DynamoDB table.',
};
const SESSION_CLAIM: EnvVarSpec = {
  name: 'SESSION_CLAIM',
  default: 'revocation_sid',
  description: 'Claim the token trigger injects with the session id and the authorizer reads.',
};
const LOG_LEVEL: EnvVarSpec = {
  name: 'LOG_LEVEL',
  default: 'info',
  description: 'One of `debug`, `info`, `warn`, `error`. Tokens are never logged at any level.',
};
const METRICS_NAMESPACE: EnvVarSpec = {
  name: 'METRICS_NAMESPACE',
  default: 'CognitoRevocation',
  description: 'CloudWatch namespace of the EMF metrics written to stdout.',
};
const TOKEN_LIFETIME_SECONDS: EnvVarSpec = {
  name: 'TOKEN_LIFETIME_SECONDS',
  default: '86400',
  description:
    'Longest ID/access token validity of the app clients (300–86400). Entries live at least this long past issuance; the default is Cognito’s maximum, safe for any client.',
};
const REFRESH_TOKEN_LIFETIME_SECONDS: EnvVarSpec = {
  name: 'REFRESH_TOKEN_LIFETIME_SECONDS',
  default: '315360000',
  description:
    'Longest refresh token validity (3600–315360000). Used when Cognito’s sign-out did not revoke the refresh tokens; the default is Cognito’s maximum.',
};
const CACHE_FLUSH_TARGETS: EnvVarSpec = {
  name: 'CACHE_FLUSH_TARGETS',
  default: '[]',
  description:
    'API Gateway stages whose authorizer cache is flushed after every revocation this function makes (a revocation hint is always written too): JSON array of `{"api":"rest"|"http","apiId":"…","stage":"…"}`. See docs/caching.md.',
};
const USER_POOL_ID: EnvVarSpec = {
  name: 'USER_POOL_ID',
  description: 'The Cognito user pool id, e.g. `eu-west-1_AbCdEf123`.',
};

const CALLER_CLIENT_IDS: EnvVarSpec = {
  name: 'CALLER_CLIENT_IDS',
  description:
    'Comma-separated Cognito M2M app client ids allowed to call the endpoint (client-credentials tokens).',
};
const CALLER_SCOPE: EnvVarSpec = {
  name: 'CALLER_SCOPE',
  description: 'The OAuth scope the caller must hold.',
};
// The upstream identity provider of the Shared Signals receiver and the Global Token Revocation endpoint.
const UPSTREAM: readonly EnvVarSpec[] = [
  {
    name: 'UPSTREAM_ISSUER',
    description:
      'Issuer of the upstream identity provider (the `iss` its SETs or bearer tokens carry, exactly).',
  },
  {
    name: 'UPSTREAM_AUDIENCE',
    description: 'Comma-separated audiences accepted in the `aud` of its SETs or bearer tokens.',
  },
  {
    name: 'UPSTREAM_JWKS_URI',
    default: '',
    description: 'Its JWKS (https). Empty: the `jwks_uri` of its metadata document.',
  },
  {
    name: 'UPSTREAM_METADATA_URL',
    default: '',
    description:
      'Its metadata document. Empty: `/.well-known/ssf-configuration` (Shared Signals) or `/.well-known/oauth-authorization-server` (Global Token Revocation) of the issuer.',
  },
  {
    name: 'UPSTREAM_ALGORITHMS',
    default: 'RS256,ES256',
    description:
      'Comma-separated signature algorithms accepted (RS*, PS*, ES*, EdDSA; never `none` or HMAC).',
  },
  {
    name: 'UPSTREAM_PROVIDER_NAME',
    default: '',
    description:
      'The provider’s name in the user pool: an `iss_sub` subject names the federated user `<name>_<sub>` with that identity. Empty: `iss_sub` subjects are refused.',
  },
  {
    name: 'MAX_BODY_BYTES',
    default: '16384',
    description: 'Largest request body accepted (1024–262144); larger ones are refused before parsing.',
  },
];

export const ENVIRONMENT: Readonly<Record<FunctionName, readonly EnvVarSpec[]>> = {
  authorizer: [
    USER_POOL_ID,
    {
      name: 'CLIENT_IDS',
      description:
        'Comma-separated app client ids whose tokens are accepted (`aud` of ID tokens, `client_id` of access tokens).',
    },
    {
      name: 'TOKEN_USE',
      default: 'any',
      description: 'Which tokens are accepted: `id`, `access` or `any`.',
    },
    TABLE_NAME,
    SESSION_CLAIM,
    {
      name: 'FAIL_MODE',
      default: 'closed',
      description:
        '`closed` denies when the blocklist cannot be read in time; `open` allows (logged and counted as `fail_open`). Opt in to `open` explicitly.',
    },
    {
      name: 'STORE_TIMEOUT_MS',
      default: '800',
      description: 'Deadline for one blocklist lookup, retries included (50–5000 ms).',
    },
    {
      name: 'STORE_MAX_ATTEMPTS',
      default: '2',
      description: 'Attempts per lookup within the deadline (1–5).',
    },
    {
      name: 'CONSISTENT_READ',
      default: 'true',
      description:
        'Strongly consistent reads, so a revocation counts as soon as its write returns. `false` halves read cost.',
    },
    {
      name: 'REVOCATION_STALENESS_SECONDS',
      default: '0',
      description:
        'Staleness mode (0–10 s; 0 = exact: one store read per decision). Above 0, each container caches users’ revocation entries, polls the revocation hints at most this often and drops hinted users: a revocation is enforced at most this long (plus nothing else) after it returned. See docs/caching.md.',
    },
    {
      name: 'REVOCATION_MAX_AGE_SECONDS',
      default: '600',
      description:
        'Staleness mode: no cached answer is used past this age (10–3600 s). The bound on a revocation whose hint could not be written (the admin result says so).',
    },
    {
      name: 'HTTP_API_RESPONSE_MODE',
      default: 'simple',
      description:
        'Response format for HTTP API (payload 2.0) events: `simple` (`isAuthorized`) or `iam` (an IAM policy). Must match the authorizer’s `enable_simple_responses` setting; the event does not say which one API Gateway expects.',
    },
    {
      name: 'JWKS_URI',
      default: '',
      description:
        'Override where the JWKS is fetched (emulators, tests). The issuer check stays the real Cognito one. Leave empty in AWS.',
    },
    LOG_LEVEL,
    {
      name: 'DECISION_LOG_SAMPLE_RATE',
      default: '0.01',
      description:
        'Share of ordinary allows written as their own log line at LOG_LEVEL=info (0–1; every allow at `debug`). Every deny, store error, fail-open and configuration problem is always logged. See docs/cost.md.',
    },
    {
      name: 'METRICS_FLUSH_DECISIONS',
      default: '1000',
      description:
        'Decisions aggregated into one EMF metrics document at most (1–1000); a document also goes out with the first decision 60 s after the previous one. What a frozen container can lose: docs/authorizer.md.',
    },
    METRICS_NAMESPACE,
  ],
  'token-trigger': [
    TABLE_NAME,
    SESSION_CLAIM,
    TOKEN_LIFETIME_SECONDS,
    {
      name: 'STORE_TIMEOUT_MS',
      default: '300',
      description: 'Deadline for recording a session (50–3000 ms). Sign-in proceeds when it passes.',
    },
    {
      name: 'CHAINED_TRIGGER_FUNCTION',
      default: '',
      description:
        'Name or ARN of the pool’s existing pre-token-generation function, invoked first with the same event; its overrides win except on the session claim, and its failure fails the sign-in. Empty: none. See docs/token-trigger.md.',
    },
    {
      name: 'CHAINED_TRIGGER_TIMEOUT_MS',
      default: '3000',
      description:
        'Deadline for the chained function’s answer (100–4500 ms; Cognito waits 5 s for the whole trigger). Past it the sign-in fails.',
    },
    LOG_LEVEL,
    METRICS_NAMESPACE,
  ],
  'admin-signout': [
    TABLE_NAME,
    USER_POOL_ID,
    TOKEN_LIFETIME_SECONDS,
    REFRESH_TOKEN_LIFETIME_SECONDS,
    {
      name: 'COGNITO_SESSION_MANAGEMENT',
      default: 'false',
      description:
        '`true` when the pool has Cognito session tracking (Essentials/Plus): `listSessions` shows Cognito’s sessions next to ours and `revokeSession` accepts a Cognito session id (`tkn…`).',
    },
    CACHE_FLUSH_TARGETS,
    LOG_LEVEL,
    METRICS_NAMESPACE,
  ],
  // Created only when automatic revocation is on (`revoke_on` / `revocation_sweep_schedule`).
  'auto-revocation': [
    TABLE_NAME,
    USER_POOL_ID,
    TOKEN_LIFETIME_SECONDS,
    REFRESH_TOKEN_LIFETIME_SECONDS,
    {
      name: 'REVOKE_ON',
      default: '',
      description:
        'Comma-separated Cognito API calls (CloudTrail event names) that revoke the user; empty = AdminDisableUser, AdminDeleteUser, AdminResetUserPassword, AdminSetUserPassword, AdminUserGlobalSignOut. Other events are ignored.',
    },
    {
      name: 'CLIENT_IDS',
      default: '',
      description:
        'Comma-separated app client ids of the pool. A CloudTrail record that names no user pool (calls users make themselves, e.g. `ConfirmForgotPassword`) is acted on by username only when its app client is one of these; otherwise only by `sub`.',
    },
    CACHE_FLUSH_TARGETS,
    LOG_LEVEL,
    METRICS_NAMESPACE,
  ],
  // Created only when self-service logout is on (`logout`).
  logout: [
    TABLE_NAME,
    TOKEN_LIFETIME_SECONDS,
    REFRESH_TOKEN_LIFETIME_SECONDS,
    {
      name: 'ALLOW_LOGOUT_EVERYWHERE',
      default: 'true',
      description:
        'Whether a caller may ask to end all of their own sessions (`{"everywhere": true}`); `false` limits logout to the calling session.',
    },
    CACHE_FLUSH_TARGETS,
    LOG_LEVEL,
    METRICS_NAMESPACE,
  ],
  // Created only when the RFC 7662 introspection endpoint is on (`introspection`, introspection.tf).
  introspection: [
    USER_POOL_ID,
    { name: 'CLIENT_IDS', description: 'Comma-separated app client ids whose tokens may be introspected.' },
    TABLE_NAME,
    SESSION_CLAIM,
    {
      name: 'FAIL_MODE',
      default: 'closed',
      description:
        '`closed`: a store outage answers 503; `open`: outages (not throttling) answer by the JWT alone.',
    },
    {
      name: 'STORE_TIMEOUT_MS',
      default: '800',
      description: 'Deadline for one revocation lookup, all attempts included (50–5000 ms).',
    },
    {
      name: 'REVOCATION_STALENESS_SECONDS',
      default: '0',
      description:
        'The bound S (0–10): answers carry `Cache-Control: private, max-age=S` (0: `no-store`); the function itself reads exactly.',
    },
    CALLER_CLIENT_IDS,
    { ...CALLER_SCOPE, description: 'The scope the caller’s M2M access token must hold to introspect.' },
    { name: 'JWKS_URI', default: '', description: 'JWKS download URL override (emulators, tests only).' },
    LOG_LEVEL,
    METRICS_NAMESPACE,
  ],
  // Created only when the RFC 7009 revocation endpoint is on (`token_revocation`, token_revocation.tf).
  'token-revocation': [
    USER_POOL_ID,
    { name: 'CLIENT_IDS', description: 'Comma-separated app client ids whose tokens may be revoked.' },
    TABLE_NAME,
    SESSION_CLAIM,
    TOKEN_LIFETIME_SECONDS,
    REFRESH_TOKEN_LIFETIME_SECONDS,
    CALLER_CLIENT_IDS,
    { ...CALLER_SCOPE, description: 'The scope the caller’s M2M access token must hold to revoke tokens.' },
    CACHE_FLUSH_TARGETS,
    { name: 'JWKS_URI', default: '', description: 'JWKS download URL override (emulators, tests only).' },
    LOG_LEVEL,
    METRICS_NAMESPACE,
  ],
  // Created only when the Shared Signals receiver is on (`shared_signals`); docs/shared-signals.md.
  'shared-signals': [
    TABLE_NAME,
    USER_POOL_ID,
    TOKEN_LIFETIME_SECONDS,
    REFRESH_TOKEN_LIFETIME_SECONDS,
    ...UPSTREAM,
    {
      name: 'SET_MAX_AGE_SECONDS',
      default: '900',
      description:
        'SETs issued longer ago than this are refused (60–86400); each `jti` is remembered this long.',
    },
    CACHE_FLUSH_TARGETS,
    LOG_LEVEL,
    METRICS_NAMESPACE,
  ],
  // Created only when Global Token Revocation is on (`global_token_revocation`); docs/global-token-revocation.md.
  'global-token-revocation': [
    TABLE_NAME,
    USER_POOL_ID,
    TOKEN_LIFETIME_SECONDS,
    REFRESH_TOKEN_LIFETIME_SECONDS,
    ...UPSTREAM,
    {
      name: 'REQUIRED_SCOPE',
      description: 'The scope the caller’s bearer token must carry (`scope` or `scp`).',
    },
    CACHE_FLUSH_TARGETS,
    LOG_LEVEL,
    METRICS_NAMESPACE,
  ],
};

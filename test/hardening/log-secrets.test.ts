/**
 * Secrets and logs, and fuzzing of the other two handlers' adapters: the BUILT token
 * trigger and admin signout bundles receive random events and requests laced with secrets — ID/access tokens,
 * refresh tokens, passwords, full Authorization headers — and must never crash (the trigger always hands Cognito
 * an event back; the admin Lambda always answers a result object) and never write a secret to stdout or stderr.
 * The authorizer's output is checked the same way by every other file of this suite (adversarial, fuzz, faults,
 * races), each over everything it ran.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CognitoLocal, startCognitoLocal } from '../../local/cognito.js';
import { redact } from '../../lambdas/adapters/observability.js';
import { type LocalDynamo, startDynalite } from '../../local/dynalite.js';
import { signAccessToken, signIdToken } from '../fixtures/tokens.js';
import { type Handler, loadWithEnvironment } from '../fixtures/bundles.js';
import { type Capture, captureOutput } from '../support/capture.js';
import { SecretWatch } from './support/secrets.js';
import { injectedSessionClaims, preTokenEvent } from './support/fixtures.js';
import { buildCases } from './adversarial-cases.js';
import { fuzz } from './support/fuzz.js';

const TABLE = 'blocklist-log-secrets';
const PASSWORD = 'Sup3r-Secret-Passw0rd!';
let dynamo: LocalDynamo;
let cognito: CognitoLocal;
let capture: Capture;
const secrets = new SecretWatch();
const figures = { triggerEvents: 0, adminRequests: 0, secretsPlanted: 0 };

// Secrets planted in inputs: every one of them must stay out of the output. Token-shaped secrets (JWS, JWE,
// Authorization values) are planted anywhere, even in fields that are logged on purpose (user, actor, userName):
// the logger must recognise and redact them. Secrets with no recognisable shape (a password, cognito-local's
// refresh token) are planted where such secrets travel (password, refreshToken, clientMetadata, ...) — a password
// typed into the username field cannot be told apart from a username, and usernames are audited.
let TOKEN_SECRETS: string[] = [];
let SHAPELESS_SECRETS: string[] = [];
const SECRET_HOLDERS = [
  'password',
  'Password',
  'refreshToken',
  'refresh_token',
  'clientMetadata',
  'validationData',
];

beforeAll(async () => {
  [dynamo, cognito] = await Promise.all([startDynalite(), startCognitoLocal()]);
  await dynamo.createTable(TABLE);
  await cognito.createUser('secret-alice', PASSWORD);
  const session = await cognito.signIn('secret-alice', PASSWORD);
  const idToken = signIdToken();
  const accessToken = signAccessToken();
  const refreshLookalike = buildCases().cases.find((c) => c.id === 'refresh-token-as-bearer')!
    .authorization as string;
  TOKEN_SECRETS = [
    session.idToken,
    session.accessToken,
    idToken,
    accessToken,
    refreshLookalike.slice('Bearer '.length),
    refreshLookalike,
    `Bearer ${accessToken}`,
    `Bearer ${session.accessToken}`,
  ];
  SHAPELESS_SECRETS = [PASSWORD, session.refreshToken];
  for (const [i, s] of [...TOKEN_SECRETS, ...SHAPELESS_SECRETS].entries()) secrets.add(`secret-${i}`, s);
  capture = captureOutput();
}, 60_000);

afterAll(async () => {
  capture?.restore();
  await Promise.all([dynamo?.stop(), cognito?.stop()]);
  console.log(`log secrets: ${JSON.stringify(figures)}`);
});

const secretArb = () => fc.constantFrom(...TOKEN_SECRETS);
/** A place in an object where a careless handler might pick a secret up and log it. */
const SECRET_FIELDS = [
  'password',
  'Password',
  'refreshToken',
  'refresh_token',
  'authorization',
  'Authorization',
  'idToken',
  'accessToken',
  'token',
  'user',
  'actor',
  'reason',
  'userName',
  'clientMetadata',
];

function plant(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path.at(-1)!] = value;
}

const anyPath = fc.array(
  fc.constantFrom(
    'request',
    'userAttributes',
    'clientMetadata',
    'validationData',
    'response',
    'token',
    ...SECRET_FIELDS,
  ),
  { minLength: 1, maxLength: 3 },
);
const plantingsArb = () =>
  fc.array(
    fc.oneof(
      fc.tuple(
        anyPath,
        fc.oneof(
          secretArb(),
          secretArb().map((s) => ({ nested: s })),
          secretArb().map((s) => [s]),
        ),
      ),
      fc.tuple(
        fc
          .tuple(fc.constantFrom('request', 'clientMetadata'), fc.constantFrom(...SECRET_HOLDERS))
          .map((p) => [...p]),
        fc.constantFrom(...SHAPELESS_SECRETS),
      ),
    ),
    { minLength: 1, maxLength: 4 },
  );

describe('token trigger bundle: fuzzed events laced with secrets', () => {
  let trigger: { handler: Handler; restore: () => void };
  beforeAll(() => {
    trigger = loadWithEnvironment('token-trigger', {
      TABLE_NAME: TABLE,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      TOKEN_LIFETIME_SECONDS: '3600',
      LOG_LEVEL: 'debug',
    });
  });
  afterAll(() => trigger?.restore());

  it('never throws, always answers an event, injects the claim into intact pre-token events', async () => {
    const baseArb = fc.oneof(
      fc
        .constantFrom('1', '2', '3')
        .map((v) => preTokenEvent(v as '1' | '2' | '3') as Record<string, unknown>),
      fc.constant({
        version: '1',
        triggerSource: 'UserMigration_Authentication',
        userName: 'secret-alice',
        request: { password: PASSWORD },
        response: {},
      } as Record<string, unknown>),
      fc.object({ maxDepth: 2 }),
    );
    await fc.assert(
      fc.asyncProperty(baseArb, plantingsArb(), async (base, plantings) => {
        // Arrange
        const event = structuredClone(base);
        for (const [path, value] of plantings) plant(event, path, value);
        figures.secretsPlanted += plantings.length;
        // Act
        const result = await trigger.handler(event);
        figures.triggerEvents++;
        // Assert: an answer Cognito can use (an object), the claim wherever the event was an intact pre-token one
        expect(result !== null && typeof result === 'object').toBe(true);
        const intact = plantings.every(
          ([path]) => !['request', 'response', 'userName', 'callerContext'].includes(path[0]!),
        );
        if (
          intact &&
          (base as { triggerSource?: unknown }).triggerSource === 'TokenGeneration_Authentication'
        ) {
          const claim = injectedSessionClaims(result, String(base.version))[0];
          expect(claim).toMatch(/^[\w-]{16,}$/);
        }
      }),
      fuzz(250),
    );
  });
});

describe('targeted: token-shaped values in fields that are logged on purpose', () => {
  it('the logger redacts a whole JWS, a whole JWE (Cognito refresh token) and a whole Authorization value', () => {
    for (const secret of TOKEN_SECRETS) {
      const line = redact(`user=${secret} next`);
      expect(line).toContain('[redacted]');
      expect(new SecretWatch().findIn(line)).toEqual([]);
      const watch = new SecretWatch();
      watch.add('s', secret);
      expect(watch.findIn(line)).toEqual([]);
    }
  });

  it('a refresh token sent as the username of a pre-token event is not logged, not even in part', async () => {
    const trigger = loadWithEnvironment('token-trigger', {
      TABLE_NAME: TABLE,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      TOKEN_LIFETIME_SECONDS: '3600',
      LOG_LEVEL: 'debug',
    });
    try {
      const jwe = TOKEN_SECRETS[4]!;
      const mark = capture.offset();
      await trigger.handler(preTokenEvent('2', undefined, jwe));
      const written = capture.text().slice(mark);
      expect(written).toContain('session recorded');
      const watch = new SecretWatch();
      watch.add('refresh token as username', jwe);
      expect(watch.findIn(written)).toEqual([]);
    } finally {
      trigger.restore();
    }
  });
});

describe('admin signout bundle: fuzzed requests laced with secrets', () => {
  let admin: { handler: Handler; restore: () => void };
  beforeAll(() => {
    admin = loadWithEnvironment('admin-signout', {
      TABLE_NAME: TABLE,
      USER_POOL_ID: cognito.userPoolId,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: cognito.endpoint,
      TOKEN_LIFETIME_SECONDS: '3600',
      REFRESH_TOKEN_LIFETIME_SECONDS: '86400',
      LOG_LEVEL: 'debug',
    });
  });
  afterAll(() => admin?.restore());

  it('never throws and always answers { ok, ... }; a request carrying a raw token is refused', async () => {
    const requestArb = fc.oneof(
      fc.record(
        {
          operation: fc.constantFrom(
            'signOutUser',
            'listSessions',
            'revokeSession',
            'revokeToken',
            'inspect',
            'deleteEverything',
          ),
          user: fc.oneof(fc.constant('secret-alice'), secretArb(), fc.string()),
          actor: fc.oneof(fc.constant('ops@example.com'), secretArb()),
          reason: fc.oneof(fc.constant('laptop stolen'), secretArb()),
          jti: fc.oneof(fc.uuid(), secretArb()),
          sessionId: fc.oneof(fc.uuid(), secretArb()),
          token: fc.oneof(secretArb(), fc.record({ sub: fc.uuid(), iat: fc.nat() })),
        },
        { requiredKeys: ['operation'] },
      ),
      fc.anything({ maxDepth: 2 }),
      secretArb(),
    );
    await fc.assert(
      fc.asyncProperty(requestArb, async (request) => {
        // Act
        const result = (await admin.handler(request, { getRemainingTimeInMillis: () => 10_000 })) as {
          ok?: unknown;
          error?: { code?: unknown };
        };
        figures.adminRequests++;
        // Assert
        expect(typeof result?.ok).toBe('boolean');
        if (!result.ok) expect(typeof result.error?.code).toBe('string');
        const r = request as Record<string, unknown> | undefined;
        if (r && typeof r === 'object' && r.operation === 'inspect' && typeof r.token === 'string') {
          expect(result).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
        }
      }),
      fuzz(150),
    );
  });
});

describe('no secret in any output', () => {
  it('wrote no token, refresh token, password or Authorization header to stdout or stderr', () => {
    expect(figures.triggerEvents).toBeGreaterThan(0);
    expect(figures.adminRequests).toBeGreaterThan(0);
    expect(secrets.findIn(capture.text())).toEqual([]);
  });
});

/**
 * The Shared Signals receiver and the Global Token Revocation endpoint, on the BUILT functions (dist/shared-signals,
 * dist/global-token-revocation, dist/authorizer) against dynalite and cognito-local, fed by a transmitter stand-in
 * that signs with `jose` (test/support/transmitter.ts), using the specifications' own examples
 * (test/fixtures/ssf/):
 * - a CAEP session-revoked / credential-change or RISC account-disabled SET about a user, or a Global Token
 *   Revocation request, makes the authorizer refuse that user's existing tokens; another user's keep working;
 * - every refusal — bad signature, wrong issuer or audience, expired, replayed jti, unknown event type, a subject
 *   matching two users or none, an oversized body, a missing scope — answers what the specification says and
 *   writes NOTHING (the whole table is compared, hints included);
 * - no SET or bearer token reaches a log line.
 * Emulator gap: cognito-local stores the `identities` attribute as given by AdminCreateUser; Cognito sets it itself
 * at a federated sign-in (the federated users here are created with the value Cognito would give them).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CognitoLocal, startCognitoLocal } from '../../local/cognito.js';
import { type LocalDynamo, startDynalite } from '../../local/dynalite.js';
import { type Handler, loadAuthorizer, loadWithEnvironment } from '../fixtures/bundles.js';
import { type Capture, captureOutput } from '../support/capture.js';
import { type JwksServer, startJwksServer } from '../fixtures/jwks.js';
import { nowSeconds, signAccessToken, TEST_CLIENT_ID, TEST_USER_POOL_ID } from '../fixtures/tokens.js';
import { startTransmitter, type Transmitter } from '../../local/transmitter.js';
import { startBlackhole } from '../fixtures/network.js';

const TABLE = 'blocklist-signals';
const PASSWORD = 'Signal-Passw0rd!long';
const PROVIDER = 'IdP';
const SSF_AUDIENCE = 'https://api.example.com/ssf';
const GTR_AUDIENCE = 'https://api.example.com/global-token-revocation';
const GTR_SCOPE = 'global_token_revocation';
const METHOD_ARN = 'arn:aws:execute-api:us-east-1:123456789012:abcdef1234/prod/GET/orders';
const SET_TYPE = 'application/secevent+jwt';

let dynamo: LocalDynamo;
let cognito: CognitoLocal;
let jwks: JwksServer;
let transmitter: Transmitter;
let capture: Capture;
let signals: { handler: Handler; restore: () => void };
let gtr: { handler: Handler; restore: () => void };
let authorizer: Handler;
const sent: string[] = [];

// biome-ignore lint/suspicious/noExplicitAny: fixtures are edited freely in tests
type Fixture = Record<string, any>;
const fixture = (name: string): Fixture =>
  JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'ssf', name), 'utf8'));

interface HttpAnswer {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** A Lambda function URL event (payload 2.0). */
function httpEvent(body: string, headers: Record<string, string>) {
  return {
    version: '2.0',
    rawPath: '/',
    requestContext: { http: { method: 'POST', path: '/' } },
    headers,
    body,
    isBase64Encoded: false,
  };
}

async function push(set: string, contentType = SET_TYPE): Promise<HttpAnswer> {
  sent.push(set);
  return (await signals.handler(httpEvent(set, { 'content-type': contentType }), {
    getRemainingTimeInMillis: () => 20_000,
  })) as HttpAnswer;
}

async function revokeGlobally(body: unknown, token?: string): Promise<HttpAnswer> {
  if (token) sent.push(token);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  return (await gtr.handler(httpEvent(typeof body === 'string' ? body : JSON.stringify(body), headers), {
    getRemainingTimeInMillis: () => 20_000,
  })) as HttpAnswer;
}

/** A fixture SET addressed to this receiver, issued now, with a fresh jti and `subject` as its `sub_id`. */
function setFrom(name: string, subject: unknown, overrides: Fixture = {}): Fixture {
  const set = fixture(name);
  return {
    ...set,
    iss: transmitter.issuer,
    aud: SSF_AUDIENCE,
    iat: nowSeconds(),
    jti: randomUUID(),
    sub_id: subject,
    ...overrides,
  };
}

const issSub = (sub: string) => ({ format: 'iss_sub', iss: transmitter.issuer, sub });
const email = (address: string) => ({ format: 'email', email: address });

async function verdict(token: string): Promise<'allow' | 'deny'> {
  try {
    await authorizer({ type: 'TOKEN', methodArn: METHOD_ARN, authorizationToken: `Bearer ${token}` });
    return 'allow';
  } catch {
    return 'deny';
  }
}

/** An access token the user got a minute ago. */
function tokenOf(sub: string): string {
  const authTime = nowSeconds() - 60;
  return signAccessToken({ sub, auth_time: authTime, iat: authTime });
}

/** Every item of the table, hints included: "nothing written" is compared on this. */
async function tableState(): Promise<string> {
  const out = await dynamo.client.send(new ScanCommand({ TableName: TABLE, ConsistentRead: true }));
  return JSON.stringify((out.Items ?? []).map((i) => JSON.stringify(i)).sort());
}

/** A federated user as Cognito creates it at the first sign-in through the provider. */
async function federatedUser(upstreamSub: string) {
  const identities = JSON.stringify([
    {
      userId: upstreamSub,
      providerName: PROVIDER,
      providerType: 'OIDC',
      issuer: null,
      primary: 'true',
      dateCreated: '1700000000000',
    },
  ]);
  return cognito.createUser(`${PROVIDER}_${upstreamSub}`, PASSWORD, { identities });
}

/** The environment both doors share, with Cognito at `cognitoEndpoint`. */
function doorEnvironment(cognitoEndpoint: string): Record<string, string> {
  return {
    TABLE_NAME: TABLE,
    USER_POOL_ID: cognito.userPoolId,
    TOKEN_LIFETIME_SECONDS: '3600',
    REFRESH_TOKEN_LIFETIME_SECONDS: '86400',
    UPSTREAM_ISSUER: transmitter.issuer,
    UPSTREAM_PROVIDER_NAME: PROVIDER,
    MAX_BODY_BYTES: '4096',
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: cognitoEndpoint,
  };
}

beforeAll(async () => {
  [dynamo, cognito, jwks, transmitter] = await Promise.all([
    startDynalite(),
    startCognitoLocal(),
    startJwksServer(),
    startTransmitter(),
  ]);
  await dynamo.createTable(TABLE);
  capture = captureOutput({ stderr: false });
  authorizer = await loadAuthorizer({
    USER_POOL_ID: TEST_USER_POOL_ID,
    CLIENT_IDS: TEST_CLIENT_ID,
    TABLE_NAME: TABLE,
    JWKS_URI: jwks.uri,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
  });
  const common = doorEnvironment(cognito.endpoint);
  signals = loadWithEnvironment('shared-signals', { ...common, UPSTREAM_AUDIENCE: SSF_AUDIENCE });
  signals.restore();
  gtr = loadWithEnvironment('global-token-revocation', {
    ...common,
    UPSTREAM_AUDIENCE: GTR_AUDIENCE,
    REQUIRED_SCOPE: GTR_SCOPE,
  });
  // Both read their configuration at load; the SDK endpoints stay set (the same for both) until the end.
}, 60_000);

afterAll(async () => {
  capture?.restore();
  gtr?.restore();
  await Promise.all([dynamo?.stop(), cognito?.stop(), jwks?.stop(), transmitter?.stop()]);
});

describe('Shared Signals receiver: a SET turns into 401s', () => {
  it('CAEP session-revoked (the spec’s complex-subject example): 202, the user’s tokens are refused, another user’s are not', async () => {
    // Arrange
    const jane = await federatedUser('jane.smith@example.com');
    const other = await federatedUser('someone.else@example.com');
    const example = fixture('caep-session-revoked-complex.json');
    const subject = { ...example.sub_id, user: issSub('jane.smith@example.com') };
    const set = await transmitter.signSet(setFrom('caep-session-revoked-complex.json', subject));
    expect(await verdict(tokenOf(jane.sub))).toBe('allow');

    // Act
    const answer = await push(set);

    // Assert
    expect(answer.statusCode).toBe(202);
    expect(await verdict(tokenOf(jane.sub))).toBe('deny');
    expect(await verdict(tokenOf(other.sub))).toBe('allow');
  });

  it('CAEP credential-change (the spec’s example) and RISC account-disabled by email: 202 and refused', async () => {
    // Arrange
    const lee = await federatedUser('lee@example.com');
    const kim = await cognito.createUser('kim', PASSWORD, { email: 'kim@example.com' });
    const change = await transmitter.signSet(
      setFrom('caep-credential-change.json', issSub('lee@example.com')),
      { alg: 'ES256' },
    );
    const disabled = await transmitter.signSet(
      setFrom('risc-account-disabled.json', email('kim@example.com')),
    );

    // Act
    const answers = [await push(change), await push(disabled)];

    // Assert
    expect(answers.map((a) => a.statusCode)).toEqual([202, 202]);
    expect(await verdict(tokenOf(lee.sub))).toBe('deny');
    expect(await verdict(tokenOf(kim.sub))).toBe('deny');
  });

  it('the SSF verification event: 202, nothing written', async () => {
    // Arrange
    const before = await tableState();
    const example = fixture('ssf-verification.json');
    const set = await transmitter.signSet(setFrom('ssf-verification.json', example.sub_id));

    // Act
    const answer = await push(set);

    // Assert
    expect(answer.statusCode).toBe(202);
    expect(await tableState()).toBe(before);
  });
});

describe('Shared Signals receiver: refusals write nothing and answer 400 with the RFC 8935 error object', () => {
  let victim: { username: string; sub: string };
  beforeAll(async () => {
    victim = await federatedUser('victim@example.com');
    await cognito.createUser('twin-a', PASSWORD, { email: 'twin@example.com' });
    await cognito.createUser('twin-b', PASSWORD, { email: 'twin@example.com' });
  });

  const good = () => setFrom('caep-session-revoked-complex.json', issSub('victim@example.com'));
  const cases: [string, () => Promise<string> | string, string][] = [
    ['bad signature', () => transmitter.signSet(good(), { foreignKey: true }), 'invalid_key'],
    [
      'wrong issuer',
      () => transmitter.signSet({ ...good(), iss: 'https://other-idp.example.com' }),
      'invalid_issuer',
    ],
    [
      'wrong audience',
      () => transmitter.signSet({ ...good(), aud: 'https://another-receiver.example.com' }),
      'invalid_audience',
    ],
    [
      'expired (exp passed)',
      () => transmitter.signSet({ ...good(), exp: nowSeconds() - 120 }),
      'invalid_request',
    ],
    ['too old (iat)', () => transmitter.signSet({ ...good(), iat: nowSeconds() - 3600 }), 'invalid_request'],
    [
      'not a SET (typ of an access token)',
      () => transmitter.signSet(good(), { typ: 'at+jwt' }),
      'invalid_request',
    ],
    [
      'unknown event type',
      () => {
        const set = good();
        set.events = {
          'https://schemas.openid.net/secevent/caep/event-type/assurance-level-change': {
            namespace: 'NIST-AAL',
            current_level: 'nist-aal1',
          },
        };
        return transmitter.signSet(set);
      },
      'invalid_request',
    ],
    [
      'a subject matching two users',
      () => transmitter.signSet(setFrom('risc-account-disabled.json', email('twin@example.com'))),
      'invalid_request',
    ],
    [
      'a subject matching no user',
      () => transmitter.signSet(setFrom('risc-account-disabled.json', email('nobody@example.com'))),
      'invalid_request',
    ],
    [
      'another issuer’s subject',
      () =>
        transmitter.signSet(
          setFrom('caep-credential-change.json', {
            format: 'iss_sub',
            iss: 'https://other-idp.example.com',
            sub: 'victim@example.com',
          }),
        ),
      'invalid_request',
    ],
    [
      'an oversized body',
      async () => `${await transmitter.signSet(good())}${' '.repeat(5000)}`,
      'invalid_request',
    ],
  ];

  /** What the description must say, where the error code alone does not tell the refusals apart. */
  const DESCRIPTIONS: Record<string, RegExp> = {
    'expired (exp passed)': /expired/i,
    'too old (iat)': /older than/,
    'not a SET (typ of an access token)': /typ/,
    'unknown event type': /unsupported event type/,
    'a subject matching two users': /more than one user/,
    'a subject matching no user': /no user/,
    'another issuer’s subject': /issuer is not the configured provider/,
    'an oversized body': /larger than 4096 bytes/,
  };

  it.each(cases)('%s', async (name, make, err) => {
    // Arrange
    const set = await make();
    const before = await tableState();

    // Act
    const answer = await push(set);

    // Assert
    expect(answer.statusCode).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({
      err,
      description: expect.stringMatching(DESCRIPTIONS[name] ?? /./),
    });
    expect(await tableState()).toBe(before);
    expect(await verdict(tokenOf(victim.sub))).toBe('allow');
  });

  it('a body that is not application/secevent+jwt', async () => {
    const before = await tableState();
    const answer = await push(await transmitter.signSet(good()), 'application/json');
    expect(answer.statusCode).toBe(400);
    expect(JSON.parse(answer.body).err).toBe('invalid_request');
    expect(await tableState()).toBe(before);
  });

  it('a replayed jti: the first copy revokes (202), the second is refused and writes nothing', async () => {
    // Arrange
    const user = await federatedUser('replayed@example.com');
    const set = await transmitter.signSet(
      setFrom('caep-session-revoked-complex.json', issSub('replayed@example.com')),
    );
    expect((await push(set)).statusCode).toBe(202);
    const before = await tableState();

    // Act
    const again = await push(set);

    // Assert
    expect(again.statusCode).toBe(400);
    expect(JSON.parse(again.body)).toEqual({
      err: 'invalid_request',
      description: 'this SET (jti) was already received',
    });
    expect(await tableState()).toBe(before);
    expect(await verdict(tokenOf(user.sub))).toBe('deny');
  });
});

describe('Shared Signals receiver: a Cognito that never answers', () => {
  it('answers 503 at the invocation’s deadline, writes nothing, and takes the retry of the same SET', async () => {
    // Arrange: 2 s left. The SDK’s own bounds (5 s per attempt) answered the lookup about 8 s after the start,
    // long after the invocation ended; the deadline signal ends it at the function's own deadline.
    const user = await federatedUser('silent-cognito@example.com');
    const set = await transmitter.signSet(
      setFrom('caep-session-revoked-complex.json', issSub('silent-cognito@example.com')),
    );
    sent.push(set);
    const hole = await startBlackhole();
    const silent = loadWithEnvironment('shared-signals', {
      ...doorEnvironment(hole.endpoint),
      UPSTREAM_AUDIENCE: SSF_AUDIENCE,
    });
    const before = await tableState();
    const started = Date.now();
    const end = started + 2_000;
    let answer: HttpAnswer;
    // Act
    try {
      answer = (await silent.handler(httpEvent(set, { 'content-type': SET_TYPE }), {
        getRemainingTimeInMillis: () => end - Date.now(),
      })) as HttpAnswer;
    } finally {
      silent.restore();
      await hole.stop();
    }
    const elapsed = Date.now() - started;
    // Assert: about 1 s here; 8 s without the deadline, more than a loaded box adds
    expect(elapsed).toBeLessThan(5_000);
    expect(answer.statusCode).toBe(503);
    expect(await tableState()).toBe(before);
    // The transmitter's retry, once Cognito answers, is acted on: the jti was not kept.
    expect((await push(set)).statusCode).toBe(202);
    expect(await verdict(tokenOf(user.sub))).toBe('deny');
  }, 30_000);
});

describe('Global Token Revocation endpoint', () => {
  const bearer = (overrides: Fixture = {}, options = {}) =>
    transmitter.signBearer(
      {
        iss: transmitter.issuer,
        aud: GTR_AUDIENCE,
        sub: 'okta-client',
        scope: `${GTR_SCOPE} other`,
        iat: nowSeconds(),
        exp: nowSeconds() + 300,
        ...overrides,
      },
      options,
    );

  it('the draft’s email example: 204 and the user’s tokens are refused', async () => {
    // Arrange
    const user = await cognito.createUser('gtr-user', PASSWORD, { email: 'user@example.com' });
    const body = fixture('gtr-email.json');
    expect(await verdict(tokenOf(user.sub))).toBe('allow');

    // Act
    const answer = await revokeGlobally(body, await bearer());

    // Assert
    expect(answer.statusCode).toBe(204);
    expect(answer.body).toBe('');
    expect(await verdict(tokenOf(user.sub))).toBe('deny');
  });

  it('a Cognito that never answers: 503 at the invocation’s deadline, nothing written', async () => {
    // Arrange: 2 s left; without the deadline signal the lookup took about 8 s (the SDK's own bounds).
    const hole = await startBlackhole();
    const silent = loadWithEnvironment('global-token-revocation', {
      ...doorEnvironment(hole.endpoint),
      UPSTREAM_AUDIENCE: GTR_AUDIENCE,
      REQUIRED_SCOPE: GTR_SCOPE,
    });
    const token = await bearer();
    sent.push(token);
    const before = await tableState();
    const started = Date.now();
    const end = started + 2_000;
    let answer: HttpAnswer;
    // Act
    try {
      answer = (await silent.handler(
        httpEvent(JSON.stringify(fixture('gtr-email.json')), {
          'content-type': 'application/json',
          authorization: `Bearer ${token}`,
        }),
        { getRemainingTimeInMillis: () => end - Date.now() },
      )) as HttpAnswer;
    } finally {
      silent.restore();
      await hole.stop();
    }
    // Assert
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(answer.statusCode).toBe(503);
    expect(await tableState()).toBe(before);
  }, 30_000);

  it('iss_sub of the provider (Okta’s `scp` array carries the scope): 204', async () => {
    const user = await federatedUser('af19c476f1dc4470fa3d0d9a25');
    const body = fixture('gtr-iss-sub.json');
    body.sub_id.iss = transmitter.issuer;
    const answer = await revokeGlobally(body, await bearer({ scope: undefined, scp: [GTR_SCOPE] }));
    expect(answer.statusCode).toBe(204);
    expect(await verdict(tokenOf(user.sub))).toBe('deny');
  });

  describe('refusals write nothing', () => {
    let bystander: { sub: string };
    beforeAll(async () => {
      bystander = await cognito.createUser('gtr-bystander', PASSWORD, { email: 'bystander@example.com' });
      await cognito.createUser('gtr-twin-a', PASSWORD, { email: 'gtr-twin@example.com' });
      await cognito.createUser('gtr-twin-b', PASSWORD, { email: 'gtr-twin@example.com' });
    });
    const target = { sub_id: { format: 'email', email: 'bystander@example.com' } };
    const cases: [string, () => Promise<[unknown, string | undefined]>, number][] = [
      ['no bearer token', async () => [target, undefined], 401],
      ['bad signature', async () => [target, await bearer({}, { foreignKey: true })], 401],
      ['wrong issuer', async () => [target, await bearer({ iss: 'https://other-idp.example.com' })], 401],
      ['wrong audience', async () => [target, await bearer({ aud: 'https://elsewhere.example.com' })], 401],
      ['expired', async () => [target, await bearer({ exp: nowSeconds() - 120 })], 401],
      ['missing scope', async () => [target, await bearer({ scope: 'openid profile' })], 403],
      [
        'unsupported subject format',
        async () => [{ sub_id: { format: 'phone_number', phone_number: '+12065550100' } }, await bearer()],
        400,
      ],
      ['malformed body', async () => ['{"sub_id":', await bearer()], 400],
      ['an oversized body', async () => [{ ...target, pad: 'x'.repeat(5000) }, await bearer()], 400],
      [
        'a subject matching no user (the draft’s opaque example)',
        async () => [fixture('gtr-opaque.json'), await bearer()],
        404,
      ],
      [
        'a subject matching two users',
        async () => [{ sub_id: { format: 'email', email: 'gtr-twin@example.com' } }, await bearer()],
        422,
      ],
    ];

    it.each(cases.map(([name, make, status]) => [`${name} → ${status}`, make, status] as const))(
      '%s',
      async (_name, make, status) => {
        // Arrange
        const [body, token] = await make();
        const before = await tableState();

        // Act
        const answer = await revokeGlobally(body, token);

        // Assert
        expect(answer.statusCode).toBe(status);
        if (status === 401) expect(answer.headers['www-authenticate']).toMatch(/^Bearer/);
        expect(await tableState()).toBe(before);
        expect(await verdict(tokenOf(bystander.sub))).toBe('allow');
      },
    );
  });
});

describe('logs', () => {
  it('no SET and no bearer token sent in this file reaches a log line', () => {
    const text = capture.text();
    expect(sent.length).toBeGreaterThan(20);
    for (const token of sent) expect(text).not.toContain(token.trim().split('.')[2]);
    expect(text).toContain('SET refused');
  });
});

// The project's patch of cognito-local 5.3.0 (patches/cognito-local+5.3.0.patch, applied by `npm ci`'s
// postinstall), against the running emulator: sign-out operations revoke refresh tokens, origin_jti/jti on both
// tokens with one origin_jti per refresh family, auth_time kept across refreshes, the PreTokenGeneration event
// version configurable with V2 responses applied to the access token too (test-only fixture trigger), refresh tokens
// sealed as 5-segment JWE like Cognito's, GetTokensFromRefreshToken with client secrets and refresh token rotation,
// and a start that loads only what it uses (the KMS encryption client on first use, the Lambda client alone).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AdminDisableUserCommand,
  AdminUserGlobalSignOutCommand,
  CreateUserPoolClientCommand,
  GetTokensFromRefreshTokenCommand,
  GetUserCommand,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  ListUsersCommand,
  RevokeTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertPatched, type CognitoLocal, startCognitoLocal } from '../../local/cognito.js';
import { type LambdaEndpoint, ROOT, startLambdaEndpoint } from '../../local/lambda-endpoint.js';

const TRIGGER = join(ROOT, 'test', 'e2e', 'fixtures', 'trigger-fixture.cjs');
const PASSWORD = 'Correct-Horse-1';
const claims = (jwt: string) =>
  JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('patched cognito-local: the patch itself', () => {
  it('is applied in node_modules and recorded in package.json as a postinstall that fails loudly', () => {
    // Arrange
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    const patch = readFileSync(join(ROOT, 'patches', 'cognito-local+5.3.0.patch'), 'utf8');
    const installed = JSON.parse(
      readFileSync(join(ROOT, 'node_modules', 'cognito-local', 'package.json'), 'utf8'),
    );
    // Act / Assert
    expect(() => assertPatched()).not.toThrow();
    // `prepare`, not `postinstall`: npm runs it on the project's own `npm ci` / `npm install`, never when an
    // application installs the published package (where patch-package, a dev dependency, is absent).
    expect(pkg.scripts.prepare).toBe('patch-package --error-on-fail');
    expect(pkg.scripts.postinstall).toBeUndefined();
    expect(installed.version).toBe('5.3.0'); // the patch is for exactly this version
    expect(patch).toContain('lib/targets/adminUserGlobalSignOut.js');
    expect(patch).toContain('lib/targets/getTokensFromRefreshToken.js');
  });
});

describe('patched cognito-local: what its start loads', () => {
  /** Runs `script` in a fresh Node process with `cognito-local` required, and returns what it printed as JSON. */
  const inFreshProcess = (script: string) =>
    JSON.parse(
      execFileSync(
        process.execPath,
        ['-e', `const cl = require.resolve('cognito-local'); require(cl); ${script}`],
        { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } },
      ),
    );
  const loaded = (part: string) =>
    `Object.keys(require.cache).some((f) => f.includes(${JSON.stringify(part)}))`;

  it('leaves the KMS encryption client and the whole AWS SDK v2 unloaded (every emulator start paid ~0.25 s for them)', () => {
    // Act
    const state = inFreshProcess(
      `console.log(JSON.stringify({ kms: ${loaded('/@aws-crypto/client-node/')}, allClients: ${loaded('/aws-sdk/clients/all.js')}, lambda: ${loaded('/aws-sdk/clients/lambda.js')} }))`,
    );
    // Assert
    expect(state).toEqual({ kms: false, allClients: false, lambda: true });
  });

  it('a custom sender trigger still reaches the KMS encryption path, loading it on first use', () => {
    // Act: encrypt without KMSConfig, the emulator's own error for a CustomEmailSender trigger without a key
    const state = inFreshProcess(`
      const { CryptoService } = require(require.resolve('./services/crypto', { paths: [require('node:path').dirname(cl)] }));
      new CryptoService(undefined).encrypt({ logger: { debug() {} } }, 'code').then(
        () => console.log(JSON.stringify({ error: null })),
        (e) => console.log(JSON.stringify({ error: e.message, kms: ${loaded('/@aws-crypto/client-node/')} })),
      );`);
    // Assert
    expect(state).toEqual({
      error:
        'KMSConfig.KMSKeyAlias and KMSConfig.KMSKeyId is required when using a CustomEmailSender trigger.',
      kms: true,
    });
  });
});

describe('patched cognito-local: sign-out and revocation of refresh tokens', () => {
  let cognito: CognitoLocal;
  beforeAll(async () => {
    cognito = await startCognitoLocal();
  });
  afterAll(async () => {
    await cognito?.stop();
  });

  it('AdminUserGlobalSignOut revokes every refresh token of the user, by username or sub', async () => {
    // Arrange
    const { sub } = await cognito.createUser('admin-out', PASSWORD);
    const a = await cognito.signIn('admin-out', PASSWORD);
    const b = await cognito.signIn('admin-out', PASSWORD);
    await cognito.refresh(a.refreshToken); // works before
    // Act
    const out = await cognito.client.send(
      new AdminUserGlobalSignOutCommand({ UserPoolId: cognito.userPoolId, Username: sub }),
    );
    // Assert
    expect(out.$metadata.httpStatusCode).toBe(200);
    await expect(cognito.refresh(a.refreshToken)).rejects.toMatchObject({ name: 'NotAuthorizedException' });
    await expect(cognito.refresh(b.refreshToken)).rejects.toMatchObject({ name: 'NotAuthorizedException' });
    const again = await cognito.signIn('admin-out', PASSWORD); // a new sign-in is a new family
    await expect(cognito.refresh(again.refreshToken)).resolves.toBeDefined();
  });

  it('ListUsers filters status = "Disabled" / "Enabled" with Cognito’s values (the sweep’s query)', async () => {
    // Arrange
    const off = await cognito.createUser('status-off', PASSWORD);
    await cognito.createUser('status-on', PASSWORD);
    await cognito.client.send(
      new AdminDisableUserCommand({ UserPoolId: cognito.userPoolId, Username: 'status-off' }),
    );
    const list = async (filter: string) =>
      (
        await cognito.client.send(new ListUsersCommand({ UserPoolId: cognito.userPoolId, Filter: filter }))
      ).Users?.map((u) => u.Username) ?? [];
    // Act
    const disabled = await list('status = "Disabled"');
    const enabled = await list('status = "Enabled"');
    // Assert
    expect(disabled).toEqual([off.username]);
    expect(enabled).toContain('status-on');
    expect(enabled).not.toContain('status-off');
    expect(await list('status = "false"')).toEqual([]); // the emulator's old spelling no longer matches
  });

  it('AdminUserGlobalSignOut of an unknown user is UserNotFoundException', async () => {
    await expect(
      cognito.client.send(
        new AdminUserGlobalSignOutCommand({ UserPoolId: cognito.userPoolId, Username: 'nobody' }),
      ),
    ).rejects.toMatchObject({ name: 'UserNotFoundException' });
  });

  it('GlobalSignOut with the access token revokes the user’s refresh tokens; an ID token is refused', async () => {
    // Arrange
    await cognito.createUser('self-out', PASSWORD);
    const tokens = await cognito.signIn('self-out', PASSWORD);
    // Act
    const withId = cognito.client.send(new GlobalSignOutCommand({ AccessToken: tokens.idToken }));
    await expect(withId).rejects.toMatchObject({ name: 'NotAuthorizedException' });
    await cognito.client.send(new GlobalSignOutCommand({ AccessToken: tokens.accessToken }));
    // Assert
    await expect(cognito.refresh(tokens.refreshToken)).rejects.toMatchObject({
      name: 'NotAuthorizedException',
    });
    await expect(
      cognito.client.send(new GlobalSignOutCommand({ AccessToken: 'not-a-jwt' })),
    ).rejects.toMatchObject({ name: 'NotAuthorizedException' });
  });

  it('RevokeToken revokes that refresh token only', async () => {
    // Arrange
    await cognito.createUser('revoke-one', PASSWORD);
    const a = await cognito.signIn('revoke-one', PASSWORD);
    const b = await cognito.signIn('revoke-one', PASSWORD);
    // Act
    await cognito.client.send(new RevokeTokenCommand({ ClientId: cognito.clientId, Token: a.refreshToken }));
    // Assert
    await expect(cognito.refresh(a.refreshToken)).rejects.toMatchObject({ name: 'NotAuthorizedException' });
    await expect(cognito.refresh(b.refreshToken)).resolves.toBeDefined();
  });

  it('origin_jti: the same in the ID and access token, one per sign-in, kept across refreshes; jti unique', async () => {
    // Arrange
    await cognito.createUser('family', PASSWORD);
    const first = await cognito.signIn('family', PASSWORD);
    const second = await cognito.signIn('family', PASSWORD);
    // Act
    await sleep(1100); // a later second, so iat moves and auth_time must not
    const refreshed = await cognito.refresh(first.refreshToken);
    // Assert
    const [id1, at1, id2, at2, idR, atR] = [first, second, refreshed].flatMap((t) => [
      claims(t.idToken),
      claims(t.accessToken),
    ]);
    expect(id1.origin_jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(at1.origin_jti).toBe(id1.origin_jti);
    expect(id2.origin_jti).toBe(at2.origin_jti);
    expect(id2.origin_jti).not.toBe(id1.origin_jti);
    expect([idR.origin_jti, atR.origin_jti]).toEqual([id1.origin_jti, id1.origin_jti]);
    const jtis = [id1, at1, id2, at2, idR, atR].map((c) => c.jti);
    expect(new Set(jtis).size).toBe(6);
    expect(idR.auth_time).toBe(id1.auth_time);
    expect(atR.auth_time).toBe(at1.auth_time);
    expect(atR.iat).toBeGreaterThan(at1.iat);
    expect(refreshed.refreshToken).toBeUndefined(); // no rotation, as Cognito without refresh-token rotation
  });

  it('an app client with EnableTokenRevocation false gets no origin_jti (as Cognito); jti stays', async () => {
    // Arrange
    const created = await cognito.client.send(
      new CreateUserPoolClientCommand({
        UserPoolId: cognito.userPoolId,
        ClientName: 'no-revocation',
        EnableTokenRevocation: false,
        ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      }),
    );
    await cognito.createUser('no-revocation', PASSWORD);
    // Act
    const out = await cognito.client.send(
      new InitiateAuthCommand({
        ClientId: created.UserPoolClient?.ClientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: 'no-revocation', PASSWORD },
      }),
    );
    // Assert
    const access = claims(out.AuthenticationResult?.AccessToken ?? '');
    expect(access.origin_jti).toBeUndefined();
    expect(access.jti).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('GetUser still answers for an access token after sign-out (a gap kept: docs/local-stack.md)', async () => {
    await cognito.createUser('still-getuser', PASSWORD);
    const tokens = await cognito.signIn('still-getuser', PASSWORD);
    await cognito.client.send(new GlobalSignOutCommand({ AccessToken: tokens.accessToken }));
    const user = await cognito.client.send(new GetUserCommand({ AccessToken: tokens.accessToken }));
    expect(user.Username).toBe('still-getuser');
  });
});

describe('patched cognito-local: PreTokenGeneration event versions', () => {
  let lambda: LambdaEndpoint;
  const started: CognitoLocal[] = [];
  beforeAll(async () => {
    lambda = await startLambdaEndpoint({
      functions: [{ name: 'trigger', bundle: TRIGGER, env: { FIXTURE_VALUE: 'from-trigger' } }],
    });
  });
  afterAll(async () => {
    for (const c of started) await c.stop();
    await lambda?.stop();
  });
  const start = async (version?: 'V1_0' | 'V2_0' | 'V3_0') => {
    const c = await startCognitoLocal({
      lambdaEndpoint: lambda.endpoint,
      triggers: { PreTokenGeneration: 'trigger' },
      users: [{ username: 'alice', password: PASSWORD }],
      ...(version ? { preTokenGenerationVersion: version } : {}),
    });
    started.push(c);
    return c;
  };
  const lastEvent = () => JSON.parse(lambda.logs('trigger').at(-1) ?? '{}');

  it.each([
    ['V2_0', '2'],
    ['V3_0', '3'],
  ] as const)(
    '%s: event version %s with the scopes; claims and scopes reach the access token; reserved claims stay',
    async (version, eventVersion) => {
      // Arrange
      const c = await start(version);
      // Act
      const tokens = await c.signIn('alice', PASSWORD);
      // Assert
      expect(lastEvent()).toMatchObject({ version: eventVersion, scopes: ['aws.cognito.signin.user.admin'] });
      const id = claims(tokens.idToken);
      const access = claims(tokens.accessToken);
      expect(id.fixture_claim).toBe('from-trigger');
      expect(access.fixture_claim).toBe('from-trigger');
      expect(access.scope).toBe('aws.cognito.signin.user.admin fixture/read');
      expect(access.client_id).toBe(c.clientId);
      for (const t of [id, access]) {
        expect(t.origin_jti).not.toBe('forged');
        expect(t.jti).not.toBe('forged');
        expect(t.auth_time).not.toBe(1);
      }
    },
  );

  it('V1_0: event version 1, claimsOverrideDetails reach the ID token only (as Cognito)', async () => {
    const c = await start('V1_0');
    const tokens = await c.signIn('alice', PASSWORD);
    expect(lastEvent().version).toBe('1');
    expect(claims(tokens.idToken).fixture_claim).toBe('from-trigger');
    expect(claims(tokens.accessToken).fixture_claim).toBeUndefined();
    expect(claims(tokens.accessToken).origin_jti).toBe(claims(tokens.idToken).origin_jti);
  });

  it('the local stack’s default is V2_0', async () => {
    const c = await start();
    await c.signIn('alice', PASSWORD);
    expect(lastEvent().version).toBe('2');
  });

  it('refresh: the trigger runs with TokenGeneration_RefreshTokens and the family keeps its origin_jti', async () => {
    const c = await start('V2_0');
    const tokens = await c.signIn('alice', PASSWORD);
    const refreshed = await c.refresh(tokens.refreshToken);
    expect(lastEvent().source).toBe('TokenGeneration_RefreshTokens');
    expect(claims(refreshed.accessToken).fixture_claim).toBe('from-trigger');
    expect(claims(refreshed.accessToken).origin_jti).toBe(claims(tokens.accessToken).origin_jti);
  });

  it('an unknown LambdaVersion stops the emulator at start with a message naming the setting', async () => {
    await expect(
      startCognitoLocal({ preTokenGenerationVersion: 'V9_0' as never, startTimeoutMs: 10_000 }),
    ).rejects.toThrow(/PreTokenGenerationConfig\.LambdaVersion must be V1_0, V2_0 or V3_0/);
  });
});

describe('patched cognito-local: refresh tokens as Cognito has them', () => {
  let cognito: CognitoLocal;
  beforeAll(async () => {
    cognito = await startCognitoLocal();
  });
  afterAll(async () => {
    await cognito?.stop();
  });
  const getTokens = (RefreshToken: string, ClientId: string, ClientSecret?: string) =>
    cognito.client.send(
      new GetTokensFromRefreshTokenCommand({
        RefreshToken,
        ClientId,
        ...(ClientSecret ? { ClientSecret } : {}),
      }),
    );
  const createClient = async (extra: Record<string, unknown>) => {
    const out = await cognito.client.send(
      new CreateUserPoolClientCommand({
        UserPoolId: cognito.userPoolId,
        ClientName: 'extra',
        ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
        ...extra,
      }),
    );
    return { id: out.UserPoolClient?.ClientId ?? '', secret: out.UserPoolClient?.ClientSecret };
  };
  const signInWith = async (clientId: string, username: string) =>
    (
      await cognito.client.send(
        new InitiateAuthCommand({
          ClientId: clientId,
          AuthFlow: 'USER_PASSWORD_AUTH',
          AuthParameters: { USERNAME: username, PASSWORD },
        }),
      )
    ).AuthenticationResult?.RefreshToken ?? '';

  it('a refresh token is a 5-segment JWE (RSA-OAEP, A256GCM) whose content cannot be read as a JWT', async () => {
    // Arrange
    await cognito.createUser('sealed', PASSWORD);
    // Act
    const { refreshToken } = await cognito.signIn('sealed', PASSWORD);
    // Assert
    const segments = refreshToken.split('.');
    expect(segments).toHaveLength(5);
    expect(JSON.parse(Buffer.from(segments[0] ?? '', 'base64url').toString('utf8'))).toEqual({
      cty: 'JWT',
      enc: 'A256GCM',
      alg: 'RSA-OAEP',
    });
    expect(refreshToken).not.toContain('sealed');
    expect(Buffer.from(segments[3] ?? '', 'base64url').toString('utf8')).not.toContain('origin_jti');
  });

  it('GetTokensFromRefreshToken: the same family, no new refresh token without rotation; revoked → refused', async () => {
    // Arrange
    await cognito.createUser('gtfrt', PASSWORD);
    const tokens = await cognito.signIn('gtfrt', PASSWORD);
    // Act
    const out = (await getTokens(tokens.refreshToken, cognito.clientId)).AuthenticationResult;
    await cognito.client.send(
      new RevokeTokenCommand({ ClientId: cognito.clientId, Token: tokens.refreshToken }),
    );
    // Assert
    expect(claims(out?.AccessToken ?? '').origin_jti).toBe(claims(tokens.accessToken).origin_jti);
    expect(claims(out?.IdToken ?? '').origin_jti).toBe(claims(tokens.accessToken).origin_jti);
    expect(out?.RefreshToken).toBeUndefined();
    await expect(getTokens(tokens.refreshToken, cognito.clientId)).rejects.toMatchObject({
      name: 'NotAuthorizedException',
    });
  });

  it('refused: a tampered token, garbage, another app client’s token', async () => {
    // Arrange
    await cognito.createUser('tamper', PASSWORD);
    const { refreshToken } = await cognito.signIn('tamper', PASSWORD);
    const other = await createClient({});
    const parts = refreshToken.split('.');
    const tampered = [...parts.slice(0, 3), `${parts[3]?.slice(0, -2)}AA`, parts[4]].join('.');
    // Act / Assert
    for (const [token, client] of [
      [tampered, cognito.clientId],
      ['a.b.c.d.e', cognito.clientId],
      [refreshToken, other.id],
    ] as const)
      await expect(getTokens(token, client)).rejects.toMatchObject({ name: 'NotAuthorizedException' });
    await expect(
      cognito.client.send(new RevokeTokenCommand({ ClientId: other.id, Token: refreshToken })),
    ).rejects.toMatchObject({ name: 'NotAuthorizedException' });
    await expect(getTokens(refreshToken, cognito.clientId)).resolves.toBeDefined();
  });

  it('an app client with a secret: GetTokensFromRefreshToken and RevokeToken need the secret itself', async () => {
    // Arrange
    const client = await createClient({ GenerateSecret: true });
    await cognito.createUser('secretive', PASSWORD);
    const refreshToken = await signInWith(client.id, 'secretive');
    // Act / Assert
    await expect(getTokens(refreshToken, client.id)).rejects.toMatchObject({
      name: 'NotAuthorizedException',
    });
    await expect(getTokens(refreshToken, client.id, 'not0the0secret')).rejects.toMatchObject({
      name: 'NotAuthorizedException',
    });
    await expect(getTokens(refreshToken, client.id, client.secret)).resolves.toBeDefined();
    await expect(
      cognito.client.send(new RevokeTokenCommand({ ClientId: client.id, Token: refreshToken })),
    ).rejects.toMatchObject({ name: 'NotAuthorizedException' });
    await cognito.client.send(
      new RevokeTokenCommand({ ClientId: client.id, ClientSecret: client.secret, Token: refreshToken }),
    );
    await expect(getTokens(refreshToken, client.id, client.secret)).rejects.toMatchObject({
      name: 'NotAuthorizedException',
    });
  });

  it('refresh token rotation: a new refresh token of the same family; the old one and REFRESH_TOKEN_AUTH refused', async () => {
    // Arrange
    const client = await createClient({
      RefreshTokenRotation: { Feature: 'ENABLED', RetryGracePeriodSeconds: 0 },
    });
    await cognito.createUser('rotating', PASSWORD);
    const first = await signInWith(client.id, 'rotating');
    // Act
    const out = (await getTokens(first, client.id)).AuthenticationResult;
    // Assert
    const next = out?.RefreshToken ?? '';
    expect(next.split('.')).toHaveLength(5);
    expect(next).not.toBe(first);
    await expect(getTokens(first, client.id)).rejects.toMatchObject({ name: 'NotAuthorizedException' });
    const again = (await getTokens(next, client.id)).AuthenticationResult;
    expect(claims(again?.AccessToken ?? '').origin_jti).toBe(claims(out?.AccessToken ?? '').origin_jti);
    await expect(
      cognito.client.send(
        new InitiateAuthCommand({
          ClientId: client.id,
          AuthFlow: 'REFRESH_TOKEN_AUTH',
          AuthParameters: { REFRESH_TOKEN: again?.RefreshToken ?? '' },
        }),
      ),
    ).rejects.toMatchObject({ name: 'NotAuthorizedException' });
  });
});

/**
 * Cognito session management merged into the admin operations: listSessions shows Cognito's
 * sessions next to ours, and revoking a Cognito session id (`tkn…`) calls AdminRevokeUserSession and writes the
 * blocklist entries that make the API refuse that session's tokens.
 *
 * Mocked: AdminListUserSessions and AdminRevokeUserSession only, with aws-sdk-client-mock, because no emulator
 * implements them (cognito-local 5.3.0 has neither). The mocked answers follow the SDK's documented shapes (the
 * `SessionDescriptionType` of @aws-sdk/client-cognito-identity-provider 3.1169.0, including its own example). The
 * user lookups reach cognito-local and the table is dynalite.
 */
import {
  AdminListUserSessionsCommand,
  AdminRevokeUserSessionCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCognitoSessions } from '../../lambdas/adapters/cognito/user-sessions.js';
import { createCognitoDirectory } from '../../lambdas/adapters/cognito/user-directory.js';
import { createSdkStore } from '../../lambdas/adapters/dynamodb/sdk-store.js';
import { createLogger, createMetrics } from '../../lambdas/adapters/observability.js';
import { createAdminOperations } from '../../lambdas/admin-signout/operations.js';
import { parseAdminRequest } from '../../lambdas/admin-signout/request.js';
import { decide } from '../../lambdas/core/revocation.js';
import { lifetimePolicy } from '../../lambdas/core/lifetime.js';
import { type CognitoLocal, startCognitoLocal } from '../../local/cognito.js';
import { LOCAL_AWS, type LocalDynamo, startDynalite } from '../../local/dynalite.js';

const TABLE = 'blocklist-cognito-sessions';
const CLIENT = '1example23456789';
const T0 = Math.floor(Date.now() / 1000);
const TKN = 'tkna7b3c9d2e5f8g1h4j6k0m2n5p';
const policy = lifetimePolicy({ tokenLifetimeSeconds: 3600, refreshTokenLifetimeSeconds: 86400 });
let dynamo: LocalDynamo;
let cognito: CognitoLocal;
let ana: { username: string; sub: string };
const sessionsClient = new CognitoIdentityProviderClient({ ...LOCAL_AWS });
const sessionsMock = mockClient(sessionsClient);

function operations(withSessions = true) {
  const store = createSdkStore({ client: dynamo.client, tableName: TABLE });
  const sink = () => {};
  return {
    store,
    ops: createAdminOperations({
      reader: store,
      writer: store,
      inventory: store,
      directory: createCognitoDirectory({ client: cognito.client, userPoolId: cognito.userPoolId }),
      ...(withSessions
        ? {
            cognitoSessions: createCognitoSessions({
              client: sessionsClient,
              userPoolId: cognito.userPoolId,
            }),
          }
        : {}),
      policy,
      logger: createLogger({ service: 'admin-signout', sink }),
      metrics: createMetrics({ namespace: 'Test', service: 'admin-signout', sink }),
    }),
  };
}

/** Cognito's answer: the tracked token session created 10 min ago, last refreshed 1 min ago, and an SSO session. */
function listed() {
  return {
    Sessions: [
      {
        SessionId: TKN,
        SessionType: 'TOKEN' as const,
        ClientId: CLIENT,
        CreateDate: new Date((T0 - 600) * 1000),
        LastActiveDate: new Date((T0 - 60) * 1000),
        DeviceType: 'Chrome 125 / macOS 15.0',
        LastIPAddress: '192.0.2.42',
        LastLocation: { City: 'Seattle', Country: 'United States' },
        OriginSessionId: 'ssoq4r8s2t6u9v3w7x1y5z0a2b4c',
        IsCurrentSession: false,
      },
      {
        SessionId: 'ssoq4r8s2t6u9v3w7x1y5z0a2b4c',
        SessionType: 'SSO' as const,
        CreateDate: new Date((T0 - 700) * 1000),
        LastActiveDate: new Date((T0 - 600) * 1000),
      },
    ],
  };
}

beforeAll(async () => {
  [dynamo, cognito] = await Promise.all([startDynalite(), startCognitoLocal()]);
  await dynamo.createTable(TABLE);
  ana = await cognito.createUser('ana', 'Passw0rd!long');
  const { store } = operations(false);
  const record = (sessionId: string, clientId: string, issuedAt: number, triggerSource: string) =>
    store.record({
      sub: ana.sub,
      username: 'ana',
      sessionId,
      clientId,
      triggerSource,
      issuedAt,
      expiresAt: issuedAt + 3900,
    });
  await record('aa000001', CLIENT, T0 - 600, 'TokenGeneration_Authentication'); // the session's sign-in
  await record('aa000002', CLIENT, T0 - 60, 'TokenGeneration_RefreshTokens'); // its last refresh
  await record('aa000003', 'otherclient12345', T0 - 300, 'TokenGeneration_Authentication'); // another app
  await record('aa000004', CLIENT, T0 - 3000, 'TokenGeneration_Authentication'); // before the session existed
});
afterAll(async () => {
  sessionsMock.restore();
  await Promise.all([dynamo?.stop(), cognito?.stop()]);
});
beforeEach(() => {
  sessionsMock.reset();
  sessionsMock.on(AdminListUserSessionsCommand).resolves(listed());
  sessionsMock.on(AdminRevokeUserSessionCommand).resolves({});
});

describe('listSessions with Cognito session management', () => {
  it('shows Cognito’s sessions (device, IP, location, last active) next to ours', async () => {
    const result = await operations().ops.run({ operation: 'listSessions', user: 'ana' });
    expect(result).toMatchObject({
      ok: true,
      counts: { active: 4 },
      cognitoSessions: {
        tracked: true,
        sessions: [
          {
            sessionId: TKN,
            type: 'TOKEN',
            clientId: CLIENT,
            createdAt: T0 - 600,
            lastActiveAt: T0 - 60,
            device: 'Chrome 125 / macOS 15.0',
            ip: '192.0.2.42',
            location: { city: 'Seattle', country: 'United States' },
            originSessionId: 'ssoq4r8s2t6u9v3w7x1y5z0a2b4c',
          },
          { sessionId: 'ssoq4r8s2t6u9v3w7x1y5z0a2b4c', type: 'SSO' },
        ],
      },
    });
    expect(sessionsMock.commandCalls(AdminListUserSessionsCommand)[0]?.args[0].input).toEqual({
      UserPoolId: cognito.userPoolId,
      Username: 'ana',
    });
  });

  it('a pool without session tracking: our sessions, and why Cognito’s are missing', async () => {
    sessionsMock
      .on(AdminListUserSessionsCommand)
      .rejects(
        Object.assign(new Error('Feature unavailable'), { name: 'FeatureUnavailableInTierException' }),
      );
    const result = await operations().ops.run({ operation: 'listSessions', user: 'ana' });
    expect(result).toMatchObject({
      ok: true,
      cognitoSessions: { tracked: false, reason: expect.stringMatching(/unsupported/) },
    });
  });

  it('without COGNITO_SESSION_MANAGEMENT nothing is asked of Cognito', async () => {
    const result = await operations(false).ops.run({ operation: 'listSessions', user: 'ana' });
    expect(result).not.toHaveProperty('cognitoSessions');
    expect(sessionsMock.calls()).toHaveLength(0);
  });
});

describe('revoking a Cognito session id', () => {
  it('revokeSession with a tkn… id: AdminRevokeUserSession, then the API refuses the session’s tokens (and only those)', async () => {
    // Act
    const result = await operations().ops.run({
      operation: 'revokeSession',
      user: 'ana',
      sessionId: TKN,
      actor: 'ops',
      reason: 'lost phone',
    });
    // Assert
    expect(result).toMatchObject({
      ok: true,
      operation: 'revokeCognitoSession',
      cognitoSessionId: TKN,
      cognito: { done: true },
      matched: [
        { sessionId: 'aa000001', issuedAt: T0 - 600 },
        { sessionId: 'aa000002', issuedAt: T0 - 60 },
      ],
    });
    expect(sessionsMock.commandCalls(AdminRevokeUserSessionCommand)[0]?.args[0].input).toEqual({
      UserPoolId: cognito.userPoolId,
      Username: 'ana',
      SessionId: TKN,
    });
    const entries = await operations().store.readUser(ana.sub);
    const token = (sessionId: string) => ({
      sub: ana.sub,
      issuedAt: T0 - 60,
      expiresAt: T0 + 3000,
      sessionId,
    });
    expect(decide(token('aa000001'), entries, T0).revoked).toBe(true);
    expect(decide(token('aa000002'), entries, T0).revoked).toBe(true);
    expect(decide(token('aa000003'), entries, T0).revoked).toBe(false); // another app client
    expect(decide(token('aa000004'), entries, T0).revoked).toBe(false); // an earlier sign-in
  });

  it('a session Cognito does not list is refused (nothing written, nothing revoked)', async () => {
    const result = await operations().ops.run({
      operation: 'revokeCognitoSession',
      user: 'ana',
      cognitoSessionId: 'tknzzzzzzzzzzzzzzzzzzzzzzzzz',
      actor: 'ops',
      reason: 'x',
    });
    expect(result).toMatchObject({
      ok: false,
      matched: false,
      written: false,
      error: { code: 'session_not_found' },
    });
    expect(sessionsMock.commandCalls(AdminRevokeUserSessionCommand)).toHaveLength(0);
  });

  it('request validation: only tkn/sso ids of 28 characters', () => {
    expect(() =>
      parseAdminRequest({
        operation: 'revokeCognitoSession',
        user: 'ana',
        cognitoSessionId: 'tkn123',
        actor: 'a',
        reason: 'r',
      }),
    ).toThrow(/Cognito session id/);
    expect(
      parseAdminRequest({ operation: 'revokeSession', user: 'ana', sessionId: TKN, actor: 'a', reason: 'r' }),
    ).toMatchObject({
      operation: 'revokeCognitoSession',
      cognitoSessionId: TKN,
    });
    // Our own (hex) session ids keep their meaning.
    expect(
      parseAdminRequest({
        operation: 'revokeSession',
        user: 'ana',
        sessionId: 'aa000001',
        actor: 'a',
        reason: 'r',
      }),
    ).toMatchObject({
      operation: 'revokeSession',
      sessionId: 'aa000001',
    });
  });
});

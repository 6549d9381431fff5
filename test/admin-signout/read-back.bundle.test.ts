/**
 * "ok means in force", on the BUILT admin function (dist/admin-signout) against dynalite and cognito-local: every
 * revocation is read back (the authorizer's own Query) and judged by the authorizer's own `decide`; `ok`, `inForce`
 * and `written` come from that read, never from a write that returned. A test proxy in front of dynalite answers
 * chosen writes with success without forwarding them — a write that "returned" but is not in the table — which only
 * the read-back can see. And a session id that matches no recorded session of the user is refused: nothing written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSdkStore } from '../../lambdas/adapters/dynamodb/sdk-store.js';
import type { AdminResult, RevokeResult, SignOutResult } from '../../lambdas/revocation/results.js';
import { type CognitoLocal, startCognitoLocal } from '../../local/cognito.js';
import { type LocalDynamo, startDynalite } from '../../local/dynalite.js';
import { loadBundle } from '../fixtures/bundles.js';
import { captureOutput } from '../support/capture.js';
import { type DynamoProxy, startDynamoProxy } from '../fixtures/dynamo-proxy.js';

type Handler = (event: unknown, context?: { getRemainingTimeInMillis(): number }) => Promise<AdminResult>;
const TABLE = 'blocklist-read-back';
const context = { getRemainingTimeInMillis: () => 30_000 };
let dynamo: LocalDynamo;
let cognito: CognitoLocal;
let proxy: DynamoProxy;
let handler: Handler;

/** The sort key of a PutItem request, e.g. `rev#user`, `rev#token#<jti>`. */
const sortKey = (request: Record<string, unknown>) =>
  String((request.Item as Record<string, { S?: string }> | undefined)?.sk?.S ?? '');

async function quietly<T>(run: () => Promise<T>): Promise<T> {
  const output = captureOutput({ stderr: false });
  try {
    return await run();
  } finally {
    output.restore();
  }
}

beforeAll(async () => {
  [dynamo, cognito] = await Promise.all([startDynalite(), startCognitoLocal()]);
  await dynamo.createTable(TABLE);
  proxy = await startDynamoProxy(dynamo.endpoint);
  handler = loadBundle<{ handler: Handler }>('admin-signout', {
    TABLE_NAME: TABLE,
    USER_POOL_ID: cognito.userPoolId,
    AWS_ENDPOINT_URL_DYNAMODB: proxy.endpoint,
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: cognito.endpoint,
    TOKEN_LIFETIME_SECONDS: '3600',
    REFRESH_TOKEN_LIFETIME_SECONDS: '86400',
  }).handler;
});
afterAll(async () => {
  await Promise.all([proxy?.stop(), dynamo?.stop(), cognito?.stop()]);
});

describe('ok means in force: the read-back decides', () => {
  it('signOutUser whose watermark write returned but is not stored: ok false, not in force, exposed until the last token expires', async () => {
    // Arrange
    const gus = await cognito.createUser('gus', 'Passw0rd!long');
    proxy.acknowledgeWithoutWriting('PutItem', 1, (r) => sortKey(r) === 'rev#user');
    // Act
    const result = (await quietly(() =>
      handler({ operation: 'signOutUser', user: 'gus', actor: 'ops', reason: 'test' }, context),
    )) as SignOutResult;
    // Assert: the read found no watermark; the write's return proved nothing.
    const stored = await createSdkStore({ client: dynamo.client, tableName: TABLE }).readUser(gus.sub);
    expect(stored.filter((e) => e.scope === 'user')).toEqual([]);
    expect(result.ok).toBe(false);
    expect(result.cognitoSignOut).toEqual({ done: true });
    expect(result.watermark).toMatchObject({ written: false, inForce: false });
    expect(result.readBack).toMatchObject({
      inForce: false,
      exposedUntil: result.watermark.notBefore + 3600,
    });
    expect(result.readBack.missing.join(' ')).toContain('the user watermark: no entry in force revokes it');
    expect(result.error?.message).toContain('not proven in force by the read-back');
  });

  it('revokeToken whose write returned but is not stored: written false, ok false, exposed until the token’s exp', async () => {
    // Arrange
    await cognito.createUser('hal', 'Passw0rd!long');
    const exp = Math.floor(Date.now() / 1000) + 1800;
    proxy.acknowledgeWithoutWriting('PutItem', 1, (r) => sortKey(r) === 'rev#token#leaked-jti');
    // Act
    const result = (await quietly(() =>
      handler(
        { operation: 'revokeToken', user: 'hal', jti: 'leaked-jti', exp, actor: 'ops', reason: 'r' },
        context,
      ),
    )) as RevokeResult;
    // Assert
    expect(result).toMatchObject({ ok: false, written: false, error: { code: 'incomplete' } });
    expect(result.readBack).toMatchObject({ inForce: false, exposedUntil: exp });
  });

  it('the same operations with the writes stored: ok true, every proof in force', async () => {
    const ivy = await cognito.createUser('ivy', 'Passw0rd!long');
    const signOut = (await quietly(() =>
      handler({ operation: 'signOutUser', user: 'ivy', actor: 'ops', reason: 'test' }, context),
    )) as SignOutResult;
    const token = (await quietly(() =>
      handler(
        { operation: 'revokeToken', user: ivy.sub, jti: 'ivy-jti', actor: 'ops', reason: 'r' },
        context,
      ),
    )) as RevokeResult;
    expect(signOut).toMatchObject({ ok: true, watermark: { written: true, inForce: true } });
    expect(signOut.readBack).toEqual({ inForce: true, readAt: expect.any(Number), missing: [] });
    expect(token).toMatchObject({ ok: true, written: true, readBack: { inForce: true, missing: [] } });
  });
});

describe('revokeSession: an id that matches no recorded session is not a success', () => {
  it('a 12-character prefix of a recorded id, or "1234": matched false, ok false, nothing written; force writes it', async () => {
    // Arrange
    const joy = await cognito.createUser('joy', 'Passw0rd!long');
    const store = createSdkStore({ client: dynamo.client, tableName: TABLE });
    const now = Math.floor(Date.now() / 1000);
    const sessionId = 'e5897be8a279d30c1879f581a0d889f3';
    await store.record({
      sub: joy.sub,
      username: 'joy',
      sessionId,
      clientId: 'c',
      triggerSource: 'TokenGeneration_Authentication',
      issuedAt: now - 60,
      expiresAt: now - 60 + 3900,
    });
    const ask = (id: string, force?: boolean) =>
      quietly(() =>
        handler(
          {
            operation: 'revokeSession',
            user: 'joy',
            sessionId: id,
            actor: 'ops',
            reason: 'r',
            ...(force ? { force } : {}),
          },
          context,
        ),
      );
    const before = JSON.stringify(await store.readUser(joy.sub));
    // Act
    const prefix = await ask(sessionId.slice(0, 12));
    const digits = await ask('1234');
    const untouched = JSON.stringify(await store.readUser(joy.sub));
    const full = await ask(sessionId);
    const forced = await ask('id-from-an-unrecorded-token', true);
    // Assert
    for (const [result, id] of [
      [prefix, sessionId.slice(0, 12)],
      [digits, '1234'],
    ] as const)
      expect(result).toEqual({
        ok: false,
        operation: 'revokeSession',
        user: joy,
        id,
        matched: false,
        written: false,
        error: { code: 'session_not_found', message: expect.stringContaining(`no recorded session "${id}"`) },
      });
    expect(untouched).toBe(before);
    expect(full).toMatchObject({
      ok: true,
      matched: true,
      written: true,
      revocation: { scope: 'session', id: sessionId },
    });
    // With the record, the entry lives as long as the session's tokens (the record's expiry).
    expect((full as RevokeResult).revocation.expiresAt).toBe(now - 60 + 3900);
    expect(forced).toMatchObject({ ok: true, matched: false, written: true });
  });
});

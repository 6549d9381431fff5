/**
 * A decoy account, on the built admin bundle (dist/admin-signout), against cognito-local and dynalite, unmocked:
 * a thief registers an account whose username is the victim's `sub`. Every operation that takes a user must refuse
 * the victim's sub as ambiguous (naming both users) and write nothing — before the fix, `signOutUser <sub>` signed
 * the decoy out with `ok: true` while the victim's tokens kept passing.
 */
import { randomUUID } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminResult } from '../../lambdas/revocation/results.js';
import { type CognitoLocal, startCognitoLocal } from '../../local/cognito.js';
import { type LocalDynamo, startDynalite } from '../../local/dynalite.js';
import { loadBundle } from '../fixtures/bundles.js';
import { captureOutput } from '../support/capture.js';

type Handler = (event: unknown, context?: { getRemainingTimeInMillis(): number }) => Promise<AdminResult>;
const TABLE = 'blocklist-user-lookup';
let dynamo: LocalDynamo;
let cognito: CognitoLocal;
let victim: { username: string; sub: string };
let decoy: { username: string; sub: string };
let handler: Handler;

beforeAll(async () => {
  [dynamo, cognito] = await Promise.all([startDynalite(), startCognitoLocal()]);
  await dynamo.createTable(TABLE);
  // cognito-local refuses a username equal to an existing sub, so the decoy comes first and the victim is given
  // the decoy's username as its sub (AdminCreateUser takes a `sub` attribute there). Same pool state either way.
  decoy = await cognito.createUser(randomUUID(), 'Passw0rd!long');
  victim = await cognito.createUser('victim', 'Passw0rd!long', { sub: decoy.username });
  handler = loadBundle<{ handler: Handler }>('admin-signout', {
    TABLE_NAME: TABLE,
    USER_POOL_ID: cognito.userPoolId,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: cognito.endpoint,
    TOKEN_LIFETIME_SECONDS: '3600',
  }).handler;
});
afterAll(async () => {
  await Promise.all([dynamo?.stop(), cognito?.stop()]);
});

async function call(request: Record<string, unknown>): Promise<AdminResult> {
  const output = captureOutput({ stderr: false });
  try {
    return await handler(request, { getRemainingTimeInMillis: () => 30_000 });
  } finally {
    output.restore();
  }
}

async function itemCount(): Promise<number> {
  const out = await dynamo.client.send(new ScanCommand({ TableName: TABLE, ConsistentRead: true }));
  return out.Count ?? 0;
}

describe('a decoy account named after the victim’s sub', () => {
  it('the setup is the attack: the decoy’s username is the victim’s sub', () => {
    expect(decoy.username).toBe(victim.sub);
    expect(decoy.sub).not.toBe(victim.sub);
  });

  it.each([
    ['signOutUser', { operation: 'signOutUser', actor: 'ops', reason: 'stolen laptop' }],
    ['listSessions', { operation: 'listSessions' }],
  ])('%s by the victim’s sub: ambiguous_user naming both users, nothing written', async (_name, request) => {
    // Act
    const result = await call({ ...request, user: victim.sub });
    // Assert
    expect(result).toMatchObject({ ok: false, error: { code: 'ambiguous_user' } });
    const message = (result as { error: { message: string } }).error.message;
    expect(message).toContain('"victim"');
    expect(message).toContain(decoy.sub);
    expect(message).toContain('nothing done');
    expect(await itemCount()).toBe(0);
  });

  it('by the victim’s username, the victim is signed out (never the decoy)', async () => {
    // Act
    const result = await call({ operation: 'signOutUser', user: 'victim', actor: 'ops', reason: 'stolen' });
    // Assert: the patched cognito-local signs the victim out at Cognito too.
    expect(result).toMatchObject({
      ok: true,
      operation: 'signOutUser',
      cognitoSignOut: { done: true },
      user: { username: 'victim', sub: victim.sub },
      watermark: { inForce: true },
    });
  });

  it('the decoy’s own sub names only the decoy', async () => {
    const result = await call({ operation: 'listSessions', user: decoy.sub });
    expect(result).toMatchObject({ ok: true, user: { username: decoy.username, sub: decoy.sub } });
  });
});

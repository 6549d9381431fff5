/**
 * A sub in upper case on the built admin bundle (dist/admin-signout), against cognito-local and dynalite, unmocked.
 * Cognito assigns subs in lower case and the `sub` filter of ListUsers is an exact match; a thief registers an
 * account whose username is the victim's sub in UPPER case. Before the directory canonicalised sub-shaped input,
 * `signOutUser <SUB>` found no user by sub, found the decoy by username, and signed the decoy out with `ok: true`
 * while the victim's tokens kept passing. Now the input names two users: refused (`ambiguous_user`), nothing written.
 */
import { randomUUID } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminResult } from '../../lambdas/revocation/results.js';
import { type CognitoLocal, startCognitoLocal } from '../../local/cognito.js';
import { type LocalDynamo, startDynalite } from '../../local/dynalite.js';
import { loadBundle } from '../fixtures/bundles.js';
import { captureOutput } from '../support/capture.js';
import { type CognitoRecorder, startCognitoRecorder } from '../support/cognito-recorder.js';

type Handler = (event: unknown, context?: { getRemainingTimeInMillis(): number }) => Promise<AdminResult>;
const TABLE = 'blocklist-upper-case-sub';
let dynamo: LocalDynamo;
let cognito: CognitoLocal;
let proxy: CognitoRecorder;
let victim: { username: string; sub: string };
let decoy: { username: string; sub: string };
let handler: Handler;

beforeAll(async () => {
  [dynamo, cognito] = await Promise.all([startDynalite(), startCognitoLocal()]);
  proxy = await startCognitoRecorder(cognito.endpoint);
  await dynamo.createTable(TABLE);
  // cognito-local refuses a username equal to an existing sub, so the decoy comes first (named with an upper-case
  // UUID) and the victim is given that UUID in lower case as its sub. Same pool state either way.
  decoy = await cognito.createUser(randomUUID().toUpperCase(), 'Passw0rd!long');
  victim = await cognito.createUser('victim', 'Passw0rd!long', { sub: decoy.username.toLowerCase() });
  handler = loadBundle<{ handler: Handler }>('admin-signout', {
    TABLE_NAME: TABLE,
    USER_POOL_ID: cognito.userPoolId,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: proxy.endpoint,
    TOKEN_LIFETIME_SECONDS: '3600',
  }).handler;
});
afterAll(async () => {
  await Promise.all([dynamo?.stop(), cognito?.stop(), proxy?.stop()]);
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

describe('a decoy account named after the victim’s sub in upper case', () => {
  it('the setup is the attack: the decoy’s username is the victim’s sub, upper-cased', () => {
    expect(victim.sub).toBe(victim.sub.toLowerCase());
    expect(decoy.username).toBe(victim.sub.toUpperCase());
    expect(decoy.sub).not.toBe(victim.sub);
  });

  it('signOutUser by the upper-case sub: ambiguous_user naming both users, nothing written, nobody signed out', async () => {
    // Arrange
    const signOutsBefore = proxy.signOuts.length;
    // Act
    const result = await call({
      operation: 'signOutUser',
      user: victim.sub.toUpperCase(),
      actor: 'ops',
      reason: 'stolen laptop',
    });
    // Assert
    expect(result).toMatchObject({ ok: false, error: { code: 'ambiguous_user' } });
    const message = (result as { error: { message: string } }).error.message;
    expect(message).toContain('"victim"');
    expect(message).toContain(decoy.sub);
    expect(await itemCount()).toBe(0);
    expect(proxy.signOuts.slice(signOutsBefore)).toEqual([]);
  });

  it('by the victim’s username, the victim is signed out (never the decoy)', async () => {
    // Act
    const result = await call({ operation: 'signOutUser', user: 'victim', actor: 'ops', reason: 'stolen' });
    // Assert
    expect(result).toMatchObject({ ok: true, user: { username: 'victim', sub: victim.sub } });
  });
});

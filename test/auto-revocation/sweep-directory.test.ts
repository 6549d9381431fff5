/**
 * The sweep's existence checks (lambdas/adapters/cognito/sweep-directory.ts) against cognito-local:
 * - an owner found by its recorded username with the same `sub` exists (no sub lookup made);
 * - a deleted owner whose username was taken again by a new account is gone (the new account is another user);
 * - an owner whose recorded username is wrong but whose `sub` exists is NOT gone (a wrong record never revokes);
 * - an owner without a recorded username is looked up by `sub`.
 * (A refused PaginationToken is covered in sweep-core.test.ts: cognito-local answers ListUsers in one page.)
 */
import { AdminCreateUserCommand, AdminDeleteUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCognitoSweepDirectory,
  type SweepDirectory,
} from '../../lambdas/adapters/cognito/sweep-directory.js';
import { type CognitoLocal, startCognitoLocal } from '../../local/cognito.js';
import { type CognitoRecorder, startCognitoRecorder } from '../support/cognito-recorder.js';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { LOCAL_AWS } from '../../local/dynalite.js';

let cognito: CognitoLocal;
let proxy: CognitoRecorder;
let directory: SweepDirectory;

async function create(username: string): Promise<string> {
  const out = await cognito.client.send(
    new AdminCreateUserCommand({
      UserPoolId: cognito.userPoolId,
      Username: username,
      MessageAction: 'SUPPRESS',
    }),
  );
  return out.User?.Attributes?.find((a) => a.Name === 'sub')?.Value as string;
}

beforeAll(async () => {
  cognito = await startCognitoLocal();
  proxy = await startCognitoRecorder(cognito.endpoint);
  directory = createCognitoSweepDirectory({
    client: new CognitoIdentityProviderClient({ ...LOCAL_AWS, endpoint: proxy.endpoint }),
    userPoolId: cognito.userPoolId,
  });
}, 60_000);

afterAll(async () => {
  await proxy?.stop();
  await cognito?.stop();
});

describe('which session owners are gone', () => {
  it('decides on the sub, never on the username alone', async () => {
    // Arrange
    const presentSub = await create('present');
    const reusedOldSub = await create('reused');
    await cognito.client.send(
      new AdminDeleteUserCommand({ UserPoolId: cognito.userPoolId, Username: 'reused' }),
    );
    await create('reused'); // a new account under the same username
    const misrecordedSub = await create('real-name');
    const unnamedSub = await create('unnamed');
    const filtersBefore = proxy.listFilters.length;
    // Act
    const result = await directory.whichGone([
      { sub: presentSub, latestIssuedAt: 1, username: 'present' },
      { sub: reusedOldSub, latestIssuedAt: 1, username: 'reused' },
      { sub: misrecordedSub, latestIssuedAt: 1, username: 'wrong-name' },
      { sub: unnamedSub, latestIssuedAt: 1 },
    ]);
    const subLookups = proxy.listFilters.slice(filtersBefore);
    // Assert
    expect(result.failures).toEqual([]);
    expect(result.gone.map((o) => o.sub)).toEqual([reusedOldSub]);
    expect(subLookups.sort()).toEqual(
      [`sub = "${reusedOldSub}"`, `sub = "${misrecordedSub}"`, `sub = "${unnamedSub}"`].sort(),
    );
  });
});

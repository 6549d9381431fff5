/**
 * The Cognito user directory adapter against cognito-local: resolving by username, by sub, not found, filter
 * injection, and errors mapped to kinds. AdminUserGlobalSignOut is not implemented by cognito-local: the adapter
 * must surface that as an error (the admin operations then report Cognito's sign-out as not done).
 *
 * Finding 3 (decoy accounts): cognito-local implements the ListUsers filters used here (`sub = "…"` and
 * `username = "…"`, exact and case-sensitive) and accepts a UUID as a username, so the decoy attack runs against
 * the emulator unmocked. Its AdminGetUser, like Cognito's, also accepts a sub as the Username.
 */
import { randomUUID } from 'node:crypto';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCognitoDirectory,
  toDirectoryError,
} from '../../../lambdas/adapters/cognito/user-directory.js';
import { DirectoryError, type UserDirectory } from '../../../lambdas/core/directory.js';
import { type CognitoLocal, startCognitoLocal } from '../../../local/cognito.js';
import { LOCAL_AWS } from '../../../local/dynalite.js';
import { closedPortEndpoint } from '../../fixtures/network.js';

let cognito: CognitoLocal;
let directory: UserDirectory;
let kim: { username: string; sub: string };
let lee: { username: string; sub: string };
let decoy: { username: string; sub: string };

beforeAll(async () => {
  cognito = await startCognitoLocal();
  // A thief's account whose username is kim's sub (a sub is in every token and log). cognito-local refuses a
  // username equal to an existing sub, so the decoy is created first and kim is given that sub (AdminCreateUser
  // takes a `sub` attribute there); the lookups see the same pool either way.
  decoy = await cognito.createUser(randomUUID(), 'Passw0rd!long');
  const kimSub = decoy.username;
  kim = await cognito.createUser('kim', 'Passw0rd!long', { email: 'kim@example.com', sub: kimSub });
  lee = await cognito.createUser('lee', 'Passw0rd!long');
  directory = createCognitoDirectory({ client: cognito.client, userPoolId: cognito.userPoolId });
});
afterAll(async () => {
  await cognito?.stop();
});

describe('resolve', () => {
  it('finds a user by username and by sub', async () => {
    // Act
    const byName = await directory.resolve('kim');
    const bySub = await directory.resolve(lee.sub);
    // Assert
    expect(byName).toMatchObject({ username: 'kim', sub: kim.sub, enabled: true });
    expect(bySub).toMatchObject({ username: 'lee', sub: lee.sub });
  });

  it('resolves a sub-shaped input as a sub first; a decoy named after that sub makes it ambiguous, naming both', async () => {
    // Act
    const error = await directory.resolve(kim.sub).catch((e: unknown) => e);
    // Assert
    expect(error).toBeInstanceOf(DirectoryError);
    const e = error as DirectoryError;
    expect(e.kind).toBe('ambiguous');
    expect(e.message).toContain('"kim"');
    expect(e.message).toContain(decoy.sub);
    expect(e.candidates.map((c) => c.username).sort()).toEqual([decoy.username, 'kim'].sort());
    expect(e.candidates.find((c) => c.username === 'kim')?.matchedAs).toBe('sub');
  });

  it('a sub-shaped input naming one user only is that user (lee by sub, the decoy by its own sub)', async () => {
    expect(await directory.resolve(lee.sub)).toMatchObject({
      username: 'lee',
      sub: lee.sub,
      matchedAs: 'sub',
    });
    expect(await directory.resolve(decoy.sub)).toMatchObject({ username: kim.sub, sub: decoy.sub });
    expect(kim.sub).toBe(decoy.username);
  });

  it('the victim stays reachable by username, never the decoy', async () => {
    expect(await directory.resolve('kim')).toMatchObject({ username: 'kim', sub: kim.sub });
  });

  it('answers undefined for a user that does not exist', async () => {
    expect(await directory.resolve('nobody')).toBeUndefined();
    expect(await directory.resolve('00000000-0000-4000-8000-000000000000')).toBeUndefined();
  });

  it.each(['" or sub ^= "', 'x" or username = "lee', 'back\\slash', 'tab\there'])(
    'cannot be steered to another user through the ListUsers filter: %j',
    async (input) => {
      expect(await directory.resolve(input)).toBeUndefined();
    },
  );

  it('maps an unreachable Cognito to kind "unavailable"', async () => {
    // Arrange
    const client = new CognitoIdentityProviderClient({
      ...LOCAL_AWS,
      endpoint: await closedPortEndpoint(),
      maxAttempts: 1,
    });
    const unreachable = createCognitoDirectory({ client, userPoolId: cognito.userPoolId });
    // Act
    const error = await unreachable.resolve('kim').catch((e: unknown) => e);
    // Assert
    expect(error).toBeInstanceOf(DirectoryError);
    expect((error as DirectoryError).kind).toBe('unavailable');
    client.destroy();
  });
});

describe('globalSignOut', () => {
  // cognito-local implements AdminUserGlobalSignOut through this project's patch (patches/cognito-local+5.3.0.patch).
  it('signs the user out at Cognito: the refresh token is refused afterwards', async () => {
    // Arrange
    await cognito.createUser('mo', 'Passw0rd!long');
    const tokens = await cognito.signIn('mo', 'Passw0rd!long');
    // Act
    await directory.globalSignOut('mo');
    // Assert
    await expect(cognito.refresh(tokens.refreshToken)).rejects.toMatchObject({
      name: 'NotAuthorizedException',
    });
  });

  it('an unknown user is a DirectoryError, never a success', async () => {
    const error = await directory.globalSignOut('nobody-here').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DirectoryError);
    expect((error as DirectoryError).kind).toBe('not_found');
  });
});

describe('toDirectoryError', () => {
  it.each([
    ['UserNotFoundException', 400, 'not_found'],
    ['NotAuthorizedException', 400, 'denied'],
    ['AccessDeniedException', 400, 'denied'],
    ['TooManyRequestsException', 400, 'throttled'],
    ['InternalErrorException', 500, 'unavailable'],
    ['InvalidParameterException', 400, 'unknown'],
  ])('%s (%i) → %s', (name, status, kind) => {
    const error = Object.assign(new Error('x'), { name, $metadata: { httpStatusCode: status } });
    expect(toDirectoryError(error).kind).toBe(kind);
  });
});

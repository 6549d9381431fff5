// cognito-local as the local stack runs it: AWS-format pool id and issuer (so aws-jwt-verify's Cognito verifier
// accepts its tokens unchanged), triggers through the Lambda endpoint (test-only fixture trigger), clean stop.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import { join } from 'node:path';
import { AdminGetUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CognitoLocal, type CognitoLocalHosting, startCognitoLocal } from '../../local/cognito.js';
import { type LambdaEndpoint, ROOT, startLambdaEndpoint } from '../../local/lambda-endpoint.js';
import { portClosed, processGone } from './leftovers.js';

const TRIGGER = join(ROOT, 'test', 'e2e', 'fixtures', 'trigger-fixture.cjs');
const claims = (jwt: string) =>
  JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8'));

describe('cognito-local runner', () => {
  let lambda: LambdaEndpoint;
  let cognito: CognitoLocal;

  beforeAll(async () => {
    lambda = await startLambdaEndpoint({
      functions: [{ name: 'trigger', bundle: TRIGGER, env: { FIXTURE_VALUE: 'from-trigger' } }],
    });
    cognito = await startCognitoLocal({
      lambdaEndpoint: lambda.endpoint,
      triggers: { PreTokenGeneration: 'trigger', PostAuthentication: 'trigger' },
      users: [{ username: 'alice', password: 'Correct-Horse-1', attributes: { email: 'alice@example.com' } }],
      tokenValidity: { idTokenMinutes: 5, accessTokenMinutes: 10 },
    });
  });
  afterAll(async () => {
    await cognito?.stop();
    await lambda?.stop();
  });

  it('mints tokens with an AWS-format pool id and the real issuer that the production verifier accepts', async () => {
    // Arrange
    expect(cognito.userPoolId).toMatch(/^us-east-1_[0-9A-Za-z]{9}$/);
    expect(cognito.issuer).toBe(`https://cognito-idp.us-east-1.amazonaws.com/${cognito.userPoolId}`);
    const jwks = await (await fetch(cognito.jwksUri)).json();
    const verifier = CognitoJwtVerifier.create({
      userPoolId: cognito.userPoolId,
      clientId: cognito.clientId,
      tokenUse: null,
    });
    verifier.cacheJwks(jwks as never);
    // Act
    const tokens = await cognito.signIn('alice', 'Correct-Horse-1');
    // Assert
    const id = await verifier.verify(tokens.idToken, { tokenUse: 'id' });
    const access = await verifier.verify(tokens.accessToken, { tokenUse: 'access' });
    expect(id.iss).toBe(cognito.issuer);
    expect(id['cognito:username']).toBe('alice');
    expect(access.client_id).toBe(cognito.clientId);
    expect(id.exp - id.iat).toBe(300);
    expect(access.exp - access.iat).toBe(600);
  });

  it('calls PostAuthentication then PreTokenGeneration (V2 event) through the Lambda endpoint; claims reach both tokens', async () => {
    // Arrange
    const before = lambda.logs('trigger').length;
    // Act
    const tokens = await cognito.signIn('alice', 'Correct-Horse-1');
    // Assert
    const sources = lambda
      .logs('trigger')
      .slice(before)
      .map((l) => JSON.parse(l).source);
    expect(sources).toEqual(['PostAuthentication_Authentication', 'TokenGeneration_Authentication']);
    expect(claims(tokens.idToken).fixture_claim).toBe('from-trigger');
    expect(claims(tokens.accessToken).fixture_claim).toBe('from-trigger'); // patched: V2 responses applied
    expect(claims(tokens.accessToken).origin_jti).toBe(claims(tokens.idToken).origin_jti); // patched
  });

  it('refuses a wrong password', async () => {
    await expect(cognito.signIn('alice', 'wrong-Password-1')).rejects.toThrow();
  });

  it('creates further users and refreshes tokens', async () => {
    const bob = await cognito.createUser('bob', 'Correct-Horse-2');
    const tokens = await cognito.signIn('bob', 'Correct-Horse-2');
    const refreshed = await cognito.refresh(tokens.refreshToken);
    expect(claims(tokens.idToken).sub).toBe(bob.sub);
    expect(claims(refreshed.idToken).sub).toBe(bob.sub);
  });
});

/** The child's process id: `hosting: 'child'` always has one. */
function childPid(cognito: CognitoLocal): number {
  if (cognito.pid === undefined) throw new Error('a child-hosted cognito-local has a pid');
  return cognito.pid;
}

describe('cognito-local lifecycle, as a child process (npm start, the demo)', () => {
  it('stops its child process, removes its temporary directory and closes its port', async () => {
    // Arrange
    const cognito = await startCognitoLocal({ hosting: 'child' });
    expect(existsSync(join(cognito.directory, '.cognito', 'config.json'))).toBe(true);
    expect(processGone(childPid(cognito))).toBe(false);
    // Act
    await cognito.stop();
    // Assert
    expect(existsSync(cognito.directory)).toBe(false);
    expect(await portClosed(cognito.port)).toBe(true);
    expect(processGone(childPid(cognito))).toBe(true);
  });

  it.each(['SIGTERM', 'SIGHUP', 'SIGINT'] as const)(
    'a %s that reaches cognito-local itself (its process group was signalled) removes its directory',
    async (signal) => {
      // Arrange
      const cognito = await startCognitoLocal({ hosting: 'child' });
      const pid = childPid(cognito);
      try {
        // Act: the signal to the child, as a terminal closing or `kill -- -<pgid>` delivers it
        process.kill(pid, signal);
        const until = Date.now() + 5000;
        while (!processGone(pid) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
        // Assert: gone, and its directory (plain-text passwords, refresh tokens) with it, without the parent's help
        expect(processGone(pid)).toBe(true);
        expect(existsSync(cognito.directory)).toBe(false);
      } finally {
        await cognito.stop();
      }
    },
  );

  it('says in one line when the emulator does not come up, and removes what it created', async () => {
    await expectTimeoutMessage('child');
  });

  it('says which port is in use', async () => {
    await expectPortInUse('child');
  });
});

describe('cognito-local lifecycle, in this process (the tests)', () => {
  it('serves from this process; stop() closes its port, open connections included, and removes its directory', async () => {
    // Arrange: a connection held open, as an SDK client's keep-alive socket is
    const cognito = await startCognitoLocal({ hosting: 'in-process' });
    expect(cognito.pid).toBeUndefined();
    expect(existsSync(join(cognito.directory, '.cognito', 'config.json'))).toBe(true);
    const { sub } = await cognito.createUser('carol', 'Correct-Horse-3');
    expect(claims((await cognito.signIn('carol', 'Correct-Horse-3')).idToken).sub).toBe(sub);
    const socket = connect(cognito.port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    const closed = new Promise((resolve) => socket.once('close', resolve));
    // Act
    await cognito.stop();
    // Assert
    await closed;
    expect(existsSync(cognito.directory)).toBe(false);
    expect(await portClosed(cognito.port)).toBe(true);
  });

  it('keeps each server’s state in its own directory: two at once, neither sees the other’s users', async () => {
    // Arrange
    const [a, b] = await Promise.all([
      startCognitoLocal({ hosting: 'in-process' }),
      startCognitoLocal({ hosting: 'in-process' }),
    ]);
    try {
      // Act
      await a.createUser('only-in-a', 'Correct-Horse-4');
      // Assert
      const lookUp = (c: CognitoLocal) =>
        c.client.send(new AdminGetUserCommand({ UserPoolId: c.userPoolId, Username: 'only-in-a' }));
      await expect(lookUp(a)).resolves.toMatchObject({ Username: 'only-in-a' });
      await expect(lookUp(b)).rejects.toMatchObject({ name: 'UserNotFoundException' });
      await expect(a.signIn('only-in-a', 'Correct-Horse-4')).resolves.toBeDefined();
      await expect(b.signIn('only-in-a', 'Correct-Horse-4')).rejects.toMatchObject({
        name: 'NotAuthorizedException',
      });
      expect(a.directory).not.toBe(b.directory);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it('says in one line when the emulator does not come up, and removes what it created', async () => {
    await expectTimeoutMessage('in-process');
  });

  it('says which port is in use', async () => {
    await expectPortInUse('in-process');
  });
});

async function expectTimeoutMessage(hosting: CognitoLocalHosting): Promise<void> {
  // Arrange: a private TMPDIR so the check sees only this start's directory
  const saved = process.env.TMPDIR;
  const tmp = mkdtempSync(join(tmpdir(), 'cognito-fail-'));
  process.env.TMPDIR = tmp;
  try {
    // Act / Assert
    await expect(startCognitoLocal({ startTimeoutMs: 1, hosting })).rejects.toThrow(
      'cognito-local did not start within 0.001 s: check `npm ci` completed (node_modules/cognito-local).',
    );
    expect(readdirSync(tmp)).toEqual([]);
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
    rmSync(tmp, { recursive: true, force: true });
  }
}

async function expectPortInUse(hosting: CognitoLocalHosting): Promise<void> {
  const first = await startCognitoLocal({ hosting });
  try {
    await expect(startCognitoLocal({ port: first.port, hosting })).rejects.toThrow(
      `Port ${first.port} is in use (cognito-local): free it or pick another port.`,
    );
  } finally {
    await first.stop();
  }
}

/**
 * The sweep makes progress across runs and never calls an unfinished pass a success — on the BUILT functions
 * (dist/auto-revocation, dist/authorizer) against dynalite and cognito-local (`../support/cognito-recorder.ts` only
 * records the ListUsers filters the function sent).
 *
 * 260 users with recorded sessions; 60 deleted and 40 disabled without any event reaching the function. Each run
 * has a 2.5 s budget and small steps (`batchSize: 5`), so one run cannot finish the pass:
 * - every run that did not finish says `incomplete: true` and `ok: false`, with what is left;
 * - successive runs continue from the stored position (it only moves forward; each deleted user is revoked
 *   once over the pass, not again in every run);
 * - after enough runs the pass finishes with `ok: true`, and every deleted or disabled user's token is refused by
 *   the authorizer while a user left alone keeps working;
 * - the users are checked without one ListUsers per session owner.
 */
import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSdkStore } from '../../lambdas/adapters/dynamodb/sdk-store.js';
import type { AutoRevocationResult } from '../../lambdas/auto-revocation/index.js';
import { type CognitoLocal, startCognitoLocal } from '../../local/cognito.js';
import { type LocalDynamo, startDynalite } from '../../local/dynalite.js';
import { type Handler, loadAuthorizer, loadWithEnvironment } from '../fixtures/bundles.js';
import { type Capture, captureOutput } from '../support/capture.js';
import { type CognitoRecorder, startCognitoRecorder } from '../support/cognito-recorder.js';
import { type JwksServer, startJwksServer } from '../fixtures/jwks.js';
import { nowSeconds, signAccessToken, TEST_CLIENT_ID, TEST_USER_POOL_ID } from '../fixtures/tokens.js';

const TABLE = 'blocklist-sweep-progress';
const METHOD_ARN = 'arn:aws:execute-api:us-east-1:123456789012:abcdef1234/prod/GET/orders';
const USERS = 260;
const DELETED = 60;
const DISABLED = 40;
/**
 * The Lambda's remaining time at each run: the sweep stops starting steps 1.5 s before its end. One run cannot
 * finish whatever the machine's speed: the sweep paces itself to 40 AdminGetUser/s, and 260 owners take 6.5 s.
 */
const REMAINING_MS = 4000;
const MAX_RUNS = 100;

let dynamo: LocalDynamo;
let cognito: CognitoLocal;
let proxy: CognitoRecorder;
let jwks: JwksServer;
let capture: Capture;
let auto: { handler: Handler; restore: () => void };
let authorizer: Handler;
const users: { username: string; sub: string }[] = [];

interface SweepView {
  ok: boolean;
  incomplete?: boolean;
  deleted: { revoked: number };
  disabled: { revoked: number };
  remaining?: { phase: string; why: string };
  cursor?: { version: number; stepsThisRun: number };
}

async function verdict(token: string): Promise<'allow' | 'deny'> {
  try {
    await authorizer({ type: 'TOKEN', methodArn: METHOD_ARN, authorizationToken: `Bearer ${token}` });
    return 'allow';
  } catch {
    return 'deny';
  }
}

function tokenOf(sub: string): string {
  const authTime = nowSeconds() - 60;
  return signAccessToken({ sub, auth_time: authTime, iat: authTime });
}

beforeAll(async () => {
  [dynamo, cognito, jwks] = await Promise.all([startDynalite(), startCognitoLocal(), startJwksServer()]);
  proxy = await startCognitoRecorder(cognito.endpoint);
  await dynamo.createTable(TABLE);
  capture = captureOutput({ stderr: false });
  authorizer = await loadAuthorizer({
    USER_POOL_ID: TEST_USER_POOL_ID,
    CLIENT_IDS: TEST_CLIENT_ID,
    TABLE_NAME: TABLE,
    JWKS_URI: jwks.uri,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
  });
  auto = loadWithEnvironment('auto-revocation', {
    TABLE_NAME: TABLE,
    USER_POOL_ID: cognito.userPoolId,
    TOKEN_LIFETIME_SECONDS: '3600',
    REFRESH_TOKEN_LIFETIME_SECONDS: '86400',
    REVOKE_ON: '',
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: proxy.endpoint,
  });
  // 260 users, each with a session recorded by the token trigger a minute ago.
  const store = createSdkStore({ client: dynamo.client, tableName: TABLE });
  for (let i = 0; i < USERS; i++) {
    const username = `sweep-user-${String(i).padStart(3, '0')}`;
    const out = await cognito.client.send(
      new AdminCreateUserCommand({
        UserPoolId: cognito.userPoolId,
        Username: username,
        MessageAction: 'SUPPRESS',
      }),
    );
    const sub = out.User?.Attributes?.find((a) => a.Name === 'sub')?.Value as string;
    users.push({ username, sub });
    const issuedAt = nowSeconds() - 60;
    await store.record({
      sub,
      username,
      sessionId: `s${i}`,
      clientId: TEST_CLIENT_ID,
      triggerSource: 'TokenGeneration_Authentication',
      issuedAt,
      expiresAt: issuedAt + 3900,
    });
  }
  // Deleted and disabled outside the function's sight (no trail, lost events).
  for (const u of users.slice(0, DELETED))
    await cognito.client.send(
      new AdminDeleteUserCommand({ UserPoolId: cognito.userPoolId, Username: u.username }),
    );
  for (const u of users.slice(DELETED, DELETED + DISABLED))
    await cognito.client.send(
      new AdminDisableUserCommand({ UserPoolId: cognito.userPoolId, Username: u.username }),
    );
}, 240_000);

afterAll(async () => {
  auto?.restore();
  capture?.restore();
  await proxy?.stop();
  await Promise.all([dynamo?.stop(), cognito?.stop(), jwks?.stop()]);
});

describe('the sweep across runs with a short deadline', () => {
  it('resumes from the stored position, says incomplete until the pass ends, and revokes every deleted user', async () => {
    // Arrange
    const deletedTokens = users.slice(0, DELETED).map((u) => tokenOf(u.sub));
    const disabledTokens = users.slice(DELETED, DELETED + DISABLED).map((u) => tokenOf(u.sub));
    const bystander = tokenOf((users[USERS - 1] as { sub: string }).sub);
    const filtersBefore = proxy.listFilters.length;
    // Act: run as the schedule would, until a run reports a finished pass.
    const runs: SweepView[] = [];
    while (runs.length < MAX_RUNS) {
      const out = (await auto.handler(
        { operation: 'sweep', batchSize: 5 },
        { getRemainingTimeInMillis: () => REMAINING_MS },
      )) as AutoRevocationResult;
      const result = out.result as unknown as SweepView;
      runs.push(result);
      if (result.ok) break;
    }
    process.stderr.write(
      `sweep-progress: ${runs.length} runs, steps per run ${runs.map((r) => r.cursor?.stepsThisRun ?? 0).join(',')}\n`,
    );
    // Assert: one run could not finish; every unfinished run says so; the last one finished the pass.
    const last = runs[runs.length - 1] as SweepView;
    expect(runs.length).toBeGreaterThan(1);
    expect(last).toMatchObject({ ok: true, incomplete: false });
    for (const run of runs.slice(0, -1)) {
      expect(run.ok).toBe(false);
      expect(run.incomplete).toBe(true);
      expect(run.remaining?.why).toBeTruthy();
      expect(['disabled', 'deleted']).toContain(run.remaining?.phase);
    }
    // The position only moves forward, and the runs made progress from it.
    const versions = runs.map((r) => r.cursor?.version ?? -1);
    for (let i = 1; i < versions.length; i++)
      expect(versions[i] as number).toBeGreaterThanOrEqual(versions[i - 1] as number);
    expect(runs.filter((r) => (r.cursor?.stepsThisRun ?? 0) > 0).length).toBeGreaterThan(1);
    // Each deleted user revoked once over the pass (resumed, not restarted); every token refused.
    expect(runs.reduce((n, r) => n + r.deleted.revoked, 0)).toBe(DELETED);
    // A step cut by the deadline is done again next run. Its disabled users that were revoked get a second watermark
    // only when their Cognito sign-out moved `UserLastModifiedDate` past the first one (cognito-local does so);
    // the deleted users' check rests on their session records, which do not move.
    const disabledRevoked = runs.reduce((n, r) => n + r.disabled.revoked, 0);
    expect(disabledRevoked).toBeGreaterThanOrEqual(DISABLED);
    expect(disabledRevoked).toBeLessThan(2 * DISABLED);
    for (const token of [...deletedTokens, ...disabledTokens]) expect(await verdict(token)).toBe('deny');
    expect(await verdict(bystander)).toBe('allow');
    // No ListUsers per session owner: a sub lookup only confirms the owners not found by their username.
    const subLookups = proxy.listFilters.slice(filtersBefore).filter((f) => f.startsWith('sub = ')).length;
    expect(subLookups).toBeLessThan(USERS);
  }, 600_000);
});

/**
 * Chaining the pool's existing pre-token-generation function, on the built bundle (dist/token-trigger) against
 * dynalite and a real Lambda Invoke endpoint (local/lambda-endpoint.ts) hosting a stand-in for that function
 * (fixtures/chained-stand-in.cjs): its overrides and this module's session claim are merged (theirs win, except on
 * the session claim), for event versions 1, 2 and 3; its failure, a hang past the deadline, a malformed answer
 * and a misconfigured chain all fail the sign-in; PostAuthentication is not chained.
 */
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSdkStore } from '../../lambdas/adapters/dynamodb/sdk-store.js';
import { type LocalDynamo, startDynalite } from '../../local/dynalite.js';
import { type LambdaEndpoint, startLambdaEndpoint } from '../../local/lambda-endpoint.js';
import { loadBundle, ROOT } from '../fixtures/bundles.js';
import { type Capture, captureOutput } from '../support/capture.js';
import {
  postAuthentication,
  preTokenV1,
  preTokenV2,
  SUB,
  type TriggerOutput,
} from '../fixtures/trigger-events.js';

type Handler = (event: unknown) => Promise<TriggerOutput>;
const TABLE = 'blocklist-chain-test';
const STAND_IN = join(ROOT, 'test', 'token-trigger', 'fixtures', 'chained-stand-in.cjs');
const MODES = ['add-claim', 'throw', 'hang', 'garbage'] as const;

let dynamo: LocalDynamo;
let lambda: LambdaEndpoint;
let output: Capture | undefined;

function trigger(mode: (typeof MODES)[number], env: Record<string, string> = {}): Handler {
  return loadBundle<{ handler: Handler }>('token-trigger', {
    TABLE_NAME: TABLE,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_LAMBDA: lambda.endpoint,
    CHAINED_TRIGGER_FUNCTION: `existing-${mode}`,
    CHAINED_TRIGGER_TIMEOUT_MS: mode === 'hang' ? '300' : '4000',
    // The largest deadline for the session write: a table that answers must never look down on a slow box.
    STORE_TIMEOUT_MS: '3000',
    ...env,
  }).handler;
}

const sessions = () => createSdkStore({ client: dynamo.client, tableName: TABLE }).listByUser(SUB);

beforeAll(async () => {
  dynamo = await startDynalite();
  await dynamo.createTable(TABLE);
  lambda = await startLambdaEndpoint({
    functions: MODES.map((mode) => ({
      name: `existing-${mode}`,
      bundle: STAND_IN,
      env: { STAND_IN_MODE: mode },
    })),
  });
  // Cold-start the stand-ins now: loading a module on a loaded box can take seconds, and the trigger's deadline
  // for the chained answer (which includes a cold start) is what the hang test is about, not the others.
  await Promise.all(
    MODES.filter((mode) => mode !== 'hang').map((mode) =>
      lambda.invoke(`existing-${mode}`, { version: '1' }),
    ),
  );
});
afterAll(async () => {
  await lambda?.stop();
  await dynamo?.stop();
});
afterEach(() => {
  output?.restore();
  output = undefined;
});

describe('a chained function that adds claims', () => {
  it('v1: both claims in the ID token; its suppression and group override kept; the session claim is ours', async () => {
    // Arrange
    const handler = trigger('add-claim');
    // Act
    const result = await handler(preTokenV1('TokenGeneration_Authentication'));
    // Assert
    const details = result.response.claimsOverrideDetails;
    const sid = details?.claimsToAddOrOverride.revocation_sid;
    expect(sid).toMatch(/^[0-9a-f]{44}$/);
    expect(sid).not.toBe('forged');
    expect(details?.claimsToAddOrOverride.tenant).toBe('acme');
    expect(details?.claimsToSuppress).toEqual(['email']);
    expect(details?.groupOverrideDetails).toEqual({ groupsToOverride: ['tenant-acme'] });
    expect((await sessions()).map((s) => s.sessionId)).toContain(sid);
  });

  it.each(['2', '3'] as const)(
    'v%s: their claims, scopes and groups with our session claim in both tokens, never suppressed',
    async (version) => {
      // Arrange
      const handler = trigger('add-claim');
      // Act
      const result = await handler(preTokenV2(version));
      // Assert
      const details = result.response.claimsAndScopeOverrideDetails;
      const sid = details?.idTokenGeneration.claimsToAddOrOverride.revocation_sid;
      expect(sid).toMatch(/^[0-9a-f]{44}$/);
      expect(details?.idTokenGeneration.claimsToAddOrOverride.tenant).toBe('acme');
      expect(details?.accessTokenGeneration.claimsToAddOrOverride).toEqual({
        tenant: 'acme',
        plan: 'gold',
        revocation_sid: sid,
      });
      expect(details?.accessTokenGeneration.claimsToSuppress).toEqual([]);
      expect(details?.accessTokenGeneration.scopesToAdd).toEqual(['orders/read']);
      expect(details?.groupOverrideDetails).toEqual({ groupsToOverride: ['tenant-acme'] });
      expect((await sessions()).map((s) => s.sessionId)).toContain(sid);
    },
  );

  it('logs and counts the attempt to set the session claim, and times the chained call', async () => {
    // Arrange
    const handler = trigger('add-claim');
    output = captureOutput();
    // Act
    await handler(preTokenV1('TokenGeneration_RefreshTokens'));
    // Assert
    const lines = output.json();
    expect(
      lines.some((l) => l.message === 'chained trigger set or suppressed the session claim; ignored'),
    ).toBe(true);
    const emf = lines.find((l) => '_aws' in l);
    expect(emf?.chain_session_claim_ignored).toBe(1);
    expect(emf?.chain_ms).toBeTypeOf('number');
    expect(emf?.session_recorded).toBe(1);
  });

  it('a client-credentials event (no user, not recorded) is chained: their claims, no session claim', async () => {
    // Arrange
    const handler = trigger('add-claim');
    const event = { ...preTokenV2('3'), triggerSource: 'TokenGeneration_ClientCredentials' };
    // Act
    const result = await handler(event);
    // Assert
    const details = result.response.claimsAndScopeOverrideDetails;
    expect(details?.idTokenGeneration.claimsToAddOrOverride).toEqual({ tenant: 'acme' });
    expect(details?.accessTokenGeneration.claimsToAddOrOverride).toEqual({ tenant: 'acme', plan: 'gold' });
  });
});

describe('the sign-in fails when the chained function does', () => {
  it.each([
    ['throw', 'failed'],
    ['garbage', 'malformed'],
    ['hang', 'timeout'],
  ] as const)(
    '%s: the trigger throws a detail-free error; the log names the failure (%s)',
    async (mode, failure) => {
      // Arrange
      const handler = trigger(mode);
      const before = (await sessions()).length;
      output = captureOutput();
      // Act
      const outcome = handler(preTokenV2('2'));
      // Assert
      await expect(outcome).rejects.toThrow(/^pre-token-generation trigger failed$/);
      const lines = output.json();
      const line = lines.find((l) => l.message === 'chained trigger failed; sign-in refused');
      expect(line).toMatchObject({ level: 'error', failure, chainedFunction: `existing-${mode}` });
      expect(lines.find((l) => '_aws' in l)?.chain_failed).toBe(1);
      // No session is recorded for tokens that are never issued.
      expect((await sessions()).length).toBe(before);
    },
  );

  it('a misconfigured chain refuses pre-token events but lets PostAuthentication through', async () => {
    // Arrange
    const handler = trigger('add-claim', { CHAINED_TRIGGER_FUNCTION: 'not a function name!' });
    output = captureOutput();
    // Act
    const preToken = handler(preTokenV1());
    const postAuth = await handler(postAuthentication());
    // Assert
    await expect(preToken).rejects.toThrow('pre-token-generation trigger failed');
    expect(postAuth).toEqual(postAuthentication());
    expect(output.json().some((l) => l.message === 'misconfigured chained trigger: sign-in refused')).toBe(
      true,
    );
  });

  it('PostAuthentication is not chained: a failing chained function does not affect it', async () => {
    // Arrange
    const handler = trigger('throw');
    // Act
    const result = await handler(postAuthentication());
    // Assert
    expect(result).toEqual(postAuthentication());
  });
});

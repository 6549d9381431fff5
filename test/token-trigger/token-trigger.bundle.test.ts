/**
 * The token trigger bundle (dist/token-trigger/index.js) against dynalite: claims injected for event versions 1, 2
 * and 3 with existing overrides kept, sessions recorded with the configured TTL, PostAuthentication and unknown or
 * malformed events passed through, and sign-in surviving a table that refuses or never answers.
 */
import { sessionIssuedAtSeconds } from '../../lambdas/core/session-id.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSdkStore } from '../../lambdas/adapters/dynamodb/sdk-store.js';
import { DEFAULT_CLOCK_SKEW_SECONDS } from '../../lambdas/core/lifetime.js';
import { type LocalDynamo, startDynalite } from '../../local/dynalite.js';
import { loadBundle } from '../fixtures/bundles.js';
import { type Capture, captureOutput } from '../support/capture.js';
import { closedPortEndpoint, startBlackhole } from '../fixtures/network.js';
import {
  CLIENT_ID,
  postAuthentication,
  preTokenV1,
  preTokenV2,
  SUB,
  type TriggerOutput,
  USERNAME,
} from '../fixtures/trigger-events.js';

type Handler = (event: unknown) => Promise<TriggerOutput>;
const TABLE = 'blocklist-trigger-test';

let dynamo: LocalDynamo;
let output: Capture | undefined;

function trigger(env: Record<string, string | undefined> = {}): Handler {
  return loadBundle<{ handler: Handler }>('token-trigger', {
    TABLE_NAME: TABLE,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    SESSION_CLAIM: undefined,
    TOKEN_LIFETIME_SECONDS: undefined,
    // The largest deadline the trigger accepts: a table that answers must never look down because the box is
    // slow (the default, 300 ms, is what a loaded box needs for one cold write). The down-table tests set theirs.
    STORE_TIMEOUT_MS: '3000',
    ...env,
  }).handler;
}

const store = () => createSdkStore({ client: dynamo.client, tableName: TABLE });

/**
 * How long Cognito waits for a Lambda trigger before it fails the sign-in (docs/security.md). A trigger that gives
 * up at its store deadline answers far inside it even on a machine at a load average of 10+; one that waits for a
 * table that never answers does not answer at all (the SDK's `requestTimeout` only warns), and is caught here.
 */
const COGNITO_TRIGGER_LIMIT_MS = 5000;
const NO_ANSWER = Symbol('no answer within Cognito’s trigger limit');

/** The trigger's answer, or NO_ANSWER when it has none by the time Cognito would have failed the sign-in. */
async function answerWithinCognitoLimit<T>(answer: Promise<T>): Promise<T | typeof NO_ANSWER> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<typeof NO_ANSWER>((resolve) => {
    timer = setTimeout(() => resolve(NO_ANSWER), COGNITO_TRIGGER_LIMIT_MS);
  });
  try {
    return await Promise.race([answer, limit]);
  } finally {
    clearTimeout(timer);
  }
}

beforeAll(async () => {
  dynamo = await startDynalite();
  await dynamo.createTable(TABLE);
});
afterAll(async () => {
  await dynamo.stop();
});
afterEach(() => {
  output?.restore();
  output = undefined;
});

describe('PreTokenGeneration', () => {
  it('v1: injects the session claim into the ID token, keeps existing overrides and records the session', async () => {
    // Arrange
    const handler = trigger();
    const event = preTokenV1('TokenGeneration_Authentication', {
      claimsOverrideDetails: {
        claimsToAddOrOverride: { tenant: 'acme' },
        claimsToSuppress: ['email', 'revocation_sid'],
        groupOverrideDetails: { groupsToOverride: ['readers'] },
      },
    });
    const before = Math.floor(Date.now() / 1000);
    // Act
    const result = await handler(event);
    // Assert
    const details = result.response.claimsOverrideDetails;
    const sid = details?.claimsToAddOrOverride.revocation_sid;
    expect(sid).toMatch(/^[0-9a-f]{44}$/);
    expect(details?.claimsToAddOrOverride.tenant).toBe('acme');
    expect(details?.claimsToSuppress).toEqual(['email']);
    expect(details?.groupOverrideDetails).toEqual({ groupsToOverride: ['readers'] });
    expect(result.request).toEqual(event.request);
    const sessions = await store().listByUser(SUB);
    const recorded = sessions.find((s) => s.sessionId === sid);
    expect(recorded).toMatchObject({
      sub: SUB,
      username: USERNAME,
      clientId: CLIENT_ID,
      triggerSource: 'TokenGeneration_Authentication',
    });
    expect(recorded?.issuedAt).toBeGreaterThanOrEqual(before);
    // The id carries the same clock reading as the record: a signout that lists the record can rely on it.
    expect(sessionIssuedAtSeconds(sid)).toBe(recorded?.issuedAt);
    // Default TTL: Cognito's longest token lifetime (1 day) plus the clock skew.
    expect(recorded?.expiresAt).toBe((recorded?.issuedAt ?? 0) + 86_400 + DEFAULT_CLOCK_SKEW_SECONDS);
  });

  it('v1 with a null response and a refresh: still injects, a new session id per issuance', async () => {
    // Arrange
    const handler = trigger();
    // Act
    const a = await handler(preTokenV1('TokenGeneration_RefreshTokens', { claimsOverrideDetails: null }));
    const b = await handler(preTokenV1('TokenGeneration_RefreshTokens', {}));
    // Assert
    const sidA = a.response.claimsOverrideDetails?.claimsToAddOrOverride.revocation_sid;
    const sidB = b.response.claimsOverrideDetails?.claimsToAddOrOverride.revocation_sid;
    expect(sidA).toBeTypeOf('string');
    expect(sidB).toBeTypeOf('string');
    expect(sidA).not.toBe(sidB);
  });

  it.each(['2', '3'] as const)(
    'v%s: injects the same session id into the ID and access tokens, keeping overrides',
    async (version) => {
      // Arrange
      const handler = trigger({ SESSION_CLAIM: 'sid_custom', TOKEN_LIFETIME_SECONDS: '3600' });
      const event = preTokenV2(version, {
        claimsAndScopeOverrideDetails: {
          idTokenGeneration: { claimsToAddOrOverride: { tenant: 'acme' }, claimsToSuppress: ['email'] },
          accessTokenGeneration: { scopesToAdd: ['api/read'], claimsToAddOrOverride: { plan: 'gold' } },
          groupOverrideDetails: { groupsToOverride: ['readers'] },
        },
      });
      // Act
      const result = await handler(event);
      // Assert
      const details = result.response.claimsAndScopeOverrideDetails;
      const idSid = details?.idTokenGeneration.claimsToAddOrOverride.sid_custom;
      expect(idSid).toMatch(/^[0-9a-f]{44}$/);
      expect(details?.accessTokenGeneration.claimsToAddOrOverride.sid_custom).toBe(idSid);
      expect(details?.idTokenGeneration).toMatchObject({
        claimsToAddOrOverride: { tenant: 'acme' },
        claimsToSuppress: ['email'],
      });
      expect(details?.accessTokenGeneration).toMatchObject({
        scopesToAdd: ['api/read'],
        claimsToAddOrOverride: { plan: 'gold' },
      });
      expect(details?.groupOverrideDetails).toEqual({ groupsToOverride: ['readers'] });
      expect(result.response.claimsOverrideDetails).toBeUndefined();
      const recorded = (await store().listByUser(SUB)).find((s) => s.sessionId === idSid);
      expect(recorded?.expiresAt).toBe((recorded?.issuedAt ?? 0) + 3600 + DEFAULT_CLOCK_SKEW_SECONDS);
      expect(recorded?.triggerSource).toBe('TokenGeneration_HostedAuth');
    },
  );

  it('does not modify the event object Cognito passed in', async () => {
    // Arrange
    const handler = trigger();
    const event = preTokenV2('2', {
      claimsAndScopeOverrideDetails: { idTokenGeneration: { claimsToAddOrOverride: { a: '1' } } },
    });
    const copy = structuredClone(event);
    // Act
    await handler(event);
    // Assert
    expect(event).toEqual(copy);
  });
});

describe('events the trigger does not change', () => {
  it('PostAuthentication: returns the event unchanged and writes an audit line', async () => {
    // Arrange
    const handler = trigger();
    const event = postAuthentication();
    const copy = structuredClone(event);
    output = captureOutput({ stderr: false });
    // Act
    const result = await handler(event);
    // Assert
    expect(result).toEqual(copy);
    const audit = output.json().find((l) => l.message === 'sign-in');
    expect(audit).toMatchObject({
      audit: true,
      sub: SUB,
      username: USERNAME,
      clientId: CLIENT_ID,
      triggerSource: 'PostAuthentication_Authentication',
    });
  });

  it.each([
    ['an unknown trigger source', { ...preTokenV1(), triggerSource: 'PreSignUp_SignUp' }],
    [
      'a V3 client-credentials (machine) issuance',
      { ...preTokenV2('3'), triggerSource: 'TokenGeneration_ClientCredentials' },
    ],
    ['a missing sub', { ...preTokenV1(), request: { userAttributes: {} } }],
    ['a missing client id', { ...preTokenV1(), callerContext: {} }],
    ['a response that is not an object', { ...preTokenV1(), response: 'nope' }],
    ['no trigger source', { request: {} }],
    ['an array', [1, 2]],
    ['null', null],
    ['a string', 'event'],
  ])('passes through %s untouched', async (_name, event) => {
    // Arrange
    const handler = trigger();
    const copy = structuredClone(event);
    // Act
    const result = await handler(event);
    // Assert
    expect(result).toEqual(copy);
  });

  it('passes every event through when misconfigured (no TABLE_NAME), and says so in the log', async () => {
    // Arrange
    const handler = trigger({ TABLE_NAME: undefined });
    const event = preTokenV1();
    output = captureOutput({ stderr: false });
    // Act
    const result = await handler(event);
    // Assert
    expect(result).toEqual(preTokenV1());
    expect(
      output.json().some((l) => l.level === 'error' && String(l.message).includes('misconfigured')),
    ).toBe(true);
  });

  it('rejects a reserved SESSION_CLAIM by passing events through rather than overwriting a standard claim', async () => {
    // Arrange
    const handler = trigger({ SESSION_CLAIM: 'sub' });
    // Act
    const result = await handler(preTokenV1());
    // Assert
    expect(result.response).toEqual({ claimsOverrideDetails: null });
  });
});

describe('the table being down never breaks sign-in', () => {
  it('connection refused: the claim is still injected, the failure logged and counted', async () => {
    // Arrange
    const handler = trigger({
      AWS_ENDPOINT_URL_DYNAMODB: await closedPortEndpoint(),
      STORE_TIMEOUT_MS: '500',
    });
    output = captureOutput({ stderr: false });
    // Act
    const answer = await answerWithinCognitoLimit(handler(preTokenV1()));
    // Assert: the sign-in goes on, inside Cognito's limit
    expect(answer).not.toBe(NO_ANSWER);
    const result = answer as TriggerOutput;
    expect(result.response.claimsOverrideDetails?.claimsToAddOrOverride.revocation_sid).toMatch(
      /^[0-9a-f]{44}$/,
    );
    const lines = output.json();
    expect(
      lines.some((l) => l.level === 'error' && l.message === 'session not recorded; claim injected anyway'),
    ).toBe(true);
    expect(lines.some((l) => l.session_record_failed === 1)).toBe(true);
  });

  it('a table that never answers: returns within STORE_TIMEOUT_MS with the claim', async () => {
    // Arrange
    const blackhole = await startBlackhole();
    try {
      const handler = trigger({ AWS_ENDPOINT_URL_DYNAMODB: blackhole.endpoint, STORE_TIMEOUT_MS: '200' });
      output = captureOutput({ stderr: false });
      // Act
      const started = performance.now();
      const answer = await answerWithinCognitoLimit(handler(preTokenV2('2')));
      const elapsed = performance.now() - started;
      // Assert: the sign-in goes on, inside Cognito's limit, and it is the trigger's own deadline that ended the
      // wait (not an SDK timeout or a failure): it waited the whole 200 ms, no less, and says so.
      expect(answer).not.toBe(NO_ANSWER);
      const result = answer as TriggerOutput;
      expect(
        result.response.claimsAndScopeOverrideDetails?.idTokenGeneration.claimsToAddOrOverride.revocation_sid,
      ).toBeTypeOf('string');
      expect(elapsed).toBeGreaterThanOrEqual(190); // a load only lengthens it; timers may fire a little early
      const lines = output.json();
      expect(lines.some((l) => l.failure === 'timeout' && l.error === 'no answer within 200 ms')).toBe(true);
      expect(lines.some((l) => l.store_timeout === 1)).toBe(true);
    } finally {
      await blackhole.stop();
    }
  });
});

it('writes no token-looking string to its log', async () => {
  // Arrange
  const handler = trigger();
  const event = {
    ...preTokenV1(),
    request: {
      ...preTokenV1().request,
      clientMetadata: { note: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.sig' },
    },
  };
  output = captureOutput({ stderr: false });
  // Act
  await handler(event);
  // Assert
  expect(output.text()).not.toContain('eyJhbGciOiJSUzI1NiJ9');
  expect(output.text()).toContain('session recorded');
});

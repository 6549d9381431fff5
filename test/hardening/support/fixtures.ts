/** Small shared fixtures of the hardening suite: Cognito trigger events and readers of their answers. */
import { TEST_CLIENT_ID, TEST_SUB, TEST_USER_POOL_ID, TEST_USERNAME } from '../../fixtures/tokens.js';

/** A PreTokenGeneration event as Cognito sends it, for event version 1, 2 or 3. */
export function preTokenEvent(version: '1' | '2' | '3', sub = TEST_SUB, username = TEST_USERNAME) {
  return {
    version,
    triggerSource: 'TokenGeneration_Authentication',
    region: 'us-east-1',
    userPoolId: TEST_USER_POOL_ID,
    userName: username,
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: TEST_CLIENT_ID },
    request: {
      userAttributes: { sub, email: 'alice@example.com', email_verified: 'true' },
      groupConfiguration: { groupsToOverride: ['admins'], iamRolesToOverride: [], preferredRole: null },
      ...(version === '1' ? {} : { scopes: ['openid', 'email'] }),
      clientMetadata: {},
    },
    response: version === '1' ? { claimsOverrideDetails: null } : { claimsAndScopeOverrideDetails: null },
  };
}

/** Reads a nested property of an untyped answer; undefined when any step is missing. */
export function dig(value: unknown, ...path: string[]): unknown {
  let node = value;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** The session claims a pre-token trigger answer adds: ID token (v1) or ID and access tokens (v2/v3). */
export function injectedSessionClaims(result: unknown, version: string, claim = 'revocation_sid'): unknown[] {
  return version === '1'
    ? [dig(result, 'response', 'claimsOverrideDetails', 'claimsToAddOrOverride', claim)]
    : ['idTokenGeneration', 'accessTokenGeneration'].map((t) =>
        dig(result, 'response', 'claimsAndScopeOverrideDetails', t, 'claimsToAddOrOverride', claim),
      );
}

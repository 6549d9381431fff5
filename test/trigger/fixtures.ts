/** Cognito trigger events as the service sends them (shapes from the Cognito developer guide). */
export const SUB = '0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f';
export const USERNAME = 'alice';
export const CLIENT_ID = '1example23456789abcdefghij';
export const POOL_ID = 'us-east-1_Example12';

function base(triggerSource: string, version: string) {
  return {
    version,
    triggerSource,
    region: 'us-east-1',
    userPoolId: POOL_ID,
    userName: USERNAME,
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: CLIENT_ID },
  };
}

export function preTokenV1(
  triggerSource = 'TokenGeneration_Authentication',
  response: unknown = { claimsOverrideDetails: null },
) {
  return {
    ...base(triggerSource, '1'),
    request: {
      userAttributes: { sub: SUB, email: 'alice@example.com', email_verified: 'true' },
      groupConfiguration: { groupsToOverride: ['admins'], iamRolesToOverride: [], preferredRole: null },
      clientMetadata: {},
    },
    response,
  };
}

export function preTokenV2(
  version: '2' | '3' = '2',
  response: unknown = { claimsAndScopeOverrideDetails: null },
) {
  return {
    ...base('TokenGeneration_HostedAuth', version),
    request: {
      userAttributes: { sub: SUB, email: 'alice@example.com' },
      scopes: ['openid', 'email'],
      groupConfiguration: { groupsToOverride: ['admins'], iamRolesToOverride: [], preferredRole: null },
      clientMetadata: {},
    },
    response,
  };
}

export function postAuthentication() {
  return {
    ...base('PostAuthentication_Authentication', '1'),
    request: { userAttributes: { sub: SUB, email: 'alice@example.com' }, newDeviceUsed: false },
    response: {},
  };
}

/** The parts of a trigger's answer the tests read. */
export interface TokenOverrides {
  claimsToAddOrOverride: Record<string, string>;
  claimsToSuppress?: string[];
  scopesToAdd?: string[];
  scopesToSuppress?: string[];
  groupOverrideDetails?: unknown;
}
export interface TriggerOutput {
  request?: unknown;
  response: {
    claimsOverrideDetails?: TokenOverrides;
    claimsAndScopeOverrideDetails?: {
      idTokenGeneration: TokenOverrides;
      accessTokenGeneration: TokenOverrides;
      groupOverrideDetails?: unknown;
    };
  };
}

import { describe, expect, it } from 'vitest';
import { readAdminConfig } from '../../lambdas/admin-signout/config.js';
import { parseAuthorizerConfig } from '../../lambdas/verification/config.js';
import { readAutoRevocationConfig } from '../../lambdas/auto-revocation/config.js';
import { parseRevokeOn } from '../../lambdas/auto-revocation/events.js';
import { ENVIRONMENT, type FunctionName } from '../../lambdas/config/contract.js';
import { ConfigError, contractValue, readEnvironment } from '../../lambdas/config/reader.js';
import { readGlobalTokenRevocationConfig } from '../../lambdas/global-token-revocation/config.js';
import { readIntrospectionConfig } from '../../lambdas/introspection/config.js';
import { readLogoutConfig } from '../../lambdas/logout/config.js';
import { readSharedSignalsConfig } from '../../lambdas/shared-signals/config.js';
import { readTokenRevocationConfig } from '../../lambdas/token-revocation/config.js';
import { readTokenTriggerConfig } from '../../lambdas/token-trigger/config.js';
import { problemsOf } from './support.js';

/** Each function's config reader and the least environment it accepts (its required variables). */
const READERS: Record<
  FunctionName,
  { read: (env: NodeJS.ProcessEnv) => unknown; required: NodeJS.ProcessEnv }
> = {
  authorizer: {
    read: parseAuthorizerConfig,
    required: { USER_POOL_ID: 'eu-west-1_AbCdEf123', CLIENT_IDS: 'client1', TABLE_NAME: 'revocations' },
  },
  'token-trigger': { read: readTokenTriggerConfig, required: { TABLE_NAME: 'revocations' } },
  'admin-signout': {
    read: readAdminConfig,
    required: { TABLE_NAME: 'revocations', USER_POOL_ID: 'eu-west-1_AbCdEf123' },
  },
  'auto-revocation': {
    read: readAutoRevocationConfig,
    required: { TABLE_NAME: 'revocations', USER_POOL_ID: 'eu-west-1_AbCdEf123' },
  },
  logout: { read: readLogoutConfig, required: { TABLE_NAME: 'revocations' } },
  introspection: {
    read: readIntrospectionConfig,
    required: {
      USER_POOL_ID: 'eu-west-1_AbCdEf123',
      CLIENT_IDS: 'client1',
      TABLE_NAME: 'revocations',
      CALLER_CLIENT_IDS: 'caller1',
      CALLER_SCOPE: 'revocation/introspect',
    },
  },
  'token-revocation': {
    read: readTokenRevocationConfig,
    required: {
      USER_POOL_ID: 'eu-west-1_AbCdEf123',
      CLIENT_IDS: 'client1',
      TABLE_NAME: 'revocations',
      CALLER_CLIENT_IDS: 'caller1',
      CALLER_SCOPE: 'revocation/revoke',
    },
  },
  'shared-signals': {
    read: readSharedSignalsConfig,
    required: {
      TABLE_NAME: 'revocations',
      USER_POOL_ID: 'eu-west-1_AbCdEf123',
      UPSTREAM_ISSUER: 'https://idp.example.com',
      UPSTREAM_AUDIENCE: 'https://api.example.com',
    },
  },
  'global-token-revocation': {
    read: readGlobalTokenRevocationConfig,
    required: {
      TABLE_NAME: 'revocations',
      USER_POOL_ID: 'eu-west-1_AbCdEf123',
      UPSTREAM_ISSUER: 'https://idp.example.com',
      UPSTREAM_AUDIENCE: 'https://api.example.com',
      REQUIRED_SCOPE: 'logout',
    },
  },
};

const FUNCTIONS = Object.keys(ENVIRONMENT) as FunctionName[];

function defaultOf(fn: FunctionName, name: string): string {
  const value = ENVIRONMENT[fn].find((s) => s.name === name)?.default;
  if (value === undefined) throw new Error(`${fn} has no default for ${name}`);
  return value;
}

describe('the environment reader', () => {
  it.each(FUNCTIONS)('%s: an unset variable takes its default from the contract', (fn) => {
    for (const spec of ENVIRONMENT[fn].filter((s) => s.default !== undefined)) {
      // Act
      const value = readEnvironment(fn, {}, (read) => read.text(spec.name));
      // Assert
      expect(value).toBe(spec.default);
    }
  });

  it('a blank value counts as unset; a required variable unset is a problem, not a crash', () => {
    // Act
    const problems = problemsOf(() =>
      readEnvironment('logout', { LOG_LEVEL: '   ' }, (read) => [
        read.text('LOG_LEVEL'),
        read.text('TABLE_NAME'),
      ]),
    );
    // Assert
    expect(problems).toEqual(['TABLE_NAME is required']);
  });

  it('refuses to read a variable the contract does not list for the function', () => {
    expect(() => readEnvironment('logout', {}, (read) => read.text('USER_POOL_ID'))).toThrow(
      'USER_POOL_ID is not in the logout environment contract',
    );
  });

  it('contractValue: the set value, else the contract default', () => {
    expect(contractValue('token-trigger', 'METRICS_NAMESPACE', {})).toBe(
      defaultOf('token-trigger', 'METRICS_NAMESPACE'),
    );
    expect(contractValue('token-trigger', 'METRICS_NAMESPACE', { METRICS_NAMESPACE: ' Mine ' })).toBe('Mine');
  });
});

describe("every function's configuration", () => {
  it.each(FUNCTIONS)('%s reads every variable of its contract, and no other', (fn) => {
    // Arrange
    const read = new Set<string>();
    const spy = new Proxy({ ...READERS[fn].required } as Record<string, string>, {
      get(target, name) {
        if (typeof name === 'string') read.add(name);
        return target[name as string];
      },
    });
    // Act
    READERS[fn].read(spy);
    // Assert
    expect([...read].sort()).toEqual(ENVIRONMENT[fn].map((v) => v.name).sort());
  });

  it.each(FUNCTIONS)('%s: the same ConfigError class, listing its function', (fn) => {
    // Act
    const action = () => READERS[fn].read({});
    // Assert
    expect(action).toThrow(ConfigError);
    expect(action).toThrow(`invalid ${fn} configuration: `);
  });

  it('defaults come from the contract: admin signout', () => {
    const config = readAdminConfig(READERS['admin-signout'].required);
    expect(config).toMatchObject({
      metricsNamespace: defaultOf('admin-signout', 'METRICS_NAMESPACE'),
      logLevel: defaultOf('admin-signout', 'LOG_LEVEL'),
      cognitoSessionManagement: defaultOf('admin-signout', 'COGNITO_SESSION_MANAGEMENT') === 'true',
      flushTargets: JSON.parse(defaultOf('admin-signout', 'CACHE_FLUSH_TARGETS')),
      policy: {
        tokenLifetimeSeconds: Number(defaultOf('admin-signout', 'TOKEN_LIFETIME_SECONDS')),
        refreshTokenLifetimeSeconds: Number(defaultOf('admin-signout', 'REFRESH_TOKEN_LIFETIME_SECONDS')),
      },
    });
  });

  it('defaults come from the contract: automatic revocation, logout, token trigger', () => {
    expect(readAutoRevocationConfig(READERS['auto-revocation'].required)).toMatchObject({
      revokeOn: parseRevokeOn(defaultOf('auto-revocation', 'REVOKE_ON')),
      metricsNamespace: defaultOf('auto-revocation', 'METRICS_NAMESPACE'),
    });
    expect(readLogoutConfig(READERS.logout.required)).toMatchObject({
      allowEverywhere: defaultOf('logout', 'ALLOW_LOGOUT_EVERYWHERE') === 'true',
      policy: { refreshTokenLifetimeSeconds: Number(defaultOf('logout', 'REFRESH_TOKEN_LIFETIME_SECONDS')) },
    });
    expect(readTokenTriggerConfig(READERS['token-trigger'].required)).toMatchObject({
      claim: defaultOf('token-trigger', 'SESSION_CLAIM'),
      storeTimeoutMs: Number(defaultOf('token-trigger', 'STORE_TIMEOUT_MS')),
      policy: { tokenLifetimeSeconds: Number(defaultOf('token-trigger', 'TOKEN_LIFETIME_SECONDS')) },
    });
  });

  it('admin signout reports every problem at once', () => {
    // Act
    const problems = problemsOf(() =>
      readAdminConfig({
        USER_POOL_ID: 'no-pool',
        TOKEN_LIFETIME_SECONDS: '60',
        REFRESH_TOKEN_LIFETIME_SECONDS: 'ten years',
        COGNITO_SESSION_MANAGEMENT: 'yes',
        CACHE_FLUSH_TARGETS: '{',
        LOG_LEVEL: 'loud',
      }),
    );
    // Assert
    expect(problems).toEqual([
      'CACHE_FLUSH_TARGETS is not JSON',
      'COGNITO_SESSION_MANAGEMENT must be one of true, false; got "yes"',
      'LOG_LEVEL must be one of debug, info, warn, error; got "loud"',
      'REFRESH_TOKEN_LIFETIME_SECONDS must be an integer from 3600 to 315360000; got "ten years"',
      'TABLE_NAME is required',
      'TOKEN_LIFETIME_SECONDS must be an integer from 300 to 86400; got "60"',
      'USER_POOL_ID must be a user pool id like eu-west-1_AbCdEf123, got "no-pool"',
    ]);
  });

  it('automatic revocation, logout and the token trigger report every problem at once', () => {
    expect(
      problemsOf(() =>
        readAutoRevocationConfig({ TABLE_NAME: 't', REVOKE_ON: 'AdminNothing', METRICS_NAMESPACE: 'N' }),
      ),
    ).toEqual([
      expect.stringMatching(/^REVOKE_ON: "AdminNothing" is not one of AdminDisableUser, /),
      'USER_POOL_ID is required',
    ]);
    expect(
      problemsOf(() => readLogoutConfig({ ALLOW_LOGOUT_EVERYWHERE: 'maybe', CACHE_FLUSH_TARGETS: '{}' })),
    ).toEqual([
      'ALLOW_LOGOUT_EVERYWHERE must be one of true, false; got "maybe"',
      'CACHE_FLUSH_TARGETS must be a JSON array',
      'TABLE_NAME is required',
    ]);
    expect(
      problemsOf(() => readTokenTriggerConfig({ SESSION_CLAIM: 'sub', STORE_TIMEOUT_MS: '5000' })),
    ).toEqual([
      expect.stringContaining('SESSION_CLAIM "sub" is not a claim the trigger may set'),
      'STORE_TIMEOUT_MS must be an integer from 50 to 3000; got "5000"',
      'TABLE_NAME is required',
    ]);
  });
});

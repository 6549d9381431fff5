/**
 * The introspection and token revocation functions read their environment through the one reader: every problem
 * comes in one ConfigError, including those of the verifier's variables (store deadline, fail mode, lifetimes),
 * which are checked when the configuration is read, not later when the verifier is built.
 */
import { describe, expect, it } from 'vitest';
import { readIntrospectionConfig } from '../../lambdas/introspection/config.js';
import { readTokenRevocationConfig } from '../../lambdas/token-revocation/config.js';
import { problemsOf } from './support.js';

const REQUIRED = {
  USER_POOL_ID: 'eu-west-1_AbCdEf123',
  CLIENT_IDS: 'client1',
  TABLE_NAME: 'revocations',
  CALLER_CLIENT_IDS: 'caller1',
  CALLER_SCOPE: 'revocation/call',
};

describe('the OAuth endpoints report every problem at once', () => {
  it('introspection: a bad store deadline and a bad fail mode together', () => {
    const problems = problemsOf(() =>
      readIntrospectionConfig({ ...REQUIRED, STORE_TIMEOUT_MS: '9999', FAIL_MODE: 'sometimes' }),
    );
    expect(problems).toEqual([
      'FAIL_MODE must be one of closed, open; got "sometimes"',
      'STORE_TIMEOUT_MS must be an integer from 50 to 5000; got "9999"',
    ]);
  });

  it('introspection: callers, pool, JWKS and the staleness bound together', () => {
    const problems = problemsOf(() =>
      readIntrospectionConfig({
        ...REQUIRED,
        USER_POOL_ID: 'eu-west-1',
        CALLER_SCOPE: 'two scopes',
        JWKS_URI: 'http://10.0.0.1/jwks.json',
        REVOCATION_STALENESS_SECONDS: '11',
      }),
    );
    expect(problems).toEqual([
      'CALLER_SCOPE must be one OAuth scope (e.g. cognito-revocation/introspect)',
      expect.stringMatching(/^JWKS_URI must be https/),
      'REVOCATION_STALENESS_SECONDS must be an integer from 0 to 10; got "11"',
      expect.stringMatching(/^USER_POOL_ID must look like/),
    ]);
  });

  it('token revocation: both lifetimes wrong, each named by its variable', () => {
    const problems = problemsOf(() =>
      readTokenRevocationConfig({
        ...REQUIRED,
        TOKEN_LIFETIME_SECONDS: '60',
        REFRESH_TOKEN_LIFETIME_SECONDS: 'ten years',
      }),
    );
    expect(problems).toEqual([
      'REFRESH_TOKEN_LIFETIME_SECONDS must be an integer from 3600 to 315360000; got "ten years"',
      'TOKEN_LIFETIME_SECONDS must be an integer from 300 to 86400; got "60"',
    ]);
  });

  it('token revocation: required variables, caller ids and flush targets together', () => {
    const problems = problemsOf(() =>
      readTokenRevocationConfig({ CALLER_CLIENT_IDS: 'ok,no way', CACHE_FLUSH_TARGETS: '{' }),
    );
    expect(problems).toEqual([
      'CACHE_FLUSH_TARGETS is not JSON',
      expect.stringMatching(/^CALLER_CLIENT_IDS has invalid app client ids: "no way"/),
      'CALLER_SCOPE is required',
      'CLIENT_IDS is required',
      'TABLE_NAME is required',
      'USER_POOL_ID is required',
    ]);
  });

  it('the defaults are the contract’s: exact reads, closed, 800 ms', () => {
    const config = readIntrospectionConfig(REQUIRED);
    expect(config.verifier).toMatchObject({
      clientId: ['client1'],
      failMode: 'closed',
      storeTimeoutMs: 800,
      stalenessSeconds: 0,
      sessionClaim: 'revocation_sid',
    });
    expect(config.stalenessSeconds).toBe(0);
  });
});

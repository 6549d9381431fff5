import { describe, expect, it } from 'vitest';
import { ConfigError, parseAuthorizerConfig } from '../../lambdas/verification/config.js';
import { ENVIRONMENT } from '../../lambdas/config/contract.js';

const REQUIRED = {
  USER_POOL_ID: 'eu-west-1_AbCdEf123',
  CLIENT_IDS: 'client1,client2',
  TABLE_NAME: 'revocations',
};

describe('authorizer configuration', () => {
  it('applies the contract defaults', () => {
    // Act
    const config = parseAuthorizerConfig(REQUIRED);
    // Assert
    expect(config).toEqual({
      userPoolId: 'eu-west-1_AbCdEf123',
      region: 'eu-west-1',
      clientIds: ['client1', 'client2'],
      tokenUse: 'any',
      tableName: 'revocations',
      sessionClaim: 'revocation_sid',
      failMode: 'closed',
      storeTimeoutMs: 800,
      storeMaxAttempts: 2,
      consistentRead: true,
      stalenessSeconds: 0,
      maxAgeSeconds: 600,
      httpApiResponseMode: 'simple',
      jwksUri: '',
      logLevel: 'info',
      metricsNamespace: 'CognitoRevocation',
      allowLogSampleRate: 0.01,
      metricsFlushDecisions: 1000,
    });
  });

  it('reads the allow-log sample rate as a number from 0 to 1, and rejects anything else', () => {
    for (const [raw, rate] of [
      ['0', 0],
      ['1', 1],
      ['0.25', 0.25],
      ['.5', 0.5],
    ] as const)
      expect(parseAuthorizerConfig({ ...REQUIRED, DECISION_LOG_SAMPLE_RATE: raw }).allowLogSampleRate).toBe(
        rate,
      );
    for (const raw of ['1.5', '-0.1', 'NaN', '1e-2', 'all', '0x1'])
      expect(() => parseAuthorizerConfig({ ...REQUIRED, DECISION_LOG_SAMPLE_RATE: raw }), raw).toThrow(
        /DECISION_LOG_SAMPLE_RATE must be a number from 0 to 1/,
      );
    expect(() => parseAuthorizerConfig({ ...REQUIRED, METRICS_FLUSH_DECISIONS: '1001' })).toThrow(
      /METRICS_FLUSH_DECISIONS must be an integer from 1 to 1000/,
    );
  });

  it('reads every variable of the contract, and no other', () => {
    const names = ENVIRONMENT.authorizer.map((v) => v.name).sort();
    const read = new Set<string>();
    const spy = new Proxy({ ...REQUIRED } as Record<string, string>, {
      get(target, name) {
        if (typeof name === 'string') read.add(name);
        return target[name as string];
      },
    });
    parseAuthorizerConfig(spy);
    expect([...read].sort()).toEqual(names);
  });

  it('parses explicit values', () => {
    const config = parseAuthorizerConfig({
      ...REQUIRED,
      USER_POOL_ID: 'us-gov-west-1_Abc',
      TOKEN_USE: 'ACCESS',
      FAIL_MODE: 'open',
      STORE_TIMEOUT_MS: '50',
      STORE_MAX_ATTEMPTS: '5',
      CONSISTENT_READ: 'false',
      REVOCATION_STALENESS_SECONDS: '10',
      REVOCATION_MAX_AGE_SECONDS: '3600',
      HTTP_API_RESPONSE_MODE: 'iam',
      JWKS_URI: 'http://localhost:9229/pool/.well-known/jwks.json',
      SESSION_CLAIM: 'custom:sid',
      LOG_LEVEL: 'debug',
    });
    expect(config).toMatchObject({
      region: 'us-gov-west-1',
      tokenUse: 'access',
      failMode: 'open',
      storeTimeoutMs: 50,
      storeMaxAttempts: 5,
      consistentRead: false,
      stalenessSeconds: 10,
      maxAgeSeconds: 3600,
      httpApiResponseMode: 'iam',
      sessionClaim: 'custom:sid',
      logLevel: 'debug',
    });
  });

  it('reports every problem at once, naming the variable and what it accepts', () => {
    let error: unknown;
    try {
      parseAuthorizerConfig({
        USER_POOL_ID: 'eu-west-1',
        CLIENT_IDS: ' , ',
        TOKEN_USE: 'refresh',
        STORE_TIMEOUT_MS: '9999',
        STORE_MAX_ATTEMPTS: '1.5',
        REVOCATION_STALENESS_SECONDS: '11',
        REVOCATION_MAX_AGE_SECONDS: '5',
        CONSISTENT_READ: 'yes',
        JWKS_URI: 'http://10.0.0.1/jwks.json',
        LOG_LEVEL: 'loud',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const expected of [
      'USER_POOL_ID must look like',
      'CLIENT_IDS lists no app client id',
      'TABLE_NAME is required',
      'TOKEN_USE must be one of any, id, access',
      'STORE_TIMEOUT_MS must be an integer from 50 to 5000; got "9999"',
      'STORE_MAX_ATTEMPTS must be an integer from 1 to 5',
      'REVOCATION_STALENESS_SECONDS must be an integer from 0 to 10',
      'REVOCATION_MAX_AGE_SECONDS must be an integer from 10 to 3600',
      'CONSISTENT_READ must be one of true, false',
      'JWKS_URI must be https',
      'LOG_LEVEL must be one of',
    ]) {
      expect(problems).toContain(expected);
    }
  });

  it('rejects invalid client ids and table names', () => {
    expect(() => parseAuthorizerConfig({ ...REQUIRED, CLIENT_IDS: 'ok,not ok' })).toThrow(
      /invalid app client ids: "not ok"/,
    );
    expect(() => parseAuthorizerConfig({ ...REQUIRED, TABLE_NAME: 'a/b' })).toThrow(/TABLE_NAME/);
  });
});

import { describe, expect, it } from 'vitest';
import {
  bearerToken,
  headerValue,
  MAX_TOKEN_LENGTH,
  parseAuthorizerEvent,
} from '../../lambdas/authorizer/events.js';
import { allowResponse, denyResponse, stageWideResource } from '../../lambdas/authorizer/responses.js';
import {
  appSyncEvent,
  httpApiEvent,
  METHOD_ARN,
  restRequestEvent,
  restTokenEvent,
  STAGE_RESOURCE,
} from '../fixtures/authorizer-events.js';

describe('bearer token extraction', () => {
  it.each([
    ['Bearer abc.def.ghi', 'abc.def.ghi'],
    ['bearer abc.def.ghi', 'abc.def.ghi'],
    ['BEARER\tabc.def.ghi ', 'abc.def.ghi'],
    ['abc.def.ghi', 'abc.def.ghi'],
  ])('%j → the token', (value, token) => {
    expect(bearerToken(value)).toEqual({ token, malformed: false });
  });

  it.each([undefined, null, ''])('%j → nothing presented', (value) => {
    expect(bearerToken(value)).toEqual({ token: undefined, malformed: false });
  });

  it.each([
    ['Bearer', 'Bearer'],
    ['Bearer a b', 'Bearer a b'],
    ['Basic dXNlcjpwYXNz', 'Basic dXNlcjpwYXNz'],
    ['number', 7],
    ['list', ['a']],
    ['oversized', 'x'.repeat(MAX_TOKEN_LENGTH + 1)],
  ])('%s → malformed', (_name, value) => {
    expect(bearerToken(value)).toEqual({ token: undefined, malformed: true });
  });
});

describe('header lookup', () => {
  it('is case-insensitive and unwraps single-valued lists', () => {
    expect(headerValue({ AuThOrIzAtIoN: 'x' }, 'authorization')).toBe('x');
    expect(headerValue({ authorization: ['x'] }, 'Authorization')).toBe('x');
    expect(headerValue({ Authorization: 'x', authorization: 'x' }, 'authorization')).toBe('x');
  });

  it('returns every value when ambiguous, and nothing for no headers', () => {
    expect(headerValue({ Authorization: 'x', authorization: 'y' }, 'authorization')).toEqual(['x', 'y']);
    expect(headerValue({ authorization: ['x', 'y'] }, 'authorization')).toEqual(['x', 'y']);
    expect(headerValue(null, 'authorization')).toBeUndefined();
    expect(headerValue('authorization: x', 'authorization')).toBeUndefined();
  });
});

describe('event detection', () => {
  it('recognises each shape and reads the token from its identity source', () => {
    expect(parseAuthorizerEvent(restTokenEvent('Bearer t1'))).toEqual({
      kind: 'rest_token',
      token: 't1',
      malformed: false,
      arn: METHOD_ARN,
      restStyle: true,
    });
    expect(parseAuthorizerEvent(restRequestEvent({ Authorization: 'Bearer t2' }))).toMatchObject({
      kind: 'rest_request',
      token: 't2',
      restStyle: true,
    });
    expect(parseAuthorizerEvent(httpApiEvent({ authorization: 'Bearer t3' }))).toMatchObject({
      kind: 'http_v2',
      token: 't3',
      restStyle: false,
    });
    expect(parseAuthorizerEvent(appSyncEvent('t4'))).toMatchObject({
      kind: 'appsync',
      token: 't4',
      restStyle: false,
    });
  });

  it('falls back to the identitySource of an HTTP API event without headers', () => {
    const event = { ...httpApiEvent(undefined), identitySource: ['Bearer t5'] };
    expect(parseAuthorizerEvent(event)).toMatchObject({ kind: 'http_v2', token: 't5' });
  });

  it('reads a REST REQUEST token from multiValueHeaders', () => {
    const event = { ...restRequestEvent(null), multiValueHeaders: { Authorization: ['Bearer t6'] } };
    expect(parseAuthorizerEvent(event)).toMatchObject({ kind: 'rest_request', token: 't6' });
  });

  it('anything else is unknown; REST-style only when a methodArn is present', () => {
    expect(parseAuthorizerEvent({ type: 'TOKEN' })).toMatchObject({ kind: 'unknown', restStyle: false });
    expect(parseAuthorizerEvent({ methodArn: METHOD_ARN })).toMatchObject({
      kind: 'unknown',
      restStyle: true,
    });
    expect(parseAuthorizerEvent(undefined)).toMatchObject({ kind: 'unknown', restStyle: false });
    expect(parseAuthorizerEvent({ version: '2.0', type: 'REQUEST' })).toMatchObject({ kind: 'unknown' });
  });
});

describe('responses', () => {
  it('the policy resource covers every method and path of the stage', () => {
    expect(stageWideResource(METHOD_ARN)).toBe(STAGE_RESOURCE);
    expect(stageWideResource('arn:aws:execute-api:us-east-1:123456789012:abc/prod/GET/')).toBe(
      'arn:aws:execute-api:us-east-1:123456789012:abc/prod/*/*',
    );
    expect(stageWideResource('arn:aws-cn:execute-api:cn-north-1:123456789012:abc/$default/POST/a/b')).toBe(
      'arn:aws-cn:execute-api:cn-north-1:123456789012:abc/$default/*/*',
    );
    expect(stageWideResource('arn:aws:execute-api:us-east-1:123456789012:abc')).toBeUndefined();
    expect(stageWideResource('arn:aws:lambda:us-east-1:123456789012:function/x/y')).toBeUndefined();
  });

  it('REST denials throw exactly Unauthorized; others answer not-authorized', () => {
    const rest = {
      kind: 'rest_token',
      restStyle: true,
      arn: METHOD_ARN,
      httpApiResponseMode: 'simple',
    } as const;
    expect(() => denyResponse(rest)).toThrow(new Error('Unauthorized'));
    expect(denyResponse({ ...rest, kind: 'appsync', restStyle: false })).toEqual({
      isAuthorized: false,
      ttlOverride: 0,
    });
    expect(denyResponse({ ...rest, kind: 'http_v2', restStyle: false })).toEqual({ isAuthorized: false });
  });

  it('allow shapes per kind; no allow for an unusable ARN or an unknown kind', () => {
    const context = { sub: 's' };
    const base = { restStyle: true, arn: METHOD_ARN, httpApiResponseMode: 'simple' } as const;
    expect(allowResponse({ ...base, kind: 'rest_request' }, 's', context)).toMatchObject({
      principalId: 's',
      context,
    });
    expect(allowResponse({ ...base, kind: 'appsync' }, 's', context)).toEqual({
      isAuthorized: true,
      resolverContext: context,
      ttlOverride: 0,
    });
    expect(allowResponse({ ...base, kind: 'http_v2' }, 's', context)).toEqual({
      isAuthorized: true,
      context,
    });
    expect(allowResponse({ ...base, kind: 'rest_token', arn: 'nope' }, 's', context)).toBeUndefined();
    expect(allowResponse({ ...base, kind: 'unknown' }, 's', context)).toBeUndefined();
  });

  it('AppSync ttlOverride: the allow bound from the shaping, clamped to 0–3600; a deny is never cached', () => {
    const base = {
      restStyle: false,
      arn: undefined,
      httpApiResponseMode: 'simple',
      kind: 'appsync',
    } as const;
    const ttl = (appSyncAllowTtlSeconds?: number) =>
      (allowResponse({ ...base, appSyncAllowTtlSeconds }, 's', {}) as { ttlOverride: number }).ttlOverride;
    expect(ttl()).toBe(0);
    expect(ttl(30)).toBe(30);
    expect(ttl(2.9)).toBe(2);
    expect(ttl(-5)).toBe(0);
    expect(ttl(Number.NaN)).toBe(0);
    expect(ttl(99_999)).toBe(3600);
    expect(denyResponse({ ...base, appSyncAllowTtlSeconds: 30 })).toEqual({
      isAuthorized: false,
      ttlOverride: 0,
    });
  });
});

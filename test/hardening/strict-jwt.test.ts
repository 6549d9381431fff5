/**
 * The authorizer's strict token shape check (`lambdas/authorizer/strict-jwt.ts`, added by the hardening work):
 * what it refuses, and — as important for a check in front of every request — what it must not refuse.
 */
import { describe, expect, it } from 'vitest';
import { jsonKeyProblem, strictJwtProblem } from '../../lambdas/verification/strict-jwt.js';
import { signAccessToken, signIdToken } from '../fixtures/tokens.js';

const b64 = (text: string) => Buffer.from(text).toString('base64url');
const jwt = (header: string, payload: string) => `${b64(header)}.${b64(payload)}.${b64('signature-bytes')}`;

describe('strictJwtProblem', () => {
  it('accepts Cognito-shaped tokens, with groups, scopes and extra claims', () => {
    for (const token of [
      signIdToken(),
      signAccessToken(),
      signIdToken({
        origin_jti: 'o-1',
        revocation_sid: 's-1',
        'custom:tenant': 'acme',
        nested: { a: [{ b: 1 }, { b: 2 }] },
      }),
    ]) {
      expect(strictJwtProblem(token)).toBeUndefined();
    }
  });

  it.each([
    ['two segments', 'a.b', /3 segments/],
    ['five segments (a JWE)', 'a.b.c.d.e', /3 segments/],
    ['padding', `${jwt('{"alg":"RS256"}', '{}')}=`, /unpadded/],
    ['standard base64 characters', `${b64('{"alg":"RS256"}')}.${b64('{}')}.ab+/`, /unpadded/],
    ['an empty signature', `${b64('{"alg":"none"}')}.${b64('{}')}.`, /unpadded/],
    ['non-canonical trailing bits', `${b64('{"alg":"RS256"}')}.${b64('{}')}.QR`, /canonical/],
    ['a duplicate payload key', jwt('{"alg":"RS256"}', '{"sub":"a","sub":"b"}'), /duplicate key "sub"/],
    [
      'a duplicate key spelled with an escape',
      jwt('{"alg":"RS256"}', '{"sub":"a","\\u0073ub":"b"}'),
      /duplicate key "sub"/,
    ],
    ['a duplicate header key', jwt('{"alg":"RS256","alg":"none"}', '{}'), /header: duplicate key "alg"/],
    ['a nested duplicate key', jwt('{"alg":"RS256"}', '{"a":{"x":1,"x":2}}'), /duplicate key "x"/],
    ['__proto__', jwt('{"alg":"RS256"}', '{"__proto__":{"admin":true}}'), /"__proto__" is not allowed/],
    ['constructor', jwt('{"alg":"RS256"}', '{"constructor":{}}'), /"constructor" is not allowed/],
  ])('refuses %s', (_name, token, problem) => {
    expect(strictJwtProblem(token)).toMatch(problem);
  });
});

describe('jsonKeyProblem', () => {
  it.each([
    ['the same key in sibling objects', '[{"a":1},{"a":2}]'],
    ['the same key at different depths', '{"a":{"a":{"a":1}}}'],
    ['braces, quotes and commas inside string values', '{"a":"{\\"a\\":1,\\"a\\":2}","b":"x,y"}'],
    ['a key after an array value', '{"x":[1,{"y":2},3],"y":1}'],
    ['escaped backslashes', '{"a":"\\\\","b":"\\\\\\""}'],
  ])('does not flag %s', (_name, text) => {
    expect(jsonKeyProblem(text)).toBeUndefined();
  });

  it('never throws on broken input and stays linear on deep nesting', () => {
    for (const text of [
      '{"a',
      '{"\\u12"}',
      '}}}]]]',
      '{{{{',
      '"',
      '['.repeat(100_000),
      '{"a":'.repeat(20_000),
    ]) {
      expect(() => jsonKeyProblem(text)).not.toThrow();
    }
    expect(jsonKeyProblem('{"\\u12":1}')).toBe('a key is not a valid JSON string');
  });
});

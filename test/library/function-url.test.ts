/**
 * The OAuth endpoints' request parsing (lambdas/library/function-url.ts): every malformed request is a specific
 * 4xx, never a throw of anything else, and a well-formed one yields exactly its form.
 */
import { describe, expect, it } from 'vitest';
import { FormRequestError, parseFormRequest } from '../../lambdas/library/function-url.js';

const event = (over: Record<string, unknown> = {}) => ({
  headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' },
  requestContext: { http: { method: 'POST' } },
  body: 'token=abc&token_type_hint=access_token',
  isBase64Encoded: false,
  ...over,
});

function statusOf(input: unknown): number | 'parsed' {
  try {
    parseFormRequest(input);
    return 'parsed';
  } catch (error) {
    if (!(error instanceof FormRequestError)) throw error;
    return error.status;
  }
}

describe('parseFormRequest', () => {
  it('reads the form, with lower-cased headers, plain or base64-encoded', () => {
    // Act
    const plain = parseFormRequest(event());
    const encoded = parseFormRequest(
      event({ body: Buffer.from('token=abc').toString('base64'), isBase64Encoded: true }),
    );
    // Assert
    expect(Object.fromEntries(plain.form)).toEqual({ token: 'abc', token_type_hint: 'access_token' });
    expect(plain.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    expect(encoded.form.get('token')).toBe('abc');
  });

  it.each([
    ['not an object', null, 400],
    ['an array', [], 400],
    ['GET', event({ requestContext: { http: { method: 'GET' } } }), 405],
    ['no method at all', event({ requestContext: {} }), 405],
    ['JSON body', event({ headers: { 'content-type': 'application/json' } }), 415],
    ['no content type', event({ headers: {} }), 415],
    ['a repeated parameter', event({ body: 'token=a&token=b' }), 400],
    ['a body over 16 KiB', event({ body: `token=${'a'.repeat(17 * 1024)}` }), 413],
  ])('%s → %s', (_name, input, status) => {
    // Act / Assert
    expect(statusOf(input)).toBe(status);
  });
});

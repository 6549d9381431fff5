/**
 * The logout request parser (lambdas/logout/request.ts): the identity comes from the authorizer context only; bad
 * bodies and events are clear 400/401 errors, never a crash; junk never yields a request for someone else.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LogoutRequestError, parseLogoutEvent } from '../../lambdas/logout/request.js';

const SUB = 'a11ce000-0000-4000-8000-000000000001';
const context = {
  sub: SUB,
  sessionId: 'aa01',
  originJti: 'fam-1',
  jti: 'j-1',
  exp: '2000000000',
  clientId: 'c1',
  tokenUse: 'access',
};
const http = (body?: unknown, ctx: Record<string, unknown> = context) => ({
  version: '2.0',
  headers: { authorization: 'Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln' },
  requestContext: { authorizer: { lambda: ctx } },
  ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
});
const options = { allowEverywhere: true };

describe('parseLogoutEvent', () => {
  it('HTTP API 2.0 and REST shapes: the ids from the authorizer context, the access token from the header', () => {
    const request = parseLogoutEvent(http(), options);
    expect(request).toEqual({
      sub: SUB,
      sessionId: 'aa01',
      originJti: 'fam-1',
      jti: 'j-1',
      exp: 2000000000,
      clientId: 'c1',
      everywhere: false,
      accessToken: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln',
    });
    const rest = parseLogoutEvent(
      { headers: {}, requestContext: { authorizer: { ...context, principalId: SUB } } },
      options,
    );
    expect(rest).toMatchObject({ sub: SUB, sessionId: 'aa01', everywhere: false });
  });

  it('an ID token is never sent to GlobalSignOut', () => {
    expect(parseLogoutEvent(http(undefined, { ...context, tokenUse: 'id' }), options)).not.toHaveProperty(
      'accessToken',
    );
  });

  it.each([
    ['a body naming another user', { sub: 'someone-else' }, 400],
    ['a body naming a session', { sessionId: 'bb01' }, 400],
    ['everywhere not a boolean', { everywhere: 'yes' }, 400],
    ['a refresh token that is not one', { refreshToken: 'hello' }, 400],
    ['not JSON', 'not json', 400],
    ['a JSON array', [1, 2], 400],
  ])('%s → %i', (_name, body, status) => {
    const error = (() => {
      try {
        parseLogoutEvent(http(body), options);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(LogoutRequestError);
    expect((error as LogoutRequestError).status).toBe(status);
  });

  it('no authorizer identity → 401; everywhere refused when turned off → 400', () => {
    expect(() => parseLogoutEvent({ requestContext: {} }, options)).toThrow(LogoutRequestError);
    expect(() => parseLogoutEvent(http({ everywhere: true }), { allowEverywhere: false })).toThrow(
      /turned off/,
    );
  });

  it('fuzzed events: a LogoutRequestError or a request for the context’s own sub — never another user, never a crash', () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), (body, extra) => {
        const event = {
          ...http(),
          body: typeof body === 'string' ? body : JSON.stringify(body ?? null),
          extra,
        };
        try {
          expect(parseLogoutEvent(event, options).sub).toBe(SUB);
        } catch (e) {
          expect(e).toBeInstanceOf(LogoutRequestError);
        }
        try {
          parseLogoutEvent(extra, options);
        } catch (e) {
          expect(e).toBeInstanceOf(LogoutRequestError);
        }
      }),
      { numRuns: 1000, seed: 20261201 },
    );
  });
});

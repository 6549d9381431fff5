/** Request validation of the admin Lambda (pure): any input is either a valid request or a RequestError. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OPERATIONS, parseAdminRequest, RequestError } from '../../lambdas/admin-signout/request.js';

describe('parseAdminRequest', () => {
  it('property: never throws anything but a RequestError, whatever the input', () => {
    const field = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.object(),
    );
    const requestLike = fc.record(
      {
        operation: fc.oneof(fc.constantFrom(...OPERATIONS), fc.string()),
        user: field,
        actor: field,
        reason: field,
        sessionId: field,
        originJti: field,
        jti: field,
        exp: field,
        token: fc.oneof(
          field,
          fc.record({ sub: field, iat: field, jti: field, sessionId: field }, { requiredKeys: [] }),
        ),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(fc.anything(), requestLike, fc.json()), (input) => {
        try {
          const request = parseAdminRequest(input);
          expect(OPERATIONS).toContain(request.operation);
        } catch (error) {
          expect(error).toBeInstanceOf(RequestError);
          expect((error as Error).message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('trims and accepts a well-formed signout, and accepts a JSON string payload', () => {
    expect(parseAdminRequest({ operation: 'signOutUser', user: ' alice ', actor: 'a', reason: 'r' })).toEqual(
      {
        operation: 'signOutUser',
        user: 'alice',
        actor: 'a',
        reason: 'r',
      },
    );
    expect(parseAdminRequest('{"operation":"listSessions","user":"bob"}')).toEqual({
      operation: 'listSessions',
      user: 'bob',
    });
  });

  it('rejects an over-long user and a negative exp', () => {
    expect(() => parseAdminRequest({ operation: 'listSessions', user: 'x'.repeat(129) })).toThrow(
      'longer than 128',
    );
    expect(() =>
      parseAdminRequest({ operation: 'revokeToken', jti: 'j', exp: -1, actor: 'a', reason: 'r' }),
    ).toThrow('"exp" must be');
  });
});

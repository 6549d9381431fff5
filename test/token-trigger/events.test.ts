/** Unit tests of the trigger's event handling (pure): classification and claim injection, incl. properties. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyEvent, injectSessionClaim, isValidClaimName } from '../../lambdas/token-trigger/events.js';
import { sessionIssuedAtMs, sessionIssuedAtSeconds } from '../../lambdas/core/session-id.js';
import { mintSessionId } from '../../lambdas/token-trigger/trigger.js';
import { isValidId } from '../../lambdas/core/token.js';
import { preTokenV1, preTokenV2, SUB, type TriggerOutput } from '../fixtures/trigger-events.js';

describe('classifyEvent', () => {
  it.each([
    ['1', 'v1'],
    ['0', 'v1'],
    [undefined, 'v1'],
    ['2', 'v2'],
    ['3', 'v2'],
  ])('version %s → %s format', (version, format) => {
    expect(classifyEvent({ ...preTokenV1(), version })).toMatchObject({
      kind: 'pre-token',
      format,
      sub: SUB,
    });
  });

  it('post-authentication is recognised with its facts', () => {
    expect(
      classifyEvent({ ...preTokenV1(), triggerSource: 'PostAuthentication_Authentication' }),
    ).toMatchObject({ kind: 'post-auth', sub: SUB });
  });
});

describe('robustness', () => {
  it('property: classifying and shaping any event never throws', () => {
    const eventLike = fc.record(
      {
        version: fc.oneof(fc.constantFrom('1', '2', '3'), fc.anything()),
        triggerSource: fc.oneof(
          fc.constantFrom(
            'TokenGeneration_Authentication',
            'TokenGeneration_RefreshTokens',
            'PostAuthentication_Authentication',
          ),
          fc.anything(),
        ),
        userName: fc.oneof(fc.string(), fc.anything()),
        callerContext: fc.oneof(fc.record({ clientId: fc.string() }), fc.anything()),
        request: fc.oneof(fc.record({ userAttributes: fc.record({ sub: fc.string() }) }), fc.anything()),
        response: fc.anything(),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(fc.anything(), eventLike), (event) => {
        const classified = classifyEvent(event);
        if (classified.kind === 'pre-token') {
          const out = injectSessionClaim(event as Record<string, unknown>, classified.format, 'sid', 'S');
          expect(JSON.stringify(out)).toContain('"sid":"S"');
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('injectSessionClaim', () => {
  it('v2 adds to both tokens without touching scopes or group overrides', () => {
    // Arrange
    const event = preTokenV2('2', {
      claimsAndScopeOverrideDetails: { accessTokenGeneration: { scopesToSuppress: ['x'] } },
    });
    // Act
    const out = injectSessionClaim(event, 'v2', 'sid', 'abc') as unknown as TriggerOutput;
    // Assert
    expect(out.response.claimsAndScopeOverrideDetails).toEqual({
      idTokenGeneration: { claimsToAddOrOverride: { sid: 'abc' } },
      accessTokenGeneration: { scopesToSuppress: ['x'], claimsToAddOrOverride: { sid: 'abc' } },
    });
  });

  it('property: every pre-existing claim and override survives, and only the session claim changes', () => {
    const claimMap = fc.dictionary(
      fc.string({ minLength: 1, maxLength: 8 }).filter((k) => k !== 'sid' && k !== '__proto__'),
      fc.string(),
    );
    fc.assert(
      fc.property(
        claimMap,
        claimMap,
        fc.array(fc.string({ maxLength: 6 })),
        fc.boolean(),
        (idClaims, accessClaims, suppress, v2) => {
          const event = v2
            ? preTokenV2('2', {
                claimsAndScopeOverrideDetails: {
                  idTokenGeneration: { claimsToAddOrOverride: idClaims, claimsToSuppress: suppress },
                  accessTokenGeneration: { claimsToAddOrOverride: accessClaims },
                },
              })
            : preTokenV1('TokenGeneration_Authentication', {
                claimsOverrideDetails: { claimsToAddOrOverride: idClaims, claimsToSuppress: suppress },
              });
          const out = injectSessionClaim(event, v2 ? 'v2' : 'v1', 'sid', 'S') as unknown as TriggerOutput;
          const id = v2
            ? out.response.claimsAndScopeOverrideDetails?.idTokenGeneration
            : out.response.claimsOverrideDetails;
          expect(id?.claimsToAddOrOverride).toEqual({ ...idClaims, sid: 'S' });
          expect(id?.claimsToSuppress).toEqual(suppress.filter((c) => c !== 'sid'));
          if (v2)
            expect(
              out.response.claimsAndScopeOverrideDetails?.accessTokenGeneration.claimsToAddOrOverride,
            ).toEqual({ ...accessClaims, sid: 'S' });
          expect(out.request).toBe(event.request);
        },
      ),
    );
  });
});

describe('session ids and claim names', () => {
  it('mints time-ordered ids (issue time + 128 random bits) that are valid blocklist ids, never look like a CLI option, and do not repeat', () => {
    // Arrange: all minted in the same millisecond, so only the random part tells them apart
    const at = 1_800_000_000_123;
    // Act
    const ids = new Set(Array.from({ length: 10_000 }, () => mintSessionId(at)));
    // Assert
    expect(ids.size).toBe(10_000);
    for (const id of [...ids].slice(0, 100)) {
      expect(id).toMatch(/^[0-9a-f]{44}$/);
      expect(Buffer.from(id.slice(12), 'hex')).toHaveLength(16);
      expect(isValidId(id)).toBe(true);
      expect(sessionIssuedAtMs(id)).toBe(at);
    }
    // Time-ordered: a later issuance sorts after an earlier one.
    expect(mintSessionId(at + 1) > mintSessionId(at)).toBe(true);
  });

  it('parses the issue time strictly: anything but 44 lowercase hex characters carries no time', () => {
    const good = mintSessionId(1_800_000_000_123);
    expect(sessionIssuedAtSeconds(good)).toBe(1_800_000_000);
    for (const bad of [
      good.toUpperCase(),
      `${good}0`,
      good.slice(1),
      `-${good.slice(1)}`,
      `${good.slice(0, 43)}g`,
      'a'.repeat(32), // an id minted before time-ordered ids
      ` ${good.slice(1)}`,
      undefined,
      1_800_000_000,
      null,
    ])
      expect(sessionIssuedAtMs(bad), String(bad)).toBeUndefined();
  });

  it.each([
    ['revocation_sid', true],
    ['custom:sid', true],
    ['sub', false],
    ['jti', false],
    ['origin_jti', false],
    ['cognito:groups', false],
    ['has space', false],
    ['', false],
  ])('claim name %j valid: %s', (name, valid) => {
    expect(isValidClaimName(name)).toBe(valid);
  });
});

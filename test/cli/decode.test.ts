/** Unit tests of the CLI's local token decoding (no verification, ids only). */
import { describe, expect, it } from 'vitest';
import { decodeTokenIds } from '../../cli/decode.js';
import { encodeUnsignedJwt, signAccessToken, signIdToken } from '../fixtures/tokens.js';

describe('decodeTokenIds', () => {
  it('reads the ids of an ID token, including the session claim', () => {
    // Arrange
    const token = signIdToken({
      sub: 's-1',
      iat: 100,
      auth_time: 90,
      exp: 200,
      jti: 'j-1',
      origin_jti: 'o-1',
      revocation_sid: 'sid-1',
    });
    // Act
    const ids = decodeTokenIds(token, 'revocation_sid');
    // Assert
    expect(ids).toMatchObject({
      sub: 's-1',
      iat: 100,
      authTime: 90,
      exp: 200,
      jti: 'j-1',
      originJti: 'o-1',
      sessionId: 'sid-1',
      tokenUse: 'id',
    });
  });

  it('accepts a "Bearer " prefix and an access token without a session claim', () => {
    const ids = decodeTokenIds(`Bearer ${signAccessToken({ sub: 's-2', iat: 5 })}`, 'revocation_sid');
    expect(ids).toMatchObject({ sub: 's-2', iat: 5, tokenUse: 'access' });
    expect(ids.sessionId).toBeUndefined();
  });

  it.each([
    ['not-a-token', 'not a JWT'],
    ['a.b', 'not a JWT'],
    ['a.!!.c', 'not a JWT'],
    [encodeUnsignedJwt({ alg: 'none' }, { iat: 1 }), 'no "sub"'],
    [encodeUnsignedJwt({ alg: 'none' }, { sub: 'x', iat: '1' }), 'no numeric "iat"'],
    [`x.${Buffer.from('[1]').toString('base64url')}.y`, 'not a JSON object'],
  ])('refuses %j', (token, message) => {
    expect(() => decodeTokenIds(token, 'revocation_sid')).toThrow(message);
  });
});

// How the RFC 7009 endpoint reads Cognito's errors on a refresh token (lambdas/adapters/cognito/refresh-tokens.ts):
// a token Cognito does not accept is "refused" (answered 200, nothing written), a refused client secret is
// "bad_client", anything else — throttling, network, 5xx, a failing trigger — is "unavailable" (503, retry).
// Pure mapping of error objects as the AWS SDK throws them; the calls themselves run against cognito-local in
// test/token-revocation/refresh-family.bundle.test.ts.
import { describe, expect, it } from 'vitest';
import { classifyCognitoError } from '../../../lambdas/adapters/cognito/refresh-tokens.js';

const sdkError = (name: string, message = 'x') => Object.assign(new Error(message), { name });

describe('classifyCognitoError', () => {
  it.each([
    ['NotAuthorizedException', 'Invalid Refresh Token'],
    ['NotAuthorizedException', 'Refresh Token has been revoked'],
    ['RefreshTokenReuseException', 'x'],
    ['InvalidParameterException', 'x'],
    ['UserNotFoundException', 'x'],
    ['ResourceNotFoundException', 'x'],
  ])('%s (%s): refused', (name, message) => {
    expect(classifyCognitoError(sdkError(name, message))).toEqual({ outcome: 'refused', error: name });
  });

  it('a NotAuthorizedException about the client secret: bad_client', () => {
    const error = sdkError('NotAuthorizedException', 'Unable to verify secret hash for client 1abc');
    expect(classifyCognitoError(error)).toEqual({ outcome: 'bad_client', error: 'NotAuthorizedException' });
  });

  it.each([
    'TooManyRequestsException',
    'InternalErrorException',
    'UnexpectedLambdaException',
    'UserLambdaValidationException',
    'ForbiddenException',
    'TimeoutError',
  ])('%s: unavailable', (name) => {
    expect(classifyCognitoError(sdkError(name))).toEqual({ outcome: 'unavailable', error: name });
  });

  it('what is not an SDK error (a string, a hostile name) is unavailable under a bounded name', () => {
    expect(classifyCognitoError('boom')).toEqual({ outcome: 'unavailable', error: 'Error' });
    expect(classifyCognitoError(undefined)).toEqual({ outcome: 'unavailable', error: 'Error' });
    const hostile = sdkError('eyJhbGciOi.payload.sig NotAuthorizedException');
    expect(classifyCognitoError(hostile)).toEqual({ outcome: 'unavailable', error: 'Error' });
  });
});

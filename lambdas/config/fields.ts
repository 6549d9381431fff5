/**
 * Rules several functions apply to a variable of the same meaning, kept in one place so that a value one function
 * accepts is accepted by all of them. Each function's `config.ts` still names every variable it reads.
 */
import {
  MAX_COGNITO_REFRESH_TOKEN_LIFETIME_SECONDS,
  MAX_COGNITO_TOKEN_LIFETIME_SECONDS,
  MIN_COGNITO_REFRESH_TOKEN_LIFETIME_SECONDS,
  MIN_COGNITO_TOKEN_LIFETIME_SECONDS,
} from '../core/lifetime.js';

/** `TOKEN_LIFETIME_SECONDS`: Cognito's own limits on ID/access token validity. */
export const TOKEN_LIFETIME_RANGE = [
  MIN_COGNITO_TOKEN_LIFETIME_SECONDS,
  MAX_COGNITO_TOKEN_LIFETIME_SECONDS,
] as const;

/** `REFRESH_TOKEN_LIFETIME_SECONDS`: Cognito's own limits on refresh token validity. */
export const REFRESH_TOKEN_LIFETIME_RANGE = [
  MIN_COGNITO_REFRESH_TOKEN_LIFETIME_SECONDS,
  MAX_COGNITO_REFRESH_TOKEN_LIFETIME_SECONDS,
] as const;

/**
 * `USER_POOL_ID` of the functions that call Cognito: `<region>_<id>`. Looser than the authorizer's rule, which
 * also needs the region to build the issuer.
 */
export function parseUserPoolId(value: string): string {
  if (!/^[\w-]+_[0-9a-zA-Z]+$/.test(value)) {
    throw new Error(`USER_POOL_ID must be a user pool id like eu-west-1_AbCdEf123, got "${value}"`);
  }
  return value;
}

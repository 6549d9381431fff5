/**
 * Cognito-shaped test tokens, signed RS256 by a test RSA key generated once per process (node:crypto).
 *
 * Exported API:
 * - Constants: `TEST_REGION` ('us-east-1'), `TEST_USER_POOL_ID` ('us-east-1_TestPool1'), `TEST_ISSUER`
 *   (`https://cognito-idp.us-east-1.amazonaws.com/us-east-1_TestPool1`), `TEST_CLIENT_ID`, `OTHER_CLIENT_ID`,
 *   `TEST_KID`, `TEST_SUB`, `TEST_USERNAME`, `TEST_SESSION_CLAIM` ('revocation_sid').
 * - `testSigningKey()`: `{ kid, privateKey, publicKey, jwk }` — THE key the test JWKS publishes (lazy, cached).
 * - `createSigningKey(kid)`: a fresh RSA key pair with the given kid (for "unknown kid" / "wrong key" tests).
 * - `testJwks(...extraKeys)`: the JWKS object `{ keys: [jwk, ...] }` with the test key (plus any extra keys).
 * - `idTokenClaims(overrides?)` / `accessTokenClaims(overrides?)`: Cognito-shaped payloads. `iat`/`auth_time`
 *   default to now, `exp` to now + 3600, `jti` to a random UUID. An override whose value is `undefined` REMOVES
 *   the claim (e.g. `{ auth_time: undefined }`). `origin_jti` and the session claim are absent unless given.
 * - `signIdToken(overrides?, options?)` / `signAccessToken(overrides?, options?)`: the signed compact JWT.
 *   `options`: `{ key?: SigningKey; header?: Record<string, unknown> }` (header fields merged over
 *   `{ alg: 'RS256', kid }`; a header value `undefined` removes the field).
 * - `signJwt(header, payload, key?)`: signs arbitrary header/payload objects with RS256 (the `alg` in the header
 *   is written as given, whatever it says — for adversarial tests).
 * - `encodeUnsignedJwt(header, payload, signature?)`: base64url-assembles a JWT without signing (alg none etc.).
 * - `nowSeconds()`: the current epoch second.
 */
import { createSign, generateKeyPairSync, type JsonWebKey, type KeyObject, randomUUID } from 'node:crypto';

export const TEST_REGION = 'us-east-1';
export const TEST_USER_POOL_ID = 'us-east-1_TestPool1';
export const TEST_ISSUER = `https://cognito-idp.${TEST_REGION}.amazonaws.com/${TEST_USER_POOL_ID}`;
export const TEST_CLIENT_ID = '1example23456789abcdefghij';
export const OTHER_CLIENT_ID = '9other876543210zyxwvutsrqp';
export const TEST_KID = 'test-key-1';
export const TEST_SUB = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
export const TEST_USERNAME = 'alice';
export const TEST_SESSION_CLAIM = 'revocation_sid';

export interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** The public JWK as Cognito publishes it: kty, n, e, alg RS256, use sig, kid. */
  readonly jwk: JsonWebKey & { kid: string; alg: string; use: string };
}

export type Claims = Record<string, unknown>;

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

export function createSigningKey(kid: string): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const exported = publicKey.export({ format: 'jwk' });
  return {
    kid,
    privateKey,
    publicKey,
    jwk: { kty: 'RSA', n: exported.n, e: exported.e, alg: 'RS256', use: 'sig', kid },
  };
}

// Kept on globalThis so that two instances of this module (ESM and CJS loads of it in one process) share the key.
const KEY_SLOT = Symbol.for('cognito-revocation.test.signingKey');
export function testSigningKey(): SigningKey {
  const slot = globalThis as unknown as Record<symbol, SigningKey | undefined>;
  slot[KEY_SLOT] ??= createSigningKey(TEST_KID);
  return slot[KEY_SLOT];
}

export function testJwks(...extraKeys: SigningKey[]): { keys: SigningKey['jwk'][] } {
  return { keys: [testSigningKey().jwk, ...extraKeys.map((k) => k.jwk)] };
}

function applyOverrides(base: Claims, overrides: Claims): Claims {
  const out: Claims = { ...base };
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete out[name];
    else out[name] = value;
  }
  return out;
}

export function idTokenClaims(overrides: Claims = {}): Claims {
  const now = nowSeconds();
  return applyOverrides(
    {
      sub: TEST_SUB,
      'cognito:groups': ['admins', 'readers'],
      email_verified: true,
      iss: TEST_ISSUER,
      'cognito:username': TEST_USERNAME,
      aud: TEST_CLIENT_ID,
      event_id: randomUUID(),
      token_use: 'id',
      auth_time: now,
      exp: now + 3600,
      iat: now,
      jti: randomUUID(),
      email: 'alice@example.com',
    },
    overrides,
  );
}

export function accessTokenClaims(overrides: Claims = {}): Claims {
  const now = nowSeconds();
  return applyOverrides(
    {
      sub: TEST_SUB,
      'cognito:groups': ['admins', 'readers'],
      iss: TEST_ISSUER,
      client_id: TEST_CLIENT_ID,
      event_id: randomUUID(),
      token_use: 'access',
      scope: 'aws.cognito.signin.user.admin openid',
      auth_time: now,
      exp: now + 3600,
      iat: now,
      jti: randomUUID(),
      username: TEST_USERNAME,
    },
    overrides,
  );
}

const b64url = (value: string | Buffer): string => Buffer.from(value).toString('base64url');

export function encodeUnsignedJwt(header: Claims, payload: Claims, signature = ''): string {
  return `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}.${signature}`;
}

export function signJwt(header: Claims, payload: Claims, key: SigningKey = testSigningKey()): string {
  const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  const signature = createSign('RSA-SHA256').update(signingInput).sign(key.privateKey);
  return `${signingInput}.${b64url(signature)}`;
}

export interface SignOptions {
  readonly key?: SigningKey;
  readonly header?: Claims;
}

function signWith(payload: Claims, options: SignOptions): string {
  const key = options.key ?? testSigningKey();
  const header = applyOverrides({ kid: key.kid, alg: 'RS256' }, options.header ?? {});
  return signJwt(header, payload, key);
}

export function signIdToken(overrides: Claims = {}, options: SignOptions = {}): string {
  return signWith(idTokenClaims(overrides), options);
}

export function signAccessToken(overrides: Claims = {}, options: SignOptions = {}): string {
  return signWith(accessTokenClaims(overrides), options);
}

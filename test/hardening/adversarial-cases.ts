/**
 * The adversarial token suite's generator. Run `npx tsx test/hardening/adversarial-cases.ts` to
 * (re)write `test/fixtures/adversarial/cases.json`; `adversarial.test.ts` checks the file is exactly what this
 * produces, then runs every case through the built authorizer bundle for every event shape.
 *
 * Deterministic: the RSA keys live in `test/fixtures/adversarial/keys.json` (TEST-ONLY keys, created once by this
 * script when absent; they sign nothing outside this suite), RS256 (PKCS#1 v1.5) signatures are deterministic, and
 * every time and id is fixed. Valid tokens are issued 2025-11-24 and expire 2100-01-01, so the suite runs without
 * re-signing; "expired" tokens expired in 2025, "future" ones start in 2099.
 *
 * The pool key (kid `adv-pool-key`) is the one the test JWKS publishes for the pool `us-east-1_TestPool1`; every
 * other key is an attacker's or another pool's.
 */
import {
  createHmac,
  createPrivateKey,
  createPublicKey,
  createSign,
  generateKeyPairSync,
  type JsonWebKey,
  type KeyObject,
  sign as cryptoSign,
  constants,
} from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  accessTokenClaims,
  type Claims,
  encodeUnsignedJwt,
  idTokenClaims,
  OTHER_CLIENT_ID,
  type SigningKey,
  signJwt,
  TEST_CLIENT_ID,
  TEST_ISSUER,
  TEST_SESSION_CLAIM,
  TEST_USER_POOL_ID,
} from '../fixtures/tokens.js';

export const FIXTURE_DIR = resolve(import.meta.dirname, '..', 'fixtures', 'adversarial');
export const CASES_FILE = join(FIXTURE_DIR, 'cases.json');
export const KEYS_FILE = join(FIXTURE_DIR, 'keys.json');

export const POOL_KID = 'adv-pool-key';
export const ISSUED_AT = 1_764_000_000; // 2025-11-24T16:00:00Z
export const EXPIRES_AT = 4_102_444_800; // 2100-01-01T00:00:00Z
const PAST_EXP = 1_764_003_600; // one hour after issuance, long gone
const FUTURE = 4_102_358_400; // 2099-12-31T00:00:00Z

export type Verdict = 'allow' | 'deny';

/** The Authorization value, literal or (for huge values) a prefix plus a unit repeated `count` times. */
export type Authorization =
  | string
  | { readonly prefix: string; readonly unit: string; readonly count: number };

export interface AdversarialCase {
  readonly id: string;
  readonly category: string;
  readonly description: string;
  /** What the client sends as the Authorization header / `authorizationToken`. */
  readonly authorization: Authorization;
  readonly expected: Verdict;
  /** Decision reasons (the authorizer's log field `reason`) that are acceptable for this case. */
  readonly reasons: readonly string[];
}

export interface CasesFile {
  readonly generatedBy: string;
  readonly userPoolId: string;
  readonly clientIds: readonly string[];
  readonly sessionClaim: string;
  /** The JWKS the authorizer under test must be given (the pool key only). */
  readonly jwks: { keys: JsonWebKey[] };
  readonly cases: readonly AdversarialCase[];
}

interface KeyFile {
  readonly note: string;
  readonly keys: Record<string, string>;
}

const KEY_NAMES = ['pool', 'attacker', 'otherPool'] as const;
type KeyName = (typeof KEY_NAMES)[number];

/** Reads the fixture keys, creating the file once when it does not exist. */
export function fixtureKeys(): Record<KeyName, KeyObject> {
  if (!existsSync(KEYS_FILE)) {
    const keys: Record<string, string> = {};
    for (const name of KEY_NAMES) {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      keys[name] = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    }
    const file: KeyFile = {
      note: 'TEST-ONLY RSA keys for the adversarial token suite (test/hardening). Never trust them anywhere.',
      keys,
    };
    writeFileSync(KEYS_FILE, `${JSON.stringify(file, null, 2)}\n`);
  }
  const file = JSON.parse(readFileSync(KEYS_FILE, 'utf8')) as KeyFile;
  const out = {} as Record<KeyName, KeyObject>;
  for (const name of KEY_NAMES) {
    const pem = file.keys[name];
    if (!pem) throw new Error(`${KEYS_FILE} lacks key "${name}"`);
    out[name] = createPrivateKey(pem);
  }
  return out;
}

function signingKey(privateKey: KeyObject, kid: string): SigningKey {
  const publicKey = createPublicKey(privateKey);
  const exported = publicKey.export({ format: 'jwk' });
  return {
    kid,
    privateKey,
    publicKey,
    jwk: { kty: 'RSA', n: exported.n, e: exported.e, alg: 'RS256', use: 'sig', kid },
  };
}

const b64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/** Signs exact header and payload *texts* (for duplicate keys, whitespace, non-ASCII). */
function signRaw(headerText: string, payloadText: string, key: SigningKey): string {
  const input = `${b64url(headerText)}.${b64url(payloadText)}`;
  return `${input}.${b64url(createSign('RSA-SHA256').update(input).sign(key.privateKey))}`;
}

/** Deterministic pseudo-random bytes (for the refresh-token lookalike). */
function bytes(seed: string, length: number): Buffer {
  const out: Buffer[] = [];
  let counter = 0;
  while (Buffer.concat(out).length < length) {
    out.push(createHmac('sha256', seed).update(String(counter++)).digest());
  }
  return Buffer.concat(out).subarray(0, length);
}

export function buildCases(): CasesFile {
  const keys = fixtureKeys();
  const pool = signingKey(keys.pool, POOL_KID);
  const attacker = signingKey(keys.attacker, 'attacker-key');
  const otherPool = signingKey(keys.otherPool, 'other-pool-key');
  const attackerWithPoolKid = signingKey(keys.attacker, POOL_KID);
  const otherPoolWithPoolKid = signingKey(keys.otherPool, POOL_KID);
  const otherIssuer = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_OtherPool9';

  const fixed = {
    iat: ISSUED_AT,
    auth_time: ISSUED_AT,
    exp: EXPIRES_AT,
    event_id: '3f1b6a52-5d0e-4c7b-9a8e-2b4c6d8e0f12',
    jti: '6c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
    origin_jti: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
    [TEST_SESSION_CLAIM]: 'adv-session-0001',
  };
  const id = (overrides: Claims = {}) => idTokenClaims({ ...fixed, ...overrides });
  const access = (overrides: Claims = {}) => accessTokenClaims({ ...fixed, ...overrides });
  const header = (overrides: Claims = {}) => ({ kid: POOL_KID, alg: 'RS256', ...overrides });
  const rs = (payload: Claims, key: SigningKey = pool, h: Claims = header({ kid: key.kid })) =>
    signJwt(h, payload, key);

  const validId = rs(id());
  const validAccess = rs(access());
  const [vh, vp, vs] = validId.split('.') as [string, string, string];
  const publicPem = pool.publicKey.export({ format: 'pem', type: 'spki' }).toString();
  const publicDer = pool.publicKey.export({ format: 'der', type: 'spki' });
  const hs256 = (secret: string | Buffer, payload: Claims = id(), h: Claims = header({ alg: 'HS256' })) => {
    const input = `${b64url(JSON.stringify(h))}.${b64url(JSON.stringify(payload))}`;
    return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
  };
  const pss = (() => {
    const input = `${b64url(JSON.stringify(header({ alg: 'PS256' })))}.${vp}`;
    const signature = cryptoSign('sha256', Buffer.from(input), {
      key: pool.privateKey,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: 0, // deterministic (a random salt would change the file at every run)
    });
    return `${input}.${signature.toString('base64url')}`;
  })();
  // Flip unused low bits of the last base64url character: same bytes for a lenient decoder, different text.
  const nonCanonical = (segment: string) => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    if ((segment.length * 6) % 8 === 0) throw new Error('segment has no unused trailing bits');
    const flipped = alphabet[alphabet.indexOf(segment.at(-1)!) ^ 1]!;
    return `${segment.slice(0, -1)}${flipped}`;
  };
  // A signed token whose payload segment has unused trailing bits (length not a multiple of 4).
  const [ph, pp, ps] = (() => {
    for (let k = 0; ; k++) {
      const token = rs(id({ nonce: 'n'.repeat(k) }));
      if (token.split('.')[1]!.length % 4 !== 0) return token.split('.') as [string, string, string];
    }
  })();
  const refreshLookalike = [
    b64url(JSON.stringify({ cty: 'JWT', enc: 'A256GCM', alg: 'RSA-OAEP' })),
    b64url(bytes('encrypted-key', 256)),
    b64url(bytes('iv', 12)),
    b64url(bytes('ciphertext', 1200)),
    b64url(bytes('tag', 16)),
  ].join('.');

  const cases: AdversarialCase[] = [];
  const add = (
    category: string,
    caseId: string,
    description: string,
    authorization: Authorization,
    reasons: readonly string[],
    expected: Verdict = 'deny',
  ) => {
    if (cases.some((c) => c.id === caseId)) throw new Error(`duplicate case id ${caseId}`);
    cases.push({ id: caseId, category, description, authorization, expected, reasons });
  };
  const bearer = (token: string) => `Bearer ${token}`;
  const SIG = ['invalid_signature'];
  const KID = ['unknown_kid'];
  const PARSE = ['malformed_token'];
  const MISSING = ['missing_token'];
  // Refused before verification: unusable Authorization value (the authorizer says malformed when something was sent).
  const UNUSABLE = ['malformed_token', 'missing_token'];
  const CLAIMS = ['invalid_claims', 'malformed_token'];

  // Controls: the harness must be able to allow, or every deny below proves nothing.
  add('control', 'valid-id-token', 'A valid ID token of the pool', bearer(validId), ['valid'], 'allow');
  add('control', 'valid-access-token', 'A valid access token', bearer(validAccess), ['valid'], 'allow');
  add('control', 'valid-bare-token', 'A valid token without the Bearer scheme', validId, ['valid'], 'allow');
  add(
    'control',
    'valid-lowercase-scheme',
    'bearer (lower case) scheme',
    `bearer ${validId}`,
    ['valid'],
    'allow',
  );

  // Algorithm confusion
  add('algorithm', 'alg-none-empty-sig', 'alg none, no signature', encodeUnsignedJwt({ alg: 'none' }, id()), [
    ...PARSE,
    ...SIG,
    ...KID,
  ]);
  add(
    'algorithm',
    'alg-none-with-kid',
    'alg none with the pool kid, no signature',
    encodeUnsignedJwt(header({ alg: 'none' }), id()),
    [...PARSE, ...SIG],
  );
  add(
    'algorithm',
    'alg-none-kept-sig',
    'alg none, original signature kept',
    bearer(`${b64url(JSON.stringify(header({ alg: 'none' })))}.${vp}.${vs}`),
    SIG,
  );
  add(
    'algorithm',
    'alg-None-capitalised',
    'alg "None"',
    bearer(encodeUnsignedJwt(header({ alg: 'None' }), id())),
    [...PARSE, ...SIG],
  );
  add('algorithm', 'alg-NONE-upper', 'alg "NONE"', bearer(encodeUnsignedJwt(header({ alg: 'NONE' }), id())), [
    ...PARSE,
    ...SIG,
  ]);
  add(
    'algorithm',
    'hs256-public-pem',
    'HS256 keyed with the pool public key (PEM)',
    bearer(hs256(publicPem)),
    SIG,
  );
  add(
    'algorithm',
    'hs256-public-der',
    'HS256 keyed with the pool public key (DER)',
    bearer(hs256(publicDer)),
    SIG,
  );
  add('algorithm', 'hs256-jwk-n', 'HS256 keyed with the JWK modulus', bearer(hs256(String(pool.jwk.n))), SIG);
  add('algorithm', 'hs256-no-kid', 'HS256 without kid', bearer(hs256(publicPem, id(), { alg: 'HS256' })), [
    ...KID,
    ...SIG,
  ]);
  add(
    'algorithm',
    'rs512-header',
    'alg RS512 on an RS256 signature',
    bearer(`${b64url(JSON.stringify(header({ alg: 'RS512' })))}.${vp}.${vs}`),
    SIG,
  );
  add(
    'algorithm',
    'es256-header',
    'alg ES256 on an RS256 signature',
    bearer(`${b64url(JSON.stringify(header({ alg: 'ES256' })))}.${vp}.${vs}`),
    SIG,
  );
  add(
    'algorithm',
    'ps256-pool-key',
    'RSASSA-PSS (PS256, empty salt) signed by the pool key (JWK says RS256)',
    bearer(pss),
    SIG,
  );
  add('algorithm', 'alg-missing', 'no alg header', bearer(rs(id(), pool, { kid: POOL_KID })), [
    ...SIG,
    ...PARSE,
  ]);
  add(
    'algorithm',
    'alg-number',
    'alg is a number',
    bearer(rs(id(), pool, { kid: POOL_KID, alg: 256 })),
    PARSE,
  );

  // Key id tricks
  add('kid', 'kid-unknown', 'Signed by an attacker key with its own kid', bearer(rs(id(), attacker)), KID);
  add('kid', 'kid-missing', 'No kid', bearer(rs(id(), pool, { alg: 'RS256' })), KID);
  add(
    'kid',
    'kid-pool-wrong-key',
    'The pool kid, signed by an attacker key',
    bearer(rs(id(), attackerWithPoolKid)),
    SIG,
  );
  add(
    'kid',
    'kid-path-traversal',
    'kid "../../../../dev/null"',
    bearer(rs(id(), pool, header({ kid: '../../../../dev/null' }))),
    KID,
  );
  add('kid', 'kid-sql', "kid \"' OR '1'='1\"", bearer(rs(id(), pool, header({ kid: "' OR '1'='1" }))), KID);
  add('kid', 'kid-number', 'kid is a number', bearer(rs(id(), pool, header({ kid: 1 }))), PARSE);
  add('kid', 'kid-object', 'kid is an object', bearer(rs(id(), pool, header({ kid: { $ne: null } }))), PARSE);
  add('kid', 'kid-huge', 'kid of 8 KiB', bearer(rs(id(), pool, header({ kid: 'k'.repeat(8192) }))), KID);
  add(
    'kid',
    'jku-attacker',
    'jku pointing at an attacker JWKS, attacker kid',
    bearer(
      rs(id(), attacker, { alg: 'RS256', kid: attacker.kid, jku: 'https://attacker.example/jwks.json' }),
    ),
    KID,
  );
  add(
    'kid',
    'jku-pool-kid',
    'jku to an attacker JWKS, pool kid, attacker signature',
    bearer(rs(id(), attackerWithPoolKid, header({ jku: 'https://attacker.example/jwks.json' }))),
    SIG,
  );
  add(
    'kid',
    'x5u-attacker',
    'x5u pointing at an attacker certificate',
    bearer(rs(id(), attacker, { alg: 'RS256', kid: attacker.kid, x5u: 'https://attacker.example/cert.pem' })),
    KID,
  );
  add(
    'kid',
    'jwk-embedded',
    'The attacker public key embedded as a jwk header',
    bearer(rs(id(), attacker, { alg: 'RS256', kid: attacker.kid, jwk: attacker.jwk })),
    KID,
  );
  add(
    'kid',
    'jwk-embedded-pool-kid',
    'Embedded jwk header with the pool kid, attacker signature',
    bearer(rs(id(), attackerWithPoolKid, header({ jwk: attacker.jwk }))),
    SIG,
  );
  add(
    'kid',
    'x5c-attacker',
    'x5c header with garbage certificates',
    bearer(rs(id(), attacker, { alg: 'RS256', kid: attacker.kid, x5c: ['MIIB'] })),
    KID,
  );

  // Signature tampering and encodings
  const forgedPayload = b64url(JSON.stringify(id({ sub: '99999999-8888-7777-6666-555555555555' })));
  add(
    'signature',
    'payload-swapped',
    'Payload changed (other sub), original signature',
    bearer(`${vh}.${forgedPayload}.${vs}`),
    SIG,
  );
  add('signature', 'signature-empty', 'RS256 with an empty signature', bearer(`${vh}.${vp}.`), [
    ...PARSE,
    ...SIG,
  ]);
  add(
    'signature',
    'signature-truncated',
    'Signature cut in half',
    bearer(`${vh}.${vp}.${vs.slice(0, vs.length >> 1)}`),
    [...SIG, ...PARSE],
  );
  add(
    'signature',
    'signature-bitflip',
    'One signature character changed',
    bearer(`${vh}.${vp}.${vs[0] === 'A' ? 'B' : 'A'}${vs.slice(1)}`),
    SIG,
  );
  add(
    'signature',
    'signature-other-token',
    'Signature of the access token on the ID token',
    bearer(`${vh}.${vp}.${validAccess.split('.')[2]}`),
    SIG,
  );
  add(
    'encoding',
    'signature-non-canonical',
    'Signature with non-canonical trailing bits (same bytes)',
    bearer(`${vh}.${vp}.${nonCanonical(vs)}`),
    [...PARSE, ...SIG],
  );
  add(
    'encoding',
    'payload-non-canonical',
    'Payload with non-canonical trailing bits',
    bearer(`${ph}.${nonCanonical(pp)}.${ps}`),
    [...PARSE, ...SIG],
  );
  add('encoding', 'signature-padded', 'Signature with = padding', bearer(`${vh}.${vp}.${vs}==`), [
    ...PARSE,
    ...SIG,
  ]);
  add(
    'encoding',
    'header-padded',
    'Header with = padding (signing input changes)',
    bearer(`${vh}=.${vp}.${vs}`),
    [...PARSE, ...SIG],
  );
  add(
    'encoding',
    'signature-std-base64',
    'Signature in standard base64 (+/)',
    bearer(`${vh}.${vp}.${Buffer.from(vs, 'base64url').toString('base64')}`),
    [...PARSE, ...SIG],
  );
  add('encoding', 'whitespace-inside', 'A space inside the token', bearer(`${vh}.${vp} .${vs}`), UNUSABLE);
  add('encoding', 'newline-inside', 'A newline inside the token', bearer(`${vh}.\n${vp}.${vs}`), UNUSABLE);
  add('encoding', 'tab-inside', 'A tab inside the token', bearer(`${vh}.${vp}.\t${vs}`), UNUSABLE);
  add('encoding', 'two-segments', 'Only header.payload', bearer(`${vh}.${vp}`), PARSE);
  add('encoding', 'four-segments', 'An extra segment', bearer(`${vh}.${vp}.${vs}.${vs}`), PARSE);
  add(
    'encoding',
    'header-not-json',
    'Header is not JSON',
    bearer(`${b64url('{alg:RS256')}.${vp}.${vs}`),
    PARSE,
  );
  add(
    'encoding',
    'payload-not-json',
    'Payload is not JSON (signed)',
    bearer(signRaw(JSON.stringify(header()), 'sub=alice', pool)),
    PARSE,
  );
  add(
    'encoding',
    'payload-array',
    'Payload is a JSON array (signed)',
    bearer(signRaw(JSON.stringify(header()), '[1,2]', pool)),
    PARSE,
  );
  add(
    'encoding',
    'payload-null',
    'Payload is JSON null (signed)',
    bearer(signRaw(JSON.stringify(header()), 'null', pool)),
    PARSE,
  );
  add(
    'encoding',
    'duplicate-keys-issuer',
    'Duplicate iss keys: wrong first, right last (signed)',
    bearer(
      signRaw(JSON.stringify(header()), JSON.stringify(id()).replace('{', `{"iss":"${otherIssuer}",`), pool),
    ),
    CLAIMS,
  );
  add(
    'encoding',
    'duplicate-keys-token-use',
    'Duplicate token_use keys (signed)',
    bearer(
      signRaw(JSON.stringify(header()), JSON.stringify(id()).replace('{', '{"token_use":"access",'), pool),
    ),
    CLAIMS,
  );
  add(
    'encoding',
    'duplicate-keys-sub',
    'Duplicate sub keys (signed)',
    bearer(
      signRaw(
        JSON.stringify(header()),
        JSON.stringify(id()).replace('{', '{"sub":"99999999-8888-7777-6666-555555555555",'),
        pool,
      ),
    ),
    CLAIMS,
  );
  add(
    'encoding',
    'proto-pollution',
    '__proto__ in the payload (signed)',
    bearer(
      signRaw(
        JSON.stringify(header()),
        JSON.stringify(id()).replace('{', '{"__proto__":{"token_use":"id","admin":true},'),
        pool,
      ),
    ),
    CLAIMS,
  );
  add('encoding', 'non-ascii-token', 'Non-ASCII characters in the token', bearer(`${vh}.${vp}é.${vs}`), [
    ...PARSE,
    ...SIG,
  ]);
  add('encoding', 'non-ascii-kid', 'Non-ASCII kid', bearer(rs(id(), pool, header({ kid: 'clé-ü-键' }))), KID);
  add('encoding', 'bom-inside', 'A byte-order mark between two segments', bearer(`${vh}\ufeff.${vp}.${vs}`), [
    ...PARSE,
    ...MISSING,
  ]);
  add('encoding', 'nul-byte', 'A NUL byte inside the token', bearer(`${vh}.${vp}\u0000.${vs}`), [
    ...PARSE,
    ...SIG,
  ]);

  // Sizes
  add(
    'size',
    'huge-token',
    'A 20 KiB token (a signed claim of 15 KiB)',
    bearer(rs(id({ padding: 'p'.repeat(15_000) }))),
    UNUSABLE,
  );
  add(
    'size',
    'huge-header-1mib',
    'A 1 MiB Authorization value',
    { prefix: 'Bearer ', unit: 'A', count: 1 << 20 },
    UNUSABLE,
  );
  add(
    'size',
    'huge-header-json',
    'A 256 KiB token header',
    { prefix: `Bearer ${b64url('{"alg":"RS256","kid":"')}`, unit: 'QUFB', count: 65_536 },
    UNUSABLE,
  );
  add('size', 'empty', 'An empty Authorization value', '', MISSING);
  add('size', 'scheme-only', 'Bearer with nothing after it', 'Bearer', [...MISSING, ...PARSE]);
  add('size', 'scheme-space', '"Bearer " with a trailing space', 'Bearer ', [...MISSING, ...PARSE]);
  add(
    'size',
    'basic-auth',
    'A Basic credential instead of a bearer token',
    'Basic YWxpY2U6cGFzc3dvcmQ=',
    UNUSABLE,
  );
  add('size', 'literal-null', 'The string "null"', 'Bearer null', PARSE);

  // Wrong issuer / audience / token use
  add(
    'issuer',
    'other-pool-token',
    'A real-looking token of another pool, its own key',
    bearer(rs(id({ iss: otherIssuer }), otherPool)),
    [...KID, 'wrong_issuer'],
  );
  add(
    'issuer',
    'other-pool-same-kid',
    'Another pool reusing our kid, its own key',
    bearer(rs(id({ iss: otherIssuer }), otherPoolWithPoolKid)),
    [...SIG, 'wrong_issuer'],
  );
  add(
    'issuer',
    'other-pool-access',
    'Another pool access token for our client id',
    bearer(rs(access({ iss: otherIssuer }), otherPool)),
    [...KID, 'wrong_issuer'],
  );
  add(
    'issuer',
    'issuer-other-pool-our-key',
    'Our key, another pool as issuer',
    bearer(rs(id({ iss: otherIssuer }))),
    ['wrong_issuer'],
  );
  add(
    'issuer',
    'issuer-http',
    'Issuer with http://',
    bearer(rs(id({ iss: TEST_ISSUER.replace('https', 'http') }))),
    ['wrong_issuer'],
  );
  add(
    'issuer',
    'issuer-trailing-slash',
    'Issuer with a trailing slash',
    bearer(rs(id({ iss: `${TEST_ISSUER}/` }))),
    ['wrong_issuer'],
  );
  add(
    'issuer',
    'issuer-other-region',
    'Issuer in another region',
    bearer(rs(id({ iss: TEST_ISSUER.replace('us-east-1.amazonaws', 'eu-west-1.amazonaws') }))),
    ['wrong_issuer'],
  );
  add(
    'issuer',
    'issuer-case',
    'Issuer with different case',
    bearer(rs(id({ iss: TEST_ISSUER.toUpperCase() }))),
    ['wrong_issuer'],
  );
  add('issuer', 'issuer-missing', 'No iss claim', bearer(rs(id({ iss: undefined }))), [
    'wrong_issuer',
    ...CLAIMS,
  ]);
  add(
    'audience',
    'aud-other-client',
    'ID token for another app client',
    bearer(rs(id({ aud: OTHER_CLIENT_ID }))),
    ['wrong_client'],
  );
  add(
    'audience',
    'client-id-other',
    'Access token for another app client',
    bearer(rs(access({ client_id: OTHER_CLIENT_ID }))),
    ['wrong_client'],
  );
  add('audience', 'aud-missing', 'ID token without aud', bearer(rs(id({ aud: undefined }))), [
    'wrong_client',
    ...CLAIMS,
  ]);
  add(
    'audience',
    'access-without-client-id',
    'Access token with aud but no client_id',
    bearer(rs(access({ client_id: undefined, aud: TEST_CLIENT_ID }))),
    ['wrong_client', ...CLAIMS],
  );
  add('audience', 'aud-number', 'aud is a number', bearer(rs(id({ aud: 12345 }))), [
    ...PARSE,
    'wrong_client',
  ]);
  add('token-use', 'token-use-refresh', 'token_use "refresh"', bearer(rs(id({ token_use: 'refresh' }))), [
    'wrong_token_use',
  ]);
  add('token-use', 'token-use-missing', 'No token_use', bearer(rs(id({ token_use: undefined }))), [
    'wrong_token_use',
    ...CLAIMS,
  ]);
  add('token-use', 'token-use-upper', 'token_use "ID"', bearer(rs(id({ token_use: 'ID' }))), [
    'wrong_token_use',
  ]);
  add(
    'token-use',
    'id-claims-access-use',
    'ID token claims labelled access (no client_id)',
    bearer(rs(id({ token_use: 'access' }))),
    ['wrong_client', 'wrong_token_use', ...CLAIMS],
  );
  add(
    'token-use',
    'refresh-token-as-bearer',
    'A Cognito refresh token (JWE, five segments) as a bearer token',
    bearer(refreshLookalike),
    PARSE,
  );

  // Time
  add('time', 'expired', 'Expired in 2025', bearer(rs(id({ exp: PAST_EXP }))), ['expired']);
  add('time', 'expired-access', 'Expired access token', bearer(rs(access({ exp: PAST_EXP }))), ['expired']);
  add('time', 'exp-string', 'exp as a string', bearer(rs(id({ exp: String(EXPIRES_AT) }))), PARSE);
  add('time', 'exp-missing', 'No exp', bearer(rs(id({ exp: undefined }))), [...CLAIMS, 'expired']);
  add(
    'time',
    'exp-huge',
    'exp 1e400 (parses to Infinity)',
    bearer(
      signRaw(
        JSON.stringify(header()),
        JSON.stringify(id()).replace(`"exp":${EXPIRES_AT}`, '"exp":1e400'),
        pool,
      ),
    ),
    PARSE,
  );
  add('time', 'nbf-future', 'nbf in 2099', bearer(rs(id({ nbf: FUTURE }))), ['expired']);
  add('time', 'iat-future', 'iat in 2099', bearer(rs(id({ iat: FUTURE, auth_time: FUTURE }))), CLAIMS);
  add('time', 'iat-string', 'iat as a string', bearer(rs(id({ iat: String(ISSUED_AT) }))), PARSE);
  add('time', 'iat-missing', 'No iat', bearer(rs(id({ iat: undefined }))), CLAIMS);

  // Missing claims and wrong types
  add('claims', 'sub-missing', 'No sub', bearer(rs(id({ sub: undefined }))), CLAIMS);
  add('claims', 'sub-number', 'sub is a number', bearer(rs(id({ sub: 42 }))), PARSE);
  add('claims', 'sub-empty', 'sub is empty', bearer(rs(id({ sub: '' }))), CLAIMS);
  add('claims', 'sub-with-space', 'sub with a space', bearer(rs(id({ sub: 'alice smith' }))), CLAIMS);
  add(
    'claims',
    'auth-time-string',
    'auth_time is a string',
    bearer(rs(id({ auth_time: 'yesterday' }))),
    CLAIMS,
  );
  add('claims', 'jti-number', 'jti is a number', bearer(rs(id({ jti: 7 }))), PARSE);
  add(
    'claims',
    'origin-jti-object',
    'origin_jti is an object',
    bearer(rs(id({ origin_jti: { id: 'x' } }))),
    CLAIMS,
  );
  add(
    'claims',
    'session-claim-number',
    'The session claim is a number',
    bearer(rs(id({ [TEST_SESSION_CLAIM]: 1234 }))),
    CLAIMS,
  );
  add(
    'claims',
    'groups-string',
    'cognito:groups is a string',
    bearer(rs(id({ 'cognito:groups': 'admins' }))),
    CLAIMS,
  );
  add('claims', 'scope-number', 'Access token scope is a number', bearer(rs(access({ scope: 1 }))), PARSE);

  return {
    generatedBy: 'test/hardening/adversarial-cases.ts',
    userPoolId: TEST_USER_POOL_ID,
    clientIds: [TEST_CLIENT_ID],
    sessionClaim: TEST_SESSION_CLAIM,
    jwks: { keys: [pool.jwk] },
    cases,
  };
}

export function expandAuthorization(value: Authorization): string {
  return typeof value === 'string' ? value : value.prefix + value.unit.repeat(value.count);
}

export function serialise(file: CasesFile): string {
  return `${JSON.stringify(file, null, 1)}\n`;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const file = buildCases();
  writeFileSync(CASES_FILE, serialise(file));
  console.log(`wrote ${file.cases.length} cases to ${CASES_FILE}`);
}

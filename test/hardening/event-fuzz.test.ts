/**
 * Property-based fuzzing of the authorizer's event adapters and handler: random events of every
 * shape, random headers and random tokens (genuine, mutated, forged, unsigned, garbage) through the BUILT bundle.
 * Properties: the handler never crashes (REST: only `Error('Unauthorized')` is ever thrown; other shapes never
 * throw), and never allows unless the event carries a genuine, untouched token signed by the pool's key.
 * Fixed seed and bounded runs here; `npm run fuzz` scales the runs up.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonKeyProblem, strictJwtProblem } from '../../lambdas/verification/strict-jwt.js';
import { bearerToken, headerValue, parseAuthorizerEvent } from '../../lambdas/authorizer/events.js';
import { type LocalDynamo, startDynalite } from '../../local/dynalite.js';
import { type JwksServer, startJwksServer } from '../fixtures/jwks.js';
import {
  createSigningKey,
  encodeUnsignedJwt,
  idTokenClaims,
  signAccessToken,
  signIdToken,
  signJwt,
  TEST_CLIENT_ID,
  TEST_USER_POOL_ID,
} from '../fixtures/tokens.js';
import { type Handler, loadAuthorizer } from '../fixtures/bundles.js';
import { type Capture, captureOutput } from '../support/capture.js';
import { SecretWatch } from './support/secrets.js';
import { EVENT_SHAPES, type EventShape, eventFor, invoke, isRestShape } from './support/events.js';
import { fuzz } from './support/fuzz.js';

const TABLE = 'blocklist-event-fuzz';
let dynamo: LocalDynamo;
let jwks: JwksServer;
let authorizer: Handler;
let capture: Capture;
const secrets = new SecretWatch();
const tally = { events: 0, allows: 0, genuineOffered: 0 };

// Genuine tokens of the pool (the only ones that may ever be allowed), made once.
const GENUINE = [
  signIdToken(),
  signAccessToken(),
  signIdToken({ origin_jti: 'family-1', revocation_sid: 'sid-1' }),
];
const attacker = createSigningKey('attacker-kid');
const attackerWithPoolKid = { ...attacker, kid: 'test-key-1' };
for (const [i, t] of GENUINE.entries()) secrets.add(`genuine-${i}`, t);

beforeAll(async () => {
  dynamo = await startDynalite();
  await dynamo.createTable(TABLE);
  jwks = await startJwksServer();
  capture = captureOutput();
  authorizer = await loadAuthorizer({
    USER_POOL_ID: TEST_USER_POOL_ID,
    CLIENT_IDS: TEST_CLIENT_ID,
    TABLE_NAME: TABLE,
    JWKS_URI: jwks.uri,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    LOG_LEVEL: 'debug',
  });
});

afterAll(async () => {
  capture?.restore();
  await jwks?.stop();
  await dynamo?.stop();
  console.log(`event fuzz: ${JSON.stringify(tally)}`);
});

// --- generators ---------------------------------------------------------------------------------------------------

const b64 = (value: string) => Buffer.from(value).toString('base64url');
const claimsArb = fc.dictionary(
  fc.oneof(
    fc.constantFrom('sub', 'iss', 'aud', 'client_id', 'token_use', 'exp', 'iat', 'jti', 'kid'),
    fc.string(),
  ),
  fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.integer(), fc.constant(Math.floor(Date.now() / 1000) + 3600)),
  { maxKeys: 8 },
);

/** Mutates one character (replace, insert or delete) of a string. */
const mutated = (source: fc.Arbitrary<string>) =>
  fc
    .tuple(
      source,
      fc.nat(),
      fc.constantFrom('replace', 'insert', 'delete'),
      fc.string({ minLength: 1, maxLength: 1, unit: 'binary' }),
    )
    .map(([s, at, op, ch]) => {
      const i = at % s.length;
      if (op === 'delete') return s.slice(0, i) + s.slice(i + 1);
      if (op === 'insert') return s.slice(0, i) + ch + s.slice(i);
      return s.slice(0, i) + (s[i] === ch ? (ch === 'A' ? 'B' : 'A') : ch) + s.slice(i + 1);
    })
    // Whitespace around an intact token is not a change to it (HTTP trims it; so does the authorizer).
    .filter((s) => !GENUINE.includes(s.trim()));

const genuine = fc.constantFrom(...GENUINE);
const tokenArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 2, arbitrary: genuine },
  { weight: 4, arbitrary: mutated(genuine) },
  { weight: 2, arbitrary: fc.string({ maxLength: 200 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 60, unit: 'binary' }) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.jsonValue({ maxDepth: 2 }), claimsArb, fc.string({ maxLength: 40 }))
      .map(([h, p, s]) => `${b64(JSON.stringify(h))}.${b64(JSON.stringify(p))}.${b64(s)}`),
  },
  { weight: 1, arbitrary: claimsArb.map((p) => encodeUnsignedJwt({ alg: 'none' }, p)) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(claimsArb, fc.boolean())
      .map(([p, poolKid]) =>
        signJwt(
          { alg: 'RS256', kid: poolKid ? 'test-key-1' : 'attacker-kid' },
          { ...idTokenClaims(), ...p },
          poolKid ? attackerWithPoolKid : attacker,
        ),
      ),
  },
  // Pieces of genuine tokens recombined: header of one, payload of another.
  {
    weight: 1,
    arbitrary: fc
      .tuple(genuine, genuine, genuine)
      .map(([a, b, c]) => [a.split('.')[0], b.split('.')[1], c.split('.')[2]].join('.')),
  },
);

const authorizationArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: tokenArb.map((t) => `Bearer ${t}`) },
  { weight: 2, arbitrary: tokenArb },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.constantFrom('bearer', 'BEARER', 'Basic', 'Token', 'Bearer\t', '', 'Bearer  '),
        tokenArb,
        fc.constantFrom('', ' ', '\n', ','),
      )
      .map(([scheme, t, tail]) => `${scheme} ${t}${tail}`),
  },
  {
    weight: 1,
    arbitrary: fc.oneof(
      fc.constant(undefined),
      fc.constant(null),
      fc.integer(),
      fc.array(tokenArb, { maxLength: 3 }),
      fc.object(),
    ),
  },
);

type Mutation = { path: string[]; value: unknown; remove: boolean };
const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  path: fc.array(
    fc.constantFrom(
      'type',
      'version',
      'methodArn',
      'routeArn',
      'headers',
      'Authorization',
      'authorization',
      'AUTHORIZATION',
      'identitySource',
      'multiValueHeaders',
      'authorizationToken',
      'requestContext',
      'apiId',
      '0',
      '__proto__',
      'constructor',
    ),
    { minLength: 1, maxLength: 3 },
  ),
  value: fc.oneof(fc.anything({ maxDepth: 2 }), tokenArb, authorizationArb),
  remove: fc.boolean(),
});

function applyMutation(event: Record<string, unknown>, m: Mutation): void {
  let node: Record<string, unknown> = event;
  for (const key of m.path.slice(0, -1)) {
    const next = Object.hasOwn(node, key) ? node[key] : undefined;
    if (next === null || typeof next !== 'object') return;
    node = next as Record<string, unknown>;
  }
  const last = m.path.at(-1)!;
  if (last === '__proto__' || last === 'constructor') {
    Object.defineProperty(node, last, {
      value: m.value,
      enumerable: true,
      configurable: true,
      writable: true,
    });
  } else if (m.remove) delete node[last];
  else node[last] = m.value;
}

const shapeArb = fc.constantFrom<EventShape>(...EVENT_SHAPES);
const eventArb: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .tuple(shapeArb, authorizationArb, fc.array(mutationArb, { maxLength: 3 }))
      .map(([shape, auth, mutations]) => {
        const event = eventFor(shape, auth as string);
        for (const m of mutations) applyMutation(event, m);
        return event;
      }),
  },
  { weight: 1, arbitrary: fc.anything({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

// --- properties -------------------------------------------------------------------------------------------------

describe('event adapters (source, pure)', () => {
  it('parseAuthorizerEvent, bearerToken and headerValue never throw', () => {
    fc.assert(
      fc.property(eventArb, fc.anything(), (event, value) => {
        const request = parseAuthorizerEvent(event);
        expect(['rest_token', 'rest_request', 'http_v2', 'appsync', 'unknown']).toContain(request.kind);
        bearerToken(value);
        headerValue(value, 'authorization');
      }),
      fuzz(3000),
    );
  });

  it('the strict JWT shape check never throws and accepts every genuine token', () => {
    fc.assert(
      fc.property(tokenArb, fc.string({ unit: 'binary' }), (token, json) => {
        const problem = strictJwtProblem(token);
        if (GENUINE.includes(token)) expect(problem).toBeUndefined();
        jsonKeyProblem(json);
      }),
      fuzz(3000),
    );
  });
});

describe('authorizer bundle under fuzzed events', () => {
  it('never crashes, REST denies only with Unauthorized, and allows only genuine untouched tokens', async () => {
    await fc.assert(
      fc.asyncProperty(eventArb, async (event) => {
        // Arrange
        const text = safeStringify(event);
        const carriesGenuine = GENUINE.some((t) => text.includes(t));
        if (carriesGenuine) tally.genuineOffered++;
        // Act
        const answer = await invoke(authorizer, event, 'either');
        tally.events++;
        // Assert
        expect(answer.malformed).toBeUndefined();
        if (answer.verdict === 'allow') {
          tally.allows++;
          expect(carriesGenuine).toBe(true);
        }
      }),
      fuzz(1500),
    );
    // The fuzzer did reach the allow path, so the property above was exercised both ways.
    expect(tally.allows).toBeGreaterThan(0);
  });

  it('a one-character change anywhere in a genuine token never allows, in any event shape', async () => {
    await fc.assert(
      fc.asyncProperty(shapeArb, mutated(genuine), async (shape, token) => {
        const answer = await invoke(authorizer, eventFor(shape, `Bearer ${token}`), isRestShape(shape));
        tally.events++;
        expect(answer.malformed).toBeUndefined();
        expect(answer.verdict).toBe('deny');
      }),
      fuzz(800),
    );
  });
});

describe('ambiguous Authorization: a genuine token next to another value is refused', () => {
  const junk = () => `Bearer ${GENUINE[1]!.slice(0, -4)}AAAA`;
  const genuineHeader = () => `Bearer ${GENUINE[0]}`;
  const cases: [string, () => Record<string, unknown>, boolean | 'either'][] = [
    [
      'REST REQUEST: two spellings of the header with different values',
      () => ({
        ...eventFor('rest_request', genuineHeader()),
        headers: { Authorization: genuineHeader(), authorization: junk() },
      }),
      true,
    ],
    [
      'REST REQUEST: the header sent twice (headers holds the last value, multiValueHeaders both)',
      () => ({
        ...eventFor('rest_request', genuineHeader()),
        headers: { Authorization: genuineHeader() },
        multiValueHeaders: { Authorization: [junk(), genuineHeader()] },
      }),
      true,
    ],
    [
      'HTTP API: the header sent twice (API Gateway joins the values with a comma)',
      () => ({
        ...eventFor('http_v2', genuineHeader()),
        headers: { authorization: `${junk()},${genuineHeader()}` },
      }),
      false,
    ],
    [
      'HTTP API: two identity sources and no header',
      () => ({
        ...eventFor('http_v2', genuineHeader()),
        headers: {},
        identitySource: [genuineHeader(), junk()],
      }),
      false,
    ],
    [
      'REST TOKEN: two bearer values in one header',
      () => eventFor('rest_token', `${genuineHeader()}, ${junk()}`),
      true,
    ],
    [
      'AppSync: the token as a list',
      () => ({ ...eventFor('appsync', genuineHeader()), authorizationToken: [genuineHeader()] }),
      false,
    ],
  ];
  it.each(cases)('%s', async (_name, build, restStyle) => {
    const answer = await invoke(authorizer, build(), restStyle);
    tally.events++;
    expect(answer.malformed).toBeUndefined();
    expect(answer.verdict).toBe('deny');
  });

  it('control: the same genuine header alone is allowed in every shape', async () => {
    for (const shape of EVENT_SHAPES) {
      const answer = await invoke(authorizer, eventFor(shape, `Bearer ${GENUINE[0]}`), isRestShape(shape));
      expect(answer.verdict).toBe('allow');
    }
  });
});

describe('secrets', () => {
  it('logged no token over every event above', () => {
    expect(secrets.findIn(capture.text())).toEqual([]);
  });
});

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

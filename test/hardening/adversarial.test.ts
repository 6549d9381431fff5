/**
 * Adversarial token suite: every case of `test/fixtures/adversarial/cases.json` through the BUILT
 * authorizer bundle (`dist/authorizer/index.js`) for every event shape — REST TOKEN, REST REQUEST, HTTP API 2.0 and
 * AppSync — against dynalite and a loopback JWKS. Each case's verdict must match, a REST deny must be exactly
 * `Error('Unauthorized')`, the decision log line must give one of the case's expected reasons, and no token may
 * appear in any output.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalDynamo, startDynalite } from '../../local/dynalite.js';
import { type JwksServer, startJwksServer } from '../fixtures/jwks.js';
import {
  buildCases,
  CASES_FILE,
  type CasesFile,
  expandAuthorization,
  serialise,
} from './adversarial-cases.js';
import { type Handler, loadAuthorizer } from '../fixtures/bundles.js';
import { type Capture, captureOutput } from '../support/capture.js';
import { SecretWatch } from './support/secrets.js';
import { type FaultProxy, startFaultProxy } from './support/fault-proxy.js';
import { EVENT_SHAPES, eventFor, invoke, isRestShape } from './support/events.js';

const TABLE = 'blocklist-adversarial';
const fixture = JSON.parse(readFileSync(CASES_FILE, 'utf8')) as CasesFile;

let dynamo: LocalDynamo;
let jwks: JwksServer;
/** Forwards everything; counts the authorizer's DynamoDB round trips. */
let counter: FaultProxy;
let authorizer: Handler;
let capture: Capture;
const secrets = new SecretWatch();

const environment = () => ({
  USER_POOL_ID: fixture.userPoolId,
  CLIENT_IDS: fixture.clientIds.join(','),
  TABLE_NAME: TABLE,
  SESSION_CLAIM: fixture.sessionClaim,
  JWKS_URI: jwks.uri,
  AWS_ENDPOINT_URL_DYNAMODB: counter.endpoint,
  LOG_LEVEL: 'debug',
});

beforeAll(async () => {
  dynamo = await startDynalite();
  await dynamo.createTable(TABLE);
  counter = await startFaultProxy(dynamo.endpoint);
  jwks = await startJwksServer({ jwks: fixture.jwks });
  capture = captureOutput();
  authorizer = await loadAuthorizer(environment());
});

afterAll(async () => {
  capture?.restore();
  await jwks?.stop();
  await counter?.stop();
  await dynamo?.stop();
});

describe('adversarial token suite', () => {
  it('the data file is exactly what the generator produces (deterministic, reviewed cases)', () => {
    expect(readFileSync(CASES_FILE, 'utf8')).toBe(serialise(buildCases()));
    expect(fixture.cases.length).toBeGreaterThanOrEqual(60);
  });

  for (const shape of EVENT_SHAPES) {
    it(`${shape}: every case gets its expected verdict, for an expected reason, in the right shape`, async () => {
      const wrong: string[] = [];
      for (const c of fixture.cases) {
        // Arrange
        const authorization = expandAuthorization(c.authorization);
        secrets.add(c.id, authorization);
        const mark = capture.offset();
        // Act
        const answer = await invoke(authorizer, eventFor(shape, authorization), isRestShape(shape));
        // Assert (collected, so one run reports every mismatch)
        const decision = capture.json(mark).find((l) => l.message === 'authorizer decision');
        if (answer.malformed) wrong.push(`${c.id}: ${answer.malformed}`);
        if (answer.verdict !== c.expected) wrong.push(`${c.id}: ${answer.verdict}, expected ${c.expected}`);
        if (!decision) wrong.push(`${c.id}: no decision log line`);
        else if (!c.reasons.includes(String(decision.reason))) {
          wrong.push(`${c.id}: reason ${String(decision.reason)}, expected one of ${c.reasons.join('|')}`);
        }
      }
      expect(wrong).toEqual([]);
    });
  }

  it('http_v2 with HTTP_API_RESPONSE_MODE=iam: every case, answered with Allow / Deny policies', async () => {
    const iam = await loadAuthorizer({ ...environment(), HTTP_API_RESPONSE_MODE: 'iam' });
    const wrong: string[] = [];
    for (const c of fixture.cases) {
      const answer = await invoke(iam, eventFor('http_v2', expandAuthorization(c.authorization)), 'either');
      if (answer.malformed) wrong.push(`${c.id}: ${answer.malformed}`);
      if (answer.verdict !== c.expected) wrong.push(`${c.id}: ${answer.verdict}, expected ${c.expected}`);
    }
    expect(wrong).toEqual([]);
  });

  it.each([
    ['id', 'valid-id-token', 'valid-access-token'],
    ['access', 'valid-access-token', 'valid-id-token'],
  ])(
    'TOKEN_USE=%s: the other kind of token is refused as wrong_token_use',
    async (use, allowedId, refusedId) => {
      const restricted = await loadAuthorizer({ ...environment(), TOKEN_USE: use });
      const byId = (id: string) => expandAuthorization(fixture.cases.find((c) => c.id === id)!.authorization);
      const mark = capture.offset();
      const refused = await invoke(restricted, eventFor('rest_token', byId(refusedId)), true);
      const reason = capture.json(mark).find((l) => l.message === 'authorizer decision')?.reason;
      const allowed = await invoke(restricted, eventFor('rest_token', byId(allowedId)), true);
      expect(refused).toMatchObject({ verdict: 'deny' });
      expect(refused.malformed).toBeUndefined();
      expect(reason).toBe('wrong_token_use');
      expect(allowed.verdict).toBe('allow');
    },
  );

  it('has allowed exactly the controls and nothing else (zero wrong allows)', () => {
    const lines = capture.json(0).filter((l) => l.message === 'authorizer decision');
    const allows = lines.filter((l) => l.decision === 'allow').length;
    const controls = fixture.cases.filter((c) => c.expected === 'allow').length;
    // Controls in 4 shapes + IAM mode, plus the two TOKEN_USE checks' allowed token.
    expect(allows).toBe(controls * (EVENT_SHAPES.length + 1) + 2);
  });

  it('made exactly one DynamoDB round trip per allowed decision and none for a refused token', () => {
    const allows = capture
      .json(0)
      .filter((l) => l.message === 'authorizer decision' && l.decision === 'allow').length;
    expect(counter.stats.requests).toBe(allows);
  });

  it('wrote no token, header value or token segment to stdout or stderr', () => {
    expect(secrets.size).toBeGreaterThan(fixture.cases.length);
    expect(secrets.findIn(capture.text())).toEqual([]);
  });
});

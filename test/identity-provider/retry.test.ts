/**
 * A SET whose revocation could not be proven is not lost: the receiver answers 503 and releases its claim on the
 * `jti`, so the transmitter's retry of the very same SET is acted on (not refused as a replay). Runs the receiver's
 * handler from source against dynalite and cognito-local with the real SDK store; the one injected fault is the
 * table refusing the watermark write (no emulator can be told to fail one call), then recovering.
 */
import { randomUUID } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createSdkStore } from '../../lambdas/adapters/dynamodb/sdk-store.js';
import type { Logger } from '../../lambdas/adapters/observability.js';
import { StoreError } from '../../lambdas/core/ports.js';
import { createHandler } from '../../lambdas/shared-signals/index.js';
import { type CognitoLocal, startCognitoLocal } from '../../local/cognito.js';
import { type LocalDynamo, startDynalite } from '../../local/dynalite.js';
import { startTransmitter, type Transmitter } from '../../local/transmitter.js';
import { setEnvironment } from '../fixtures/bundles.js';

const TABLE = 'blocklist-signals-retry';
const AUDIENCE = 'https://api.example.com/ssf';
let dynamo: LocalDynamo;
let cognito: CognitoLocal;
let transmitter: Transmitter;
let restore: () => void;

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };

beforeAll(async () => {
  [dynamo, cognito, transmitter] = await Promise.all([
    startDynalite(),
    startCognitoLocal(),
    startTransmitter(),
  ]);
  await dynamo.createTable(TABLE);
  restore = setEnvironment({
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: cognito.endpoint,
  });
}, 60_000);

afterAll(async () => {
  restore?.();
  await Promise.all([dynamo?.stop(), cognito?.stop(), transmitter?.stop()]);
});

async function items(prefix: string): Promise<number> {
  const out = await dynamo.client.send(new ScanCommand({ TableName: TABLE, ConsistentRead: true }));
  return (out.Items ?? []).filter((i) => i.pk?.S?.startsWith(prefix)).length;
}

it('a failed revocation answers 503 and releases the jti; the retried SET is acted on (202)', async () => {
  // Arrange: a receiver whose table refuses the watermark write until `failing` is cleared.
  const user = await cognito.createUser('retry-user', 'Retry-Passw0rd!long', { email: 'retry@example.com' });
  const store = createSdkStore({ client: dynamo.client, tableName: TABLE });
  let failing = true;
  const handler = createHandler(
    {
      TABLE_NAME: TABLE,
      USER_POOL_ID: cognito.userPoolId,
      TOKEN_LIFETIME_SECONDS: '3600',
      REFRESH_TOKEN_LIFETIME_SECONDS: '86400',
      UPSTREAM_ISSUER: transmitter.issuer,
      UPSTREAM_AUDIENCE: AUDIENCE,
    },
    {
      logger: quiet,
      writer: {
        revoke: (entries, options) => store.revoke(entries, options),
        raiseWatermark: (entry, options) =>
          failing
            ? Promise.reject(new StoreError('unavailable', 'injected: table unavailable'))
            : store.raiseWatermark(entry, options),
      },
    },
  );
  const set = await transmitter.signSet({
    iss: transmitter.issuer,
    aud: AUDIENCE,
    iat: Math.floor(Date.now() / 1000),
    jti: randomUUID(),
    sub_id: { format: 'email', email: 'retry@example.com' },
    events: { 'https://schemas.openid.net/secevent/caep/event-type/session-revoked': {} },
  });
  const deliver = () =>
    handler({
      requestContext: { http: { method: 'POST' } },
      headers: { 'content-type': 'application/secevent+jwt' },
      body: set,
    });

  // Act 1: the table fails.
  const first = await deliver();

  // Assert 1: not accepted, no claim left behind, no watermark.
  expect(first.statusCode).toBe(503);
  expect(await items('set#')).toBe(0);
  expect((await store.readUser(user.sub)).filter((e) => e.scope === 'user')).toEqual([]);

  // Act 2: the transmitter retries the same SET once the table is back.
  failing = false;
  const retry = await deliver();

  // Assert 2: acted on, and remembered.
  expect(retry.statusCode).toBe(202);
  expect(await items('set#')).toBe(1);
  expect((await store.readUser(user.sub)).some((e) => e.scope === 'user')).toBe(true);
  expect((await deliver()).statusCode).toBe(400);
}, 60_000);

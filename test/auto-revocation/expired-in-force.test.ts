/**
 * `inForce` never for an entry that is already expired, on the admin operations (`revokeUser`) against real parts:
 * the SDK store on dynalite and the Cognito directory on cognito-local. The automatic-revocation handler does not
 * write such an entry (it answers `expired` first); this checks the operation's own report when it is asked to,
 * e.g. by a sweep or a caller that passes an old instant.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCognitoDirectory } from '../../lambdas/adapters/cognito/user-directory.js';
import { createSdkStore } from '../../lambdas/adapters/dynamodb/sdk-store.js';
import { createLogger, createMetrics } from '../../lambdas/adapters/observability.js';
import { NO_PROPAGATION } from '../../lambdas/core/ports.js';
import { revokeUser } from '../../lambdas/revocation/revoke-user.js';
import { lifetimePolicy } from '../../lambdas/core/lifetime.js';
import { type CognitoLocal, startCognitoLocal } from '../../local/cognito.js';
import { type LocalDynamo, startDynalite } from '../../local/dynalite.js';

const TABLE = 'blocklist-expired-in-force';
let dynamo: LocalDynamo;
let cognito: CognitoLocal;

beforeAll(async () => {
  [dynamo, cognito] = await Promise.all([startDynalite(), startCognitoLocal()]);
  await dynamo.createTable(TABLE);
});
afterAll(async () => {
  await Promise.all([dynamo?.stop(), cognito?.stop()]);
});

describe('revokeUser at an instant whose entry is already expired', () => {
  it('a deletion two days ago: the watermark is not reported in force, and the result is not ok', async () => {
    // Arrange: a user that no longer exists in the pool (a random sub), deleted two days ago.
    const store = createSdkStore({ client: dynamo.client, tableName: TABLE });
    const sink = () => {};
    const ctx = {
      deps: {
        reader: store,
        writer: store,
        inventory: store,
        propagation: NO_PROPAGATION,
        directory: createCognitoDirectory({ client: cognito.client, userPoolId: cognito.userPoolId }),
        policy: lifetimePolicy({ tokenLifetimeSeconds: 3600, clockSkewSeconds: 300 }),
      },
      clock: Date.now,
      logger: createLogger({ service: 'test', sink }),
      metrics: createMetrics({ namespace: 'Test', service: 'test', sink }),
    };
    const twoDaysAgo = Math.floor(Date.now() / 1000) - 2 * 86400;
    // Act
    const result = await revokeUser(ctx, {
      actor: { kind: 'event', name: 'test', reason: 'replayed deletion' },
      subject: { sub: randomUUID() },
      evidence: { cognitoSignOut: 'gone' },
      asOf: twoDaysAgo,
    });
    // Assert
    expect(result).toMatchObject({ ok: false, watermark: { inForce: false }, error: { code: 'incomplete' } });
  });
});

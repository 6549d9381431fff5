/**
 * The BUILT library (dist/lib/index.js, what `require('cognito-revocation')` loads) and the local services its tests
 * run against: dynalite with the blocklist table, a loopback JWKS, and helpers that revoke the way the admin side
 * does (the entry, then the hint).
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { createSdkHintStore } from '../../lambdas/adapters/dynamodb/hint-publisher.js';
import { revocationToItem } from '../../lambdas/adapters/dynamodb/schema.js';
import type { RevocationEntry } from '../../lambdas/core/revocation.js';
import type * as Library from '../../lambdas/library/index.js';
import { LOCAL_AWS, type LocalDynamo } from '../../local/dynalite.js';
import { assertBundlesBuilt, ROOT } from '../../local/lambda-endpoint.js';
import { nowSeconds, TEST_CLIENT_ID, TEST_USER_POOL_ID } from '../fixtures/tokens.js';

export type LibraryModule = typeof Library;

/** Loads dist/lib/index.js through the package's own `main` (package.json), as an application would. */
export function loadLibrary(): LibraryModule {
  assertBundlesBuilt(['lib']);
  const require = createRequire(join(ROOT, 'package.json'));
  const resolved = require.resolve(ROOT);
  if (!resolved.endsWith(join('dist', 'lib', 'index.js'))) throw new Error(`package main is ${resolved}`);
  return require(resolved) as LibraryModule;
}

export const TABLE = 'library-test';

/** Static credentials handed as a provider, counting how often the chain is asked. */
export function countingProvider(expiresInMs?: number, clock: () => number = Date.now) {
  const provider = Object.assign(
    async () => {
      provider.calls++;
      return {
        ...LOCAL_AWS.credentials,
        ...(expiresInMs === undefined ? {} : { expiration: new Date(clock() + expiresInMs) }),
      };
    },
    { calls: 0 },
  );
  return provider;
}

export function verifierOptions(
  dynamo: LocalDynamo,
  jwksUri: string,
  overrides: Record<string, unknown> = {},
) {
  return {
    userPoolId: TEST_USER_POOL_ID,
    clientId: TEST_CLIENT_ID,
    tableName: TABLE,
    endpoint: dynamo.endpoint,
    jwksUri,
    credentials: countingProvider(),
    ...overrides,
  };
}

/** Writes one revocation entry, then its hint (what every revocation of the service does, in that order). */
export async function revoke(
  dynamo: LocalDynamo,
  entry: Partial<RevocationEntry> & Pick<RevocationEntry, 'scope' | 'id' | 'sub'>,
  at = Date.now(),
): Promise<void> {
  const now = nowSeconds();
  await dynamo.client.send(
    new PutItemCommand({
      TableName: TABLE,
      Item: revocationToItem({ revokedAt: now, expiresAt: now + 3600, ...entry }) as never,
    }),
  );
  await createSdkHintStore({ client: dynamo.client, tableName: TABLE }).publish(entry.sub, at);
}

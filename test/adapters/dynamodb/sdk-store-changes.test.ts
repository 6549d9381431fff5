/**
 * What a revocation write changed, as the SDK store reports it to the propagation (against dynalite): a new entry,
 * an entry already in force given a later expiry (`extended`), or nothing (`unchanged`: a stored entry is at least
 * as strong). A write whose first answer was lost counts as new: the stored entry may be its own.
 */
import { type DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSdkStore } from '../../../lambdas/adapters/dynamodb/sdk-store.js';
import type { RevocationEntry } from '../../../lambdas/core/revocation.js';
import { type LocalDynamo, startDynalite } from '../../../local/dynalite.js';

const TABLE = 'store-changes';
const NOW = Math.floor(Date.now() / 1000);
let dynamo: LocalDynamo;

const entry = (id: string, expiresAt: number): RevocationEntry => ({
  sub: 'sub-c',
  scope: 'session',
  id,
  revokedAt: NOW,
  expiresAt,
});
const key = (id: string) => ({ sub: 'sub-c', scope: 'session', id });

beforeAll(async () => {
  dynamo = await startDynalite();
  await dynamo.createTable(TABLE);
});
afterAll(async () => {
  await dynamo.stop();
});

describe('revoke reports what it changed', () => {
  it('new, then the same again (unchanged), then a later expiry (extended), then over an expired entry (new)', async () => {
    const store = createSdkStore({ client: dynamo.client, tableName: TABLE });
    expect(await store.revoke([entry('a', NOW + 3600)])).toEqual({
      unwritten: [],
      unchanged: [],
      extended: [],
    });
    expect(await store.revoke([entry('a', NOW + 3600)])).toEqual({
      unwritten: [],
      unchanged: [key('a')],
      extended: [],
    });
    expect(await store.revoke([entry('a', NOW + 1800)])).toEqual({
      unwritten: [],
      unchanged: [key('a')],
      extended: [],
    });
    expect(await store.revoke([entry('a', NOW + 7200)])).toEqual({
      unwritten: [],
      unchanged: [],
      extended: [key('a')],
    });
    // An entry past its expiry (not yet removed by the TTL) revokes nothing: writing over it is new.
    await store.revoke([entry('b', NOW - 10)]);
    expect(await store.revoke([entry('b', NOW + 3600)])).toEqual({
      unwritten: [],
      unchanged: [],
      extended: [],
    });
  });

  it('a write that landed but whose answer was lost, retried: counts as new, not as unchanged', async () => {
    // The first PutItem reaches dynalite for real; its answer is replaced by a throttling error (DynamoDB's answer
    // lost on the way back), so the store retries and then finds its own entry stored.
    let lost = false;
    const client = {
      send: async (command: unknown, options?: unknown) => {
        const out = await (dynamo.client.send as (c: unknown, o?: unknown) => Promise<unknown>)(
          command,
          options,
        );
        if (command instanceof PutItemCommand && !lost) {
          lost = true;
          throw Object.assign(new Error('answer lost'), { name: 'ProvisionedThroughputExceededException' });
        }
        return out;
      },
    } as unknown as DynamoDBClient;
    const store = createSdkStore({ client, tableName: TABLE, retryBaseDelayMs: 5 });
    expect(await store.revoke([entry('c', NOW + 3600)])).toEqual({
      unwritten: [],
      unchanged: [],
      extended: [],
    });
    expect(lost).toBe(true);
  });
});

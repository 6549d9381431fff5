import { describe, expect, it } from 'vitest';
import { cachingReader } from '../../lambdas/authorizer/revocation-cache.js';
import { StoreError } from '../../lambdas/core/ports.js';
import type { RevocationEntry } from '../../lambdas/core/revocation.js';
import { memoryBlocklist } from './support.js';

const entry = (id: string, sub = 'u1'): RevocationEntry => ({
  sub,
  scope: 'token',
  id,
  revokedAt: 1,
  expiresAt: 4e9,
});

describe('in-memory revocation cache', () => {
  it('a failed lookup is not cached: the next decision asks the store again', async () => {
    // Arrange
    const store = memoryBlocklist([entry('t1')]);
    const reader = cachingReader(store, { ttlSeconds: 60, clock: () => 1_000 });
    store.failWith(new StoreError('timeout', 'slow'));
    // Act
    const failed = reader.readUser('u1');
    await expect(failed).rejects.toBeInstanceOf(StoreError);
    store.failWith(undefined);
    const found = await reader.readUser('u1');
    // Assert
    expect(found).toEqual([entry('t1')]);
    expect(store.calls).toHaveLength(2);
  });

  it('keeps at most maxKeys answers, dropping the oldest', async () => {
    const store = memoryBlocklist();
    const reader = cachingReader(store, { ttlSeconds: 60, clock: () => 1_000, maxKeys: 2 });
    for (const sub of ['a', 'b', 'c']) await reader.readUser(sub);
    await reader.readUser('c');
    await reader.readUser('a');
    expect(store.calls).toEqual(['a', 'b', 'c', 'a']);
  });

  it('a clock that goes backwards does not extend an answer', async () => {
    let now = 10_000;
    const store = memoryBlocklist();
    const reader = cachingReader(store, { ttlSeconds: 60, clock: () => now });
    await reader.readUser('u');
    now = 5_000;
    await reader.readUser('u');
    expect(store.calls).toHaveLength(2);
  });
});

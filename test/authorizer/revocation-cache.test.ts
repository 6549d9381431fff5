import { describe, expect, it } from 'vitest';
import { cachingReader } from '../../lambdas/authorizer/revocation-cache.js';
import { StoreError } from '../../lambdas/core/ports.js';
import type { RevocationEntry } from '../../lambdas/core/revocation.js';
import { memoryBlocklist } from './support.js';

const entry = (id: string): RevocationEntry => ({ scope: 'token', id, revokedAt: 1, expiresAt: 4e9 });

describe('in-memory revocation cache', () => {
  it('a failed lookup is not cached: the next decision asks the store again', async () => {
    // Arrange
    const store = memoryBlocklist([entry('t1')]);
    const reader = cachingReader(store, { ttlSeconds: 60, clock: () => 1_000 });
    store.failWith(new StoreError('timeout', 'slow'));
    // Act
    const failed = reader.find([{ scope: 'token', id: 't1' }]);
    await expect(failed).rejects.toBeInstanceOf(StoreError);
    store.failWith(undefined);
    const found = await reader.find([{ scope: 'token', id: 't1' }]);
    // Assert
    expect(found).toEqual([entry('t1')]);
    expect(store.calls).toHaveLength(2);
  });

  it('keeps at most maxKeys answers, dropping the oldest', async () => {
    const store = memoryBlocklist();
    const reader = cachingReader(store, { ttlSeconds: 60, clock: () => 1_000, maxKeys: 2 });
    for (const id of ['a', 'b', 'c']) await reader.find([{ scope: 'token', id }]);
    await reader.find([{ scope: 'token', id: 'c' }]);
    await reader.find([{ scope: 'token', id: 'a' }]);
    expect(store.calls.map((c) => c[0]?.id)).toEqual(['a', 'b', 'c', 'a']);
  });

  it('a clock that goes backwards does not extend an answer', async () => {
    let now = 10_000;
    const store = memoryBlocklist();
    const reader = cachingReader(store, { ttlSeconds: 60, clock: () => now });
    await reader.find([{ scope: 'user', id: 'u' }]);
    now = 5_000;
    await reader.find([{ scope: 'user', id: 'u' }]);
    expect(store.calls).toHaveLength(2);
  });
});

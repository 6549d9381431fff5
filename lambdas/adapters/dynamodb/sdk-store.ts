/**
 * The blocklist and session inventory on the AWS SDK's DynamoDB client (table layout v2, schema.ts): the four
 * SDK adapters behind one object, for callers that use them all on one table (tests, tools, benchmarks). A
 * function that needs only some ports builds only those adapters. The authorizer has its own lean reader and no
 * SDK.
 */
import type {
  BlocklistWriter,
  RevocationAuditReader,
  RevocationReader,
  SessionInventory,
} from '../../core/ports.js';
import { createSdkAuditReader } from './sdk-audit-reader.js';
import { createSdkBlocklistWriter } from './sdk-blocklist-writer.js';
import type { SdkWriteOptions } from './sdk-calls.js';
import { createSdkRevocationReader } from './sdk-revocation-reader.js';
import { createSdkSessionInventory } from './sdk-session-inventory.js';

export type SdkStoreOptions = SdkWriteOptions;

export type SdkStore = RevocationReader & RevocationAuditReader & BlocklistWriter & SessionInventory;

export function createSdkStore(options: SdkStoreOptions): SdkStore {
  return {
    ...createSdkRevocationReader(options),
    ...createSdkAuditReader(options),
    ...createSdkBlocklistWriter(options),
    ...createSdkSessionInventory(options),
  };
}

/** `RevocationAuditReader` on the AWS SDK: who revoked and why, from the `audit#` items of a user's partition. */
import type { RevocationAuditReader, StoreCallOptions } from '../../core/ports.js';
import { AUDIT_SORT_PREFIX, itemToAudit } from './schema.js';
import { queryPartition, type SdkTableOptions } from './sdk-calls.js';

export function createSdkAuditReader(options: SdkTableOptions): RevocationAuditReader {
  return {
    async readAudit(sub: string, opts: StoreCallOptions = {}) {
      const items = await queryPartition(options, sub, AUDIT_SORT_PREFIX, opts);
      return items.map((item) => itemToAudit(item));
    },
  };
}

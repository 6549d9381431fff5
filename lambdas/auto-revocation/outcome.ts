/**
 * What the automatic revocation reports for one event, from the result of `revokeUser` — never "revoked" for an
 * event that wrote no watermark. Pure.
 */
import type { AdminResult } from '../revocation/results.js';

export type RevokeOutcome = 'revoked' | 'unchanged' | 'refused';

export function handledAs(result: AdminResult): RevokeOutcome {
  if ('skipped' in result && result.skipped) return 'unchanged';
  const watermark = 'watermark' in result ? result.watermark : undefined;
  if (watermark && typeof watermark === 'object' && 'written' in watermark) {
    if (watermark.written) return 'revoked';
    // A stored watermark at least as late and as long already covers the event: in force, but not this write.
    if (watermark.inForce) return 'unchanged';
  }
  return 'refused';
}

import type { StoreErrorKind } from '../core/ports.js';

/**
 * Store failures that fail-open (opt-in) may answer with an allow: outages only — the table not answering in time or
 * not reachable. Throttling is NOT an outage: every token of a user reads the same partition, so anyone holding one
 * of the user's tokens (a revoked one included) can drive it hot; an attacker must not be able to switch revocation
 * off by flooding. A malformed answer or denied access is a fault to fix, not an outage either. docs/security.md.
 */
export const FAIL_OPEN_KINDS: ReadonlySet<StoreErrorKind | 'unknown'> = new Set(['timeout', 'unavailable']);

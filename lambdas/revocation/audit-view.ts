/** A user's entries with who revoked them and why (the audit items), for the admin views. */
import { sameKey, type RevocationEntry } from '../core/revocation.js';
import { type RevocationContext, wrapStore } from './context.js';
import type { EntryView } from './results.js';

export async function entriesWithAudit(
  ctx: RevocationContext<'reader' | 'audit'>,
  sub: string,
  signal: AbortSignal,
): Promise<RevocationEntry[]> {
  const entries = await wrapStore(() => ctx.deps.reader.readUser(sub, { signal }));
  if (!ctx.deps.audit) return entries;
  let audit: RevocationEntry[] = [];
  try {
    audit = await ctx.deps.audit.readAudit(sub, { signal });
  } catch {
    return entries; // attribution is a nicety; the verdicts stand without it
  }
  return entries.map((e) => {
    const a = audit.find((x) => sameKey(x, e));
    return a ? { ...e, actor: a.actor, reason: a.reason } : e;
  });
}

export function entryView(e: RevocationEntry): EntryView {
  return {
    scope: e.scope,
    id: e.id,
    notBefore: e.notBefore,
    revokedAt: e.revokedAt,
    expiresAt: e.expiresAt,
    actor: e.actor,
    reason: e.reason,
  } as EntryView;
}

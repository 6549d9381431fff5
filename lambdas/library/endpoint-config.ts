/**
 * The environment both OAuth endpoints read beyond the verifier's (introspection, token revocation): the callers
 * (M2M app clients and their scope). Validated here; every problem reported at once.
 */
const CLIENT_ID = /^[\w+]{1,128}$/;
const SCOPE = /^[\x21\x23-\x5b\x5d-\x7e]{1,256}$/;

export interface CallerConfig {
  readonly callerClientIds: readonly string[];
  readonly callerScope: string;
}

/** `raw`: the function's CALLER_CLIENT_IDS and CALLER_SCOPE (each function's config.ts reads its own names). */
export function readCallerConfig(
  raw: { readonly clientIds: string | undefined; readonly scope: string | undefined },
  problems: string[],
): CallerConfig {
  const callerClientIds = (raw.clientIds ?? '')
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '');
  if (callerClientIds.length === 0)
    problems.push('CALLER_CLIENT_IDS is required (the M2M app clients that may call)');
  const bad = callerClientIds.filter((c) => !CLIENT_ID.test(c));
  if (bad.length) problems.push(`CALLER_CLIENT_IDS has invalid app client ids: ${bad.join(', ')}`);
  const callerScope = raw.scope?.trim() ?? '';
  if (!SCOPE.test(callerScope))
    problems.push('CALLER_SCOPE must be one OAuth scope (e.g. cognito-revocation/introspect)');
  return { callerClientIds, callerScope };
}

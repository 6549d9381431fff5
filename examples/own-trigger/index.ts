/**
 * A team's own pre-token-generation function that keeps its trigger slot and calls this module's session-recording
 * step inside it (instead of naming itself in `chained_pre_token_generation_function_arn`).
 *
 * Order: record first (it returns a copy of the event carrying the session claim), then add your own overrides on
 * top of that copy — without overriding or suppressing the session claim.
 */
import { createSessionRecorder } from '../../lambdas/token-trigger/session-recording.js';

type Overrides = { claimsToAddOrOverride?: Record<string, string>; [key: string]: unknown };
interface PreTokenEvent {
  version: string;
  triggerSource: string;
  request: { userAttributes: Record<string, string> };
  response: {
    claimsOverrideDetails?: Overrides | null;
    claimsAndScopeOverrideDetails?: {
      idTokenGeneration?: Overrides;
      accessTokenGeneration?: Overrides;
      [key: string]: unknown;
    } | null;
  };
}

// Built once per container, outside the handler. TABLE_NAME = the module's `table_name` output; the session claim
// and token lifetime must match the module's `session_claim` and `token_lifetime_seconds`.
const recordSession = createSessionRecorder({
  tableName: process.env.TABLE_NAME,
  tokenLifetimeSeconds: Number(process.env.TOKEN_LIFETIME_SECONDS ?? 86400),
});

/** Your own claims: here a tenant id read from a custom attribute. */
function tenantOf(event: PreTokenEvent): string {
  return event.request.userAttributes['custom:tenant'] ?? 'default';
}

const withClaim = (block: Overrides | undefined | null, name: string, value: string): Overrides => ({
  ...(block ?? {}),
  claimsToAddOrOverride: { ...(block?.claimsToAddOrOverride ?? {}), [name]: value },
});

export const handler = async (event: PreTokenEvent): Promise<PreTokenEvent> => {
  const recorded = await recordSession(event);
  if (!event.triggerSource.startsWith('TokenGeneration_')) return recorded;
  const tenant = tenantOf(event);
  if (event.version === '2' || event.version === '3') {
    const details = recorded.response.claimsAndScopeOverrideDetails ?? {};
    return {
      ...recorded,
      response: {
        ...recorded.response,
        claimsAndScopeOverrideDetails: {
          ...details,
          idTokenGeneration: withClaim(details.idTokenGeneration, 'tenant', tenant),
          accessTokenGeneration: withClaim(details.accessTokenGeneration, 'tenant', tenant),
        },
      },
    };
  }
  return {
    ...recorded,
    response: {
      ...recorded.response,
      claimsOverrideDetails: withClaim(recorded.response.claimsOverrideDetails, 'tenant', tenant),
    },
  };
};

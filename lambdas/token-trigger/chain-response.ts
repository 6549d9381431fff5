/**
 * Merging the answer of a chained pre-token-generation trigger (the pool's own function, which this module's
 * trigger calls) with this module's answer.
 *
 * Rule: the chained function wins on every override it makes — claims to add or override, claims to suppress,
 * scopes, group overrides — except the session claim, which only this module sets: where this module injected it
 * (the ID token for event version 1, the ID and access tokens for 2 and 3) it keeps this module's value and is never
 * suppressed; where this module did not inject it, the chained function cannot add it either (a session id nobody
 * recorded would otherwise reach a token).
 *
 * Shapes handled (Cognito developer guide, "Pre token generation Lambda trigger"):
 * - version 1: `response.claimsOverrideDetails` { claimsToAddOrOverride, claimsToSuppress, groupOverrideDetails };
 * - versions 2 and 3: `response.claimsAndScopeOverrideDetails` { idTokenGeneration, accessTokenGeneration
 *   (each claimsToAddOrOverride, claimsToSuppress; access also scopesToAdd, scopesToSuppress),
 *   groupOverrideDetails }.
 * A `null` block from either side means "no change"; unknown keys of the chained answer are kept as they are.
 */
import type { TriggerEvent } from './events.js';

type Overrides = Record<string, unknown>;

const isObject = (v: unknown): v is Overrides => typeof v === 'object' && v !== null && !Array.isArray(v);

export class ChainedAnswerError extends Error {
  override readonly name = 'ChainedAnswerError';
}

/**
 * The `response` of a chained function's answer. Throws `ChainedAnswerError` when the answer is not an event
 * object (Cognito would refuse such an answer too); a missing or null `response` is "no overrides".
 */
export function chainedResponse(answer: unknown): Overrides {
  if (!isObject(answer)) throw new ChainedAnswerError('the chained function did not return an event object');
  if (answer.response === undefined || answer.response === null) return {};
  if (!isObject(answer.response))
    throw new ChainedAnswerError('the chained function returned a non-object response');
  return answer.response;
}

/** One token's overrides: theirs over ours, claim maps merged key by key. */
function mergeTokenOverrides(ours: unknown, theirs: unknown): unknown {
  if (!isObject(theirs)) return ours ?? theirs;
  if (!isObject(ours)) return theirs;
  const merged: Overrides = { ...ours, ...theirs };
  if (isObject(ours.claimsToAddOrOverride) || isObject(theirs.claimsToAddOrOverride)) {
    merged.claimsToAddOrOverride = {
      ...(isObject(ours.claimsToAddOrOverride) ? ours.claimsToAddOrOverride : {}),
      ...(isObject(theirs.claimsToAddOrOverride) ? theirs.claimsToAddOrOverride : {}),
    };
  }
  return merged;
}

function mergeV2Details(ours: unknown, theirs: unknown): unknown {
  if (!isObject(theirs)) return ours ?? theirs;
  if (!isObject(ours)) return theirs;
  return {
    ...ours,
    ...theirs,
    idTokenGeneration: mergeTokenOverrides(ours.idTokenGeneration, theirs.idTokenGeneration),
    accessTokenGeneration: mergeTokenOverrides(ours.accessTokenGeneration, theirs.accessTokenGeneration),
  };
}

/** The token override blocks of a response, by where they sit. */
function overrideBlocks(response: Overrides): Overrides[] {
  const blocks: Overrides[] = [];
  if (isObject(response.claimsOverrideDetails)) blocks.push(response.claimsOverrideDetails);
  const v2 = response.claimsAndScopeOverrideDetails;
  if (isObject(v2)) {
    if (isObject(v2.idTokenGeneration)) blocks.push(v2.idTokenGeneration);
    if (isObject(v2.accessTokenGeneration)) blocks.push(v2.accessTokenGeneration);
  }
  return blocks;
}

/** The session id this module injected into its own answer, or undefined when it injected none. */
export function injectedSessionId(ours: unknown, claim: string): string | undefined {
  if (!isObject(ours) || !isObject(ours.response)) return undefined;
  for (const block of overrideBlocks(ours.response)) {
    const claims = block.claimsToAddOrOverride;
    if (isObject(claims) && typeof claims[claim] === 'string') return claims[claim];
  }
  return undefined;
}

/** Whether the chained function's answer tries to add, override or suppress the session claim. */
export function touchesSessionClaim(theirs: Overrides, claim: string): boolean {
  return overrideBlocks(theirs).some(
    (block) =>
      (isObject(block.claimsToAddOrOverride) && claim in block.claimsToAddOrOverride) ||
      (Array.isArray(block.claimsToSuppress) && block.claimsToSuppress.includes(claim)),
  );
}

/** Clones the blocks (so neither answer is modified) and puts the session claim back where this module set it. */
function enforceSessionClaim(
  response: Overrides,
  claim: string,
  injected: ReadonlySet<string>,
  sid?: string,
): Overrides {
  const out: Overrides = { ...response };
  const fix = (block: unknown, where: string): unknown => {
    if (!isObject(block)) return block;
    const next: Overrides = { ...block };
    const claims: Overrides = isObject(block.claimsToAddOrOverride) ? { ...block.claimsToAddOrOverride } : {};
    if (sid !== undefined && injected.has(where)) claims[claim] = sid;
    else delete claims[claim];
    if (isObject(block.claimsToAddOrOverride) || (sid !== undefined && injected.has(where))) {
      next.claimsToAddOrOverride = claims;
    }
    if (Array.isArray(block.claimsToSuppress)) {
      next.claimsToSuppress = block.claimsToSuppress.filter((c) => c !== claim);
    }
    return next;
  };
  if (isObject(out.claimsOverrideDetails)) out.claimsOverrideDetails = fix(out.claimsOverrideDetails, 'v1');
  if (isObject(out.claimsAndScopeOverrideDetails)) {
    const v2 = out.claimsAndScopeOverrideDetails;
    out.claimsAndScopeOverrideDetails = {
      ...v2,
      ...(isObject(v2.idTokenGeneration) ? { idTokenGeneration: fix(v2.idTokenGeneration, 'id') } : {}),
      ...(isObject(v2.accessTokenGeneration)
        ? { accessTokenGeneration: fix(v2.accessTokenGeneration, 'access') }
        : {}),
    };
  }
  return out;
}

/** Where this module's answer carries the session claim: `v1`, `id`, `access`. */
function injectedBlocks(ours: Overrides, claim: string): Set<string> {
  const where = new Set<string>();
  const has = (block: unknown) =>
    isObject(block) && isObject(block.claimsToAddOrOverride) && claim in block.claimsToAddOrOverride;
  if (has(ours.claimsOverrideDetails)) where.add('v1');
  const v2 = ours.claimsAndScopeOverrideDetails;
  if (isObject(v2)) {
    if (has(v2.idTokenGeneration)) where.add('id');
    if (has(v2.accessTokenGeneration)) where.add('access');
  }
  return where;
}

/**
 * The event to return to Cognito: the event as Cognito sent it, with this module's answer (`ours`, an event whose
 * response may carry the session claim) and the chained function's response (`theirs`) merged as described above.
 * Neither input is modified.
 */
export function mergeChainedAnswer(
  event: TriggerEvent,
  ours: unknown,
  theirs: Overrides,
  claim: string,
): TriggerEvent {
  const ourResponse: Overrides = isObject(ours) && isObject(ours.response) ? ours.response : {};
  const merged: Overrides = { ...ourResponse, ...theirs };
  if ('claimsOverrideDetails' in ourResponse || 'claimsOverrideDetails' in theirs) {
    merged.claimsOverrideDetails = mergeTokenOverrides(
      ourResponse.claimsOverrideDetails,
      theirs.claimsOverrideDetails,
    );
  }
  if ('claimsAndScopeOverrideDetails' in ourResponse || 'claimsAndScopeOverrideDetails' in theirs) {
    merged.claimsAndScopeOverrideDetails = mergeV2Details(
      ourResponse.claimsAndScopeOverrideDetails,
      theirs.claimsAndScopeOverrideDetails,
    );
  }
  const sid = injectedSessionId(ours, claim);
  return { ...event, response: enforceSessionClaim(merged, claim, injectedBlocks(ourResponse, claim), sid) };
}

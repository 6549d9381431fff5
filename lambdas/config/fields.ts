/**
 * Rules several functions apply to a variable of the same meaning, kept in one place so that a value one function
 * accepts is accepted by all of them. Each function's `config.ts` still names every variable it reads.
 */
import {
  type LifetimePolicy,
  lifetimePolicy,
  MAX_COGNITO_REFRESH_TOKEN_LIFETIME_SECONDS,
  MAX_COGNITO_TOKEN_LIFETIME_SECONDS,
  MIN_COGNITO_REFRESH_TOKEN_LIFETIME_SECONDS,
  MIN_COGNITO_TOKEN_LIFETIME_SECONDS,
} from '../core/lifetime.js';
import type { EnvironmentReader } from './reader.js';

/** `TOKEN_LIFETIME_SECONDS`: Cognito's own limits on ID/access token validity. */
export const TOKEN_LIFETIME_RANGE = [
  MIN_COGNITO_TOKEN_LIFETIME_SECONDS,
  MAX_COGNITO_TOKEN_LIFETIME_SECONDS,
] as const;

/** `REFRESH_TOKEN_LIFETIME_SECONDS`: Cognito's own limits on refresh token validity. */
export const REFRESH_TOKEN_LIFETIME_RANGE = [
  MIN_COGNITO_REFRESH_TOKEN_LIFETIME_SECONDS,
  MAX_COGNITO_REFRESH_TOKEN_LIFETIME_SECONDS,
] as const;

/** `TOKEN_LIFETIME_SECONDS` and `REFRESH_TOKEN_LIFETIME_SECONDS`: how long a revocation entry must last. */
export function declareLifetimes(read: EnvironmentReader): LifetimePolicy {
  return lifetimePolicy({
    tokenLifetimeSeconds: read.integer('TOKEN_LIFETIME_SECONDS', ...TOKEN_LIFETIME_RANGE),
    refreshTokenLifetimeSeconds: read.integer(
      'REFRESH_TOKEN_LIFETIME_SECONDS',
      ...REFRESH_TOKEN_LIFETIME_RANGE,
    ),
  });
}

/**
 * `USER_POOL_ID` of the functions that call Cognito: `<region>_<id>`. Looser than the authorizer's rule, which
 * also needs the region to build the issuer.
 */
export function parseUserPoolId(value: string): string {
  if (!/^[\w-]+_[0-9a-zA-Z]+$/.test(value)) {
    throw new Error(`USER_POOL_ID must be a user pool id like eu-west-1_AbCdEf123, got "${value}"`);
  }
  return value;
}

/** What one item of a comma-separated list must be, for the error text. */
export interface ListItem {
  /** What an item is, singular: `app client id`, `audience`. */
  readonly what: string;
  readonly valid: (item: string) => boolean;
  /** What a valid item looks like, e.g. `letters, digits, _ or +; 1 to 128 characters`. */
  readonly rule: string;
}

/** Invalid items quoted in a problem at most, each cut to this length: the message stays readable and log-sized. */
const QUOTED_ITEMS = 5;
const QUOTED_LENGTH = 64;

/** An item as it may appear in a problem: control characters escaped (one log line), long ones cut. */
function quoted(item: string): string {
  const cut = item.length > QUOTED_LENGTH ? `${item.slice(0, QUOTED_LENGTH)}…` : item;
  return JSON.stringify(cut);
}

/**
 * The one parser of a comma-separated variable, so that every function reads a list alike: blanks around an item
 * are dropped, an empty item (a doubled or trailing comma, as a joined Terraform list can leave) is skipped, an item
 * named twice counts once (order kept). A value that lists nothing is a problem, as is any invalid item: the problem
 * quotes the first few, escaped, so a hostile value cannot forge a log line. No item count is enforced: a Lambda
 * function's whole environment is capped at 4 KB (Lambda quotas), the library's options are its application's own
 * code, and the parse is linear in the value.
 */
export function listParser(name: string, item: ListItem): (value: string) => string[] {
  return (value) => {
    if (value === '') return [];
    const items = [
      ...new Set(
        value
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== ''),
      ),
    ];
    if (items.length === 0) throw new Error(`${name} lists no ${item.what}`);
    const invalid = items.filter((s) => !item.valid(s));
    if (invalid.length > 0) {
      const more = invalid.length > QUOTED_ITEMS ? ` and ${invalid.length - QUOTED_ITEMS} more` : '';
      const shown = invalid.slice(0, QUOTED_ITEMS).map(quoted).join(', ');
      throw new Error(`${name} has invalid ${item.what}s: ${shown}${more} (each: ${item.rule})`);
    }
    return items;
  };
}

/**
 * Cognito's own rule for an app client id (API reference, `UserPoolClientDescription.ClientId`: pattern `[\w+]+`,
 * 1 to 128 characters). The same for every variable that lists app clients, and for the library's `clientId`.
 */
const APP_CLIENT_ID = /^[\w+]{1,128}$/;

/** A list of app client ids (`CLIENT_IDS`, `CALLER_CLIENT_IDS`). */
export function clientIdList(name: string): (value: string) => string[] {
  return listParser(name, {
    what: 'app client id',
    valid: (id) => APP_CLIENT_ID.test(id),
    rule: 'letters, digits, _ or +; 1 to 128 characters',
  });
}

/** An OAuth scope token (RFC 6749 §3.3: printable ASCII but space, `"` and `\`). */
const SCOPE = /^[\x21\x23-\x5b\x5d-\x7e]{1,256}$/;

/** Who may call the OAuth endpoints (introspection, token revocation): M2M app clients and the scope they hold. */
export interface CallerConfig {
  readonly callerClientIds: readonly string[];
  readonly callerScope: string;
}

/** `CALLER_CLIENT_IDS` and `CALLER_SCOPE`, read alike by both endpoints. */
export function declareCallers(read: EnvironmentReader): CallerConfig {
  const callerScope = read.text('CALLER_SCOPE');
  if (callerScope !== '' && !SCOPE.test(callerScope))
    read.problem('CALLER_SCOPE must be one OAuth scope (e.g. cognito-revocation/introspect)');
  return {
    callerClientIds: read.parse('CALLER_CLIENT_IDS', clientIdList('CALLER_CLIENT_IDS'), []),
    callerScope,
  };
}

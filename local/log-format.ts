/**
 * The tidy log format of `npm start`: one short line per decision or operation, from the functions' JSON log
 * lines (raw JSON stays available with `npm start -- --verbose`).
 *
 * Exported API: `formatLogLine(functionName, line) → string | undefined` — undefined for lines that carry no
 * decision (EMF metric documents, which CloudWatch turns into metrics). Never prints more than the JSON line
 * held: the functions already log no token, header or password; `sub` is shortened to its first 8 characters, session
 * ids are printed in full (a user copies them into `revoke-session`).
 *
 * Examples:
 *   21:27:32 trigger     sign-in alice (PostAuthentication_Authentication)
 *   21:27:32 trigger     session e5897be8a279d30c1879f581a0d889f3 issued to alice (TokenGeneration_Authentication)
 *   21:27:32 authorizer  ALLOW access token of 6205e2fd… (rest_token, 22 ms, store 21 ms)
 *   21:27:33 admin       signOutUser alice by cli:root "lost laptop": ok (107 ms)
 *   21:27:33 authorizer  DENY  revoked (session) access token of 6205e2fd… (rest_token, 8 ms)
 */

type Json = Record<string, unknown>;

const SHORT_NAMES: Record<string, string> = {
  'cognito-revocation-authorizer': 'authorizer',
  'cognito-revocation-token-trigger': 'trigger',
  'cognito-revocation-admin-signout': 'admin',
};

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const short = (v: unknown, n = 8): string => {
  const s = str(v) ?? '?';
  return s.length > n + 1 ? `${s.slice(0, n)}…` : s;
};
const ms = (v: unknown): string | undefined => {
  const n = num(v);
  return n === undefined ? undefined : `${n < 10 ? n.toFixed(1) : n.toFixed(0)} ms`;
};
const clock = (json: Json): string => {
  const time = str(json.time);
  const date = time
    ? new Date(time)
    : new Date(num((json._aws as Json | undefined)?.Timestamp) ?? Date.now());
  return Number.isNaN(date.getTime()) ? '--:--:--' : date.toISOString().slice(11, 19);
};
const clip = (s: string, max = 160) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

function authorizer(json: Json): string | undefined {
  if (json.message !== 'authorizer decision') return undefined;
  const allow = json.decision === 'allow';
  const token = str(json.tokenUse) ? `${json.tokenUse} token` : 'token';
  const who = str(json.sub) ? ` of ${short(json.sub)}` : '';
  const scope = str(json.scope) ? ` (${json.scope})` : '';
  const timing = [
    str(json.eventKind),
    ms(json.latencyMs),
    json.storeMs !== undefined ? `store ${ms(json.storeMs)}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  const verdict = allow ? 'ALLOW' : `DENY  ${str(json.reason) ?? '?'}${scope}`;
  const error = str(json.errorKind) ? ` [${json.errorKind}]` : '';
  return `${verdict} ${token}${who}${error} (${timing})`;
}

function trigger(json: Json): string | undefined {
  const source = str(json.triggerSource) ? ` (${json.triggerSource})` : '';
  const user = str(json.username) ?? short(json.sub);
  switch (json.message) {
    case 'sign-in':
      return `sign-in ${user}${source}`;
    case 'session recorded':
      // The full id: it is what `revoke-session` needs, and a prefix matches no session.
      return `session ${str(json.sessionId) ?? '?'} issued to ${user}${source}`;
    default:
      return undefined;
  }
}

function admin(json: Json): string | undefined {
  if (json.message !== 'admin operation') return undefined;
  const user = json.user as Json | undefined;
  const revocation = json.revocation as Json | undefined;
  const target = str(user?.username)
    ? ` ${user?.username}`
    : revocation
      ? ` ${str(revocation.scope) ?? ''} ${str(revocation.id) ?? '?'}`
      : '';
  const actor = str(json.actor) ? ` by ${json.actor}` : '';
  const reason = str(json.reason) ? ` "${clip(String(json.reason), 40)}"` : '';
  const outcome =
    json.ok === true ? 'ok' : `FAILED${str(json.error) ? ` ${clip(String(json.error), 60)}` : ''}`;
  const timing = ms(json.elapsedMs) ? ` (${ms(json.elapsedMs)})` : '';
  return `${str(json.operation) ?? 'operation'}${target}${actor}${reason}: ${outcome}${timing}`;
}

export function formatLogLine(functionName: string, line: string): string | undefined {
  const name = (SHORT_NAMES[functionName] ?? functionName).padEnd(11);
  let json: Json;
  try {
    const parsed: unknown = JSON.parse(line);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new Error('not an object');
    json = parsed as Json;
  } catch {
    // Not a JSON log line (a stray console.log, a crash): shown as it is, shortened.
    return line.trim() ? `${new Date().toISOString().slice(11, 19)} ${name} ${clip(line.trim())}` : undefined;
  }
  const specific =
    name.trim() === 'authorizer' ? authorizer(json) : name.trim() === 'trigger' ? trigger(json) : admin(json);
  if (specific) return `${clock(json)} ${name} ${specific}`;
  const message = str(json.message);
  if (!message) return undefined; // an EMF metrics document: no decision in it
  const level = str(json.level);
  const marker = level === 'warn' || level === 'error' ? `${level.toUpperCase()} ` : '';
  const error = json.error as Json | string | undefined;
  const detail =
    typeof error === 'string'
      ? error
      : str(error?.message)
        ? `${str(error?.name) ?? 'Error'}: ${error?.message}`
        : '';
  return `${clock(json)} ${name} ${marker}${clip(`${message}${detail ? ` — ${detail}` : ''}`)}`;
}

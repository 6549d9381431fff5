/**
 * An API Gateway stand-in for the local stack: invokes a Lambda authorizer with the events API Gateway sends,
 * applies its answer as API Gateway does, and passes the authorizer context to a small sample backend.
 * No maintained package does this without the Serverless Framework (see docs/local-stack.md).
 *
 * Exported API:
 * - `startApiGateway(options) → Promise<ApiGateway>`; options `{ invoke(fn, event) (e.g. LambdaEndpoint.invoke),
 *   authorizerFunction (name), port?, host?, region?, accountId?, stage? ('local'), cacheTtlSeconds? (0),
 *   identityHeader? ('Authorization'), httpApiSimpleResponses? (true), backend? }`.
 * - `ApiGateway`: `endpoint`, `port`, `urls` (`restToken`, `restRequest`, `httpApi` base URLs),
 *   `setCacheTtl(seconds)` (also flushes the cache, like redeploying the stage), `flushCache()`,
 *   `stats()` → `{ authorizerInvocations, cacheHits, skipped }`, `stop()`.
 * - `evaluatePolicy(policyDocument, methodArn)` → `'allow' | 'explicit-deny' | 'implicit-deny'` and
 *   `arnMatches(pattern, arn)` (IAM `*`/`?` wildcards), exported for tests.
 *
 * Three APIs on one port, one per authorizer kind, each with its own API id and authorizer cache:
 * - `/rest-token/<path>`   REST API, `TOKEN` authorizer, token source = the identity header;
 * - `/rest-request/<path>` REST API, `REQUEST` authorizer, identity source = the identity header;
 * - `/http/<path>`         HTTP API, Lambda authorizer payload 2.0, identity source = the identity header
 *                          (simple responses when `httpApiSimpleResponses`, IAM policies otherwise).
 *
 * Behaviour, as API Gateway documents it:
 * - Identity source missing or empty → 401 `{"message":"Unauthorized"}` without invoking the authorizer.
 * - REST: the authorizer throws `Unauthorized` → 401; returns a policy that allows the method ARN → the backend
 *   runs with `requestContext.authorizer = { principalId, ...context }` (values as strings, like REST proxy
 *   integrations); explicit Deny → 403 "…with an explicit deny"; no matching Allow → 403; any other error, a
 *   missing principalId/policy or a context value that is an object/array → 500 (AuthorizerConfigurationException).
 * - HTTP API: simple `{isAuthorized, context}` or an IAM policy; not authorized → 403 `{"message":"Forbidden"}`;
 *   throws `Unauthorized` → 401; other errors or malformed answers → 500. The backend gets
 *   `requestContext.authorizer.lambda = context`.
 * - Result cache (TTL > 0): keyed by the identity source values (per API); the cached policy is evaluated again
 *   against each request's method ARN; denies are cached, thrown errors are not. A cached allow keeps being
 *   served after a revocation until it expires: that is the bound the demo shows.
 * Each response carries `x-local-authorizer: invoked | cache-hit | skipped` (a diagnostic of this stand-in; API
 * Gateway sends no such header).
 *
 * Control plane: the same port answers the two calls that flush a stage's authorizer cache, as the
 * admin function sends them (SigV4-signed; the stand-in checks that a SigV4 Authorization header is present, not
 * the signature): REST `FlushStageAuthorizersCache` `DELETE /restapis/{id}/stages/{stage}/cache/authorizers` →
 * 202, HTTP API `ResetAuthorizersCache` `DELETE /v2/apis/{id}/stages/{stage}/cache/authorizers` → 204; an unknown
 * API or stage → 404. `apiIds` and `stage` give the ids to list in `CACHE_FLUSH_TARGETS`; `flushes()` the log.
 * With `managementRateLimit: { ratePerSecond, burst }` the control plane throttles as API Gateway's account-wide
 * management quota does (10 requests per second, burst 40, for all management calls of an account and Region): a
 * token bucket of `burst` tokens refilled at `ratePerSecond`; a call finding it empty gets 429 `Too Many Requests`
 * and flushes nothing. `managementCalls()` counts the accepted and throttled calls.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { InvokeResult } from './lambda-endpoint.js';

export type ApiKind = 'rest-token' | 'rest-request' | 'http';

export interface BackendEvent {
  readonly api: ApiKind;
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  /** REST: `{ principalId, ...context }` with string values. HTTP API: `{ lambda: context }`. */
  readonly requestContext: { readonly authorizer: Readonly<Record<string, unknown>> };
  /** The request body as text ('' when none); the `/logout` route reads it. */
  readonly body?: string;
}

export interface BackendResponse {
  readonly statusCode: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body: string;
}

export type Backend = (event: BackendEvent) => BackendResponse | Promise<BackendResponse>;

export interface ApiGatewayOptions {
  invoke(functionName: string, event: unknown): Promise<InvokeResult>;
  readonly authorizerFunction: string;
  readonly port?: number;
  readonly host?: string;
  readonly region?: string;
  readonly accountId?: string;
  readonly stage?: string;
  readonly cacheTtlSeconds?: number;
  readonly identityHeader?: string;
  readonly httpApiSimpleResponses?: boolean;
  readonly backend?: Backend;
  /** Throttle the control plane with a token bucket (API Gateway: 10 per second, burst 40); absent: no limit. */
  readonly managementRateLimit?: { readonly ratePerSecond: number; readonly burst: number };
}

export interface ApiGatewayStats {
  readonly authorizerInvocations: number;
  readonly cacheHits: number;
  readonly skipped: number;
}

export interface ApiGateway {
  readonly endpoint: string;
  readonly port: number;
  readonly urls: { readonly restToken: string; readonly restRequest: string; readonly httpApi: string };
  setCacheTtl(seconds: number): void;
  flushCache(): void;
  /** The API ids of the three APIs (what `CACHE_FLUSH_TARGETS` names) and their stage. */
  readonly apiIds: Readonly<Record<ApiKind, string>>;
  readonly stage: string;
  /** Every flush received on the control-plane endpoints, oldest first. */
  flushes(): readonly { readonly api: ApiKind; readonly at: number }[];
  /** Control-plane calls answered (2xx/4xx other than 429) and throttled (429) so far. */
  managementCalls(): { readonly accepted: number; readonly throttled: number };
  stats(): ApiGatewayStats;
  stop(): Promise<void>;
}

/** The sample backend: says hello and echoes what the authorizer passed on. */
export const sampleBackend: Backend = (event) => {
  const authorizer = event.requestContext.authorizer;
  const context = (event.api === 'http' ? authorizer.lambda : authorizer) as
    | Record<string, unknown>
    | undefined;
  const who = context?.username ?? context?.sub ?? 'unknown';
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ message: `hello ${String(who)}`, path: event.path, authorizer }),
  };
};

const API_IDS: Record<ApiKind, string> = {
  'rest-token': 'resttoken1',
  'rest-request': 'restreqst1',
  http: 'httpapi001',
};
const MAX_TTL_SECONDS = 3600;

type Decision =
  | { kind: 'allow'; principalId?: string; context: Record<string, unknown> }
  | { kind: 'deny'; status: 401 | 403 | 500; message: string | null; messageKey: 'message' | 'Message' };

type Refusal = Extract<Decision, { kind: 'deny' }>;

interface CachedAnswer {
  readonly expiresAt: number;
  /** The authorizer's answer, evaluated again for each method ARN. */
  readonly answer: AuthorizerAnswer;
}

type AuthorizerAnswer =
  | { kind: 'policy'; principalId?: string; policyDocument: unknown; context: Record<string, unknown> }
  | { kind: 'simple'; isAuthorized: boolean; context: Record<string, unknown> };

export async function startApiGateway(options: ApiGatewayOptions): Promise<ApiGateway> {
  const host = options.host ?? '127.0.0.1';
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? '000000000000';
  const stage = options.stage ?? 'local';
  const identityHeader = (options.identityHeader ?? 'Authorization').toLowerCase();
  const simpleResponses = options.httpApiSimpleResponses ?? true;
  const backend = options.backend ?? sampleBackend;
  let ttlSeconds = validTtl(options.cacheTtlSeconds ?? 0);
  const caches: Record<ApiKind, Map<string, CachedAnswer>> = {
    'rest-token': new Map(),
    'rest-request': new Map(),
    http: new Map(),
  };
  const counters = { authorizerInvocations: 0, cacheHits: 0, skipped: 0 };
  const flushLog: { api: ApiKind; at: number }[] = [];
  const management = { accepted: 0, throttled: 0 };
  const limit = options.managementRateLimit;
  if (limit && !(limit.ratePerSecond > 0 && limit.burst >= 1))
    throw new Error('managementRateLimit needs ratePerSecond > 0 and burst >= 1');
  const bucket = { tokens: limit?.burst ?? 0, at: performance.now() };
  /** Takes one token of the management bucket; false when empty (the call is throttled). */
  function takeManagementToken(): boolean {
    if (!limit) return true;
    const now = performance.now();
    bucket.tokens = Math.min(limit.burst, bucket.tokens + ((now - bucket.at) / 1000) * limit.ratePerSecond);
    bucket.at = now;
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** FlushStageAuthorizersCache / ResetAuthorizersCache; true when the request was one of them. */
  function controlPlane(req: IncomingMessage, res: ServerResponse, pathname: string): boolean {
    const rest = /^\/restapis\/([^/]+)\/stages\/([^/]+)\/cache\/authorizers$/.exec(pathname);
    const v2 = /^\/v2\/apis\/([^/]+)\/stages\/([^/]+)\/cache\/authorizers$/.exec(pathname);
    const match = rest ?? v2;
    if (!match) return false;
    req.resume();
    if (!takeManagementToken()) {
      management.throttled++;
      json(res, 429, { message: 'Too Many Requests' });
      return true;
    }
    management.accepted++;
    if ((req.method ?? '').toUpperCase() !== 'DELETE') {
      json(res, 405, { message: 'Method Not Allowed' });
      return true;
    }
    if (!String(req.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256 ')) {
      json(res, 403, { message: 'Missing Authentication Token' });
      return true;
    }
    const apiId = decodeURIComponent(match[1] ?? '');
    const stageName = decodeURIComponent(match[2] ?? '');
    const kinds: ApiKind[] = rest ? ['rest-token', 'rest-request'] : ['http'];
    const api = kinds.find((k) => API_IDS[k] === apiId);
    if (!api || stageName !== stage) {
      json(res, 404, { message: 'Invalid stage identifier specified' });
      return true;
    }
    caches[api].clear();
    flushLog.push({ api, at: Date.now() });
    if (rest) json(res, 202, {});
    else {
      res.writeHead(204);
      res.end();
    }
    return true;
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent)
        json(res, 500, { message: `stand-in error: ${err instanceof Error ? err.message : String(err)}` });
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://local');
    if (controlPlane(req, res, url.pathname)) return;
    const match = /^\/(rest-token|rest-request|http)(\/.*)?$/.exec(url.pathname);
    if (!match) {
      json(res, 404, { message: 'Not Found: use /rest-token/…, /rest-request/… or /http/…' });
      return;
    }
    const body = await readText(req);
    const api = match[1] as ApiKind;
    const path = match[2] || '/';
    const method = (req.method ?? 'GET').toUpperCase();
    // REST APIs pass header names as the client sent them; HTTP APIs lower-case them.
    const headers = flatHeaders(req, api === 'http');
    const identity = headerValue(headers, identityHeader);
    const methodArn = `arn:aws:execute-api:${region}:${accountId}:${API_IDS[api]}/${stage}/${method}/${path.replace(/^\//, '')}`;

    if (!identity.trim()) {
      counters.skipped++;
      json(res, 401, { message: 'Unauthorized' }, { 'x-local-authorizer': 'skipped' });
      return;
    }

    let answer: AuthorizerAnswer | Refusal;
    let source: 'invoked' | 'cache-hit' = 'invoked';
    const cache = caches[api];
    const cached = ttlSeconds > 0 ? cache.get(identity) : undefined;
    if (cached && cached.expiresAt > Date.now()) {
      counters.cacheHits++;
      source = 'cache-hit';
      answer = cached.answer;
    } else {
      if (cached) cache.delete(identity);
      counters.authorizerInvocations++;
      const event = authorizerEvent(api, {
        methodArn,
        method,
        path,
        url,
        headers,
        identity,
        stage,
        accountId,
        region,
      });
      const result = await options.invoke(options.authorizerFunction, event);
      answer = interpret(api, result, simpleResponses);
      if (answer.kind !== 'deny' && ttlSeconds > 0)
        cache.set(identity, { answer, expiresAt: Date.now() + ttlSeconds * 1000 });
    }
    const decision = answer.kind === 'deny' ? answer : decide(api, answer, methodArn);
    const diag = { 'x-local-authorizer': source };
    if (decision.kind === 'deny') {
      json(res, decision.status, { [decision.messageKey]: decision.message }, diag);
      return;
    }
    const authorizer =
      api === 'http'
        ? { lambda: decision.context }
        : { principalId: decision.principalId ?? '', ...stringValues(decision.context) };
    const response = await backend({ api, method, path, headers, requestContext: { authorizer }, body });
    res.writeHead(response.statusCode, { ...(response.headers ?? {}), ...diag });
    res.end(response.body);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'EADDRINUSE'
          ? new Error(`Port ${options.port} is in use (API Gateway stand-in): free it or pick another port.`)
          : err,
      );
    });
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const endpoint = `http://${host}:${port}`;
  const flushCache = () => {
    for (const c of Object.values(caches)) c.clear();
  };
  return {
    endpoint,
    port,
    urls: {
      restToken: `${endpoint}/rest-token`,
      restRequest: `${endpoint}/rest-request`,
      httpApi: `${endpoint}/http`,
    },
    setCacheTtl(seconds) {
      ttlSeconds = validTtl(seconds);
      flushCache();
    },
    flushCache,
    apiIds: { ...API_IDS },
    stage,
    flushes: () => [...flushLog],
    managementCalls: () => ({ ...management }),
    stats: () => ({ ...counters }),
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function validTtl(seconds: number): number {
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > MAX_TTL_SECONDS) {
    throw new Error(
      `authorizer result TTL must be a whole number of seconds from 0 to ${MAX_TTL_SECONDS}; got ${seconds}`,
    );
  }
  return seconds;
}

interface RequestFacts {
  methodArn: string;
  method: string;
  path: string;
  url: URL;
  headers: Record<string, string>;
  identity: string;
  stage: string;
  accountId: string;
  region: string;
}

/** The event API Gateway sends to a Lambda authorizer of the given kind. */
export function authorizerEvent(api: ApiKind, r: RequestFacts): unknown {
  if (api === 'rest-token') return { type: 'TOKEN', authorizationToken: r.identity, methodArn: r.methodArn };
  const query: Record<string, string> = {};
  const multiQuery: Record<string, string[]> = {};
  for (const [k, v] of r.url.searchParams) {
    multiQuery[k] = [...(multiQuery[k] ?? []), v];
    query[k] = api === 'http' ? (multiQuery[k] ?? []).join(',') : v;
  }
  const requestId = randomUUID();
  const now = new Date();
  if (api === 'rest-request') {
    return {
      type: 'REQUEST',
      methodArn: r.methodArn,
      resource: r.path,
      path: r.path,
      httpMethod: r.method,
      headers: r.headers,
      multiValueHeaders: Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, [v]])),
      queryStringParameters: query,
      multiValueQueryStringParameters: multiQuery,
      pathParameters: {},
      stageVariables: {},
      requestContext: {
        path: `/${r.stage}${r.path}`,
        accountId: r.accountId,
        resourceId: 'local1',
        stage: r.stage,
        requestId,
        identity: { apiKey: '', sourceIp: '127.0.0.1', userAgent: headerValue(r.headers, 'user-agent') },
        resourcePath: r.path,
        httpMethod: r.method,
        apiId: API_IDS['rest-request'],
      },
    };
  }
  return {
    version: '2.0',
    type: 'REQUEST',
    routeArn: r.methodArn,
    identitySource: [r.identity],
    routeKey: '$default',
    rawPath: r.path,
    rawQueryString: r.url.search.replace(/^\?/, ''),
    cookies: r.headers.cookie ? r.headers.cookie.split(/;\s*/) : undefined,
    headers: r.headers,
    queryStringParameters: Object.keys(query).length ? query : undefined,
    requestContext: {
      accountId: r.accountId,
      apiId: API_IDS.http,
      domainName: `${API_IDS.http}.execute-api.${r.region}.amazonaws.com`,
      domainPrefix: API_IDS.http,
      http: {
        method: r.method,
        path: r.path,
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: headerValue(r.headers, 'user-agent'),
      },
      requestId,
      routeKey: '$default',
      stage: r.stage,
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    pathParameters: {},
    stageVariables: {},
  };
}

function interpret(api: ApiKind, result: InvokeResult, simpleResponses: boolean): AuthorizerAnswer | Refusal {
  const messageKey = 'message';
  if (result.functionError) {
    const message = (result.payload as { errorMessage?: unknown } | null)?.errorMessage;
    if (message === 'Unauthorized') return { kind: 'deny', status: 401, message: 'Unauthorized', messageKey };
    return serverError(api);
  }
  const payload = result.payload as Record<string, unknown> | null;
  if (!payload || typeof payload !== 'object') return serverError(api);
  const context = payload.context ?? {};
  if (typeof context !== 'object' || context === null || Array.isArray(context)) return serverError(api);
  if (api === 'http' && simpleResponses) {
    if (typeof payload.isAuthorized !== 'boolean') return serverError(api);
    return {
      kind: 'simple',
      isAuthorized: payload.isAuthorized,
      context: context as Record<string, unknown>,
    };
  }
  if (api !== 'http') {
    // REST: principalId required; context values must be strings, numbers or booleans.
    if (typeof payload.principalId !== 'string' || !payload.principalId) return serverError(api);
    for (const v of Object.values(context)) {
      if (v !== null && typeof v === 'object') return serverError(api);
    }
  }
  if (!payload.policyDocument || typeof payload.policyDocument !== 'object') return serverError(api);
  return {
    kind: 'policy',
    ...(typeof payload.principalId === 'string' ? { principalId: payload.principalId } : {}),
    policyDocument: payload.policyDocument,
    context: context as Record<string, unknown>,
  };
}

function serverError(api: ApiKind): Refusal {
  // REST answers `{"message": null}` (AuthorizerConfigurationException); HTTP APIs "Internal Server Error".
  return {
    kind: 'deny',
    status: 500,
    message: api === 'http' ? 'Internal Server Error' : null,
    messageKey: 'message',
  };
}

function decide(api: ApiKind, answer: AuthorizerAnswer, methodArn: string): Decision {
  if (answer.kind === 'simple') {
    return answer.isAuthorized
      ? { kind: 'allow', context: answer.context }
      : { kind: 'deny', status: 403, message: 'Forbidden', messageKey: 'message' };
  }
  const verdict = evaluatePolicy(answer.policyDocument, methodArn);
  if (verdict === 'allow') {
    return {
      kind: 'allow',
      ...(answer.principalId ? { principalId: answer.principalId } : {}),
      context: answer.context,
    };
  }
  if (api === 'http') return { kind: 'deny', status: 403, message: 'Forbidden', messageKey: 'message' };
  return {
    kind: 'deny',
    status: 403,
    messageKey: 'Message',
    message:
      verdict === 'explicit-deny'
        ? 'User is not authorized to access this resource with an explicit deny'
        : 'User is not authorized to access this resource',
  };
}

/** IAM evaluation of an authorizer's policy for `execute-api:Invoke` on one method ARN: explicit Deny wins. */
export function evaluatePolicy(
  policyDocument: unknown,
  methodArn: string,
): 'allow' | 'explicit-deny' | 'implicit-deny' {
  const statements = (policyDocument as { Statement?: unknown })?.Statement;
  const list = Array.isArray(statements) ? statements : statements ? [statements] : [];
  let allowed = false;
  for (const raw of list) {
    if (!raw || typeof raw !== 'object') continue;
    const s = raw as Record<string, unknown>;
    const effect = s.Effect;
    if (effect !== 'Allow' && effect !== 'Deny') continue;
    const actionHit = matchesAny(s.Action, 'execute-api:Invoke', true, s.NotAction);
    const resourceHit = matchesAny(s.Resource, methodArn, false, s.NotResource);
    // Conditions are not evaluated here: a conditional Allow never applies, a conditional Deny always does.
    if (s.Condition !== undefined) {
      if (effect === 'Deny' && actionHit && resourceHit) return 'explicit-deny';
      continue;
    }
    if (!actionHit || !resourceHit) continue;
    if (effect === 'Deny') return 'explicit-deny';
    allowed = true;
  }
  return allowed ? 'allow' : 'implicit-deny';
}

function matchesAny(
  patterns: unknown,
  value: string,
  caseInsensitive: boolean,
  notPatterns: unknown,
): boolean {
  const list = (p: unknown) =>
    (Array.isArray(p) ? p : p === undefined ? [] : [p]).filter((x) => typeof x === 'string');
  if (patterns !== undefined) return list(patterns).some((p) => arnMatches(p, value, caseInsensitive));
  if (notPatterns !== undefined) return !list(notPatterns).some((p) => arnMatches(p, value, caseInsensitive));
  return false;
}

/** IAM string matching: `*` = any run of characters (also across `/` and `:`), `?` = exactly one. */
export function arnMatches(pattern: string, value: string, caseInsensitive = false): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${regex}$`, caseInsensitive ? 'is' : 's').test(value);
}

function stringValues(context: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(context)) if (v !== undefined && v !== null) out[k] = String(v);
  return out;
}

function flatHeaders(req: IncomingMessage, lowerCase: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = lowerCase ? (raw[i] ?? '').toLowerCase() : (raw[i] ?? '');
    const value = raw[i + 1] ?? '';
    out[name] = name in out ? `${out[name]},${value}` : value;
  }
  return out;
}

function headerValue(headers: Record<string, string>, lowerCaseName: string): string {
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === lowerCaseName) return v;
  return '';
}

/** The request body as text (bounded: 64 KiB; the rest is dropped). */
function readText(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= 64 * 1024) chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

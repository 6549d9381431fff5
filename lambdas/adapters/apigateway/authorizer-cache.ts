/**
 * Flushing API Gateway's authorizer result cache of one stage, with a SigV4-signed HTTPS request on node:https
 * (the project's own signer, adapters/aws/sigv4.ts) rather than two more AWS SDK clients: docs/dependencies.md
 * has the measured reason (bundle size and cold start of the revoking functions).
 *
 * - REST API: `FlushStageAuthorizersCache`, `DELETE /restapis/{restapi_id}/stages/{stage_name}/cache/authorizers`
 *   (202 Accepted).
 * - HTTP API: `ResetAuthorizersCache`, `DELETE /v2/apis/{apiId}/stages/{stageName}/cache/authorizers` (204).
 *
 * Both are served by `https://apigateway.<region>.amazonaws.com` and signed for the `apigateway` service. The
 * endpoint can be pointed at the local API Gateway stand-in with the SDK's standard `AWS_ENDPOINT_URL_API_GATEWAY`
 * (then `AWS_ENDPOINT_URL`).
 */
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { awsTargetFromEnv } from '../aws/endpoint.js';
import { type AwsCredentials, signHeaders } from '../aws/sigv4.js';

export type ApiKind = 'rest' | 'http';

export interface FlushTarget {
  readonly api: ApiKind;
  readonly apiId: string;
  readonly stage: string;
}

/** `rest:abc123/prod`, the target's name in results and logs. */
export function targetName(target: FlushTarget): string {
  return `${target.api}:${target.apiId}/${target.stage}`;
}

export class FlushTargetsError extends Error {
  override readonly name = 'FlushTargetsError';
}

const API_ID = /^[a-z0-9]{1,64}$/;
const STAGE = /^(?:\$default|[\w-]{1,128})$/;
export const MAX_FLUSH_TARGETS = 20;

/**
 * Parses `CACHE_FLUSH_TARGETS`: a JSON array of `{"api":"rest"|"http","apiId":"...","stage":"..."}` (empty or
 * unset = none). Throws `FlushTargetsError` naming the first bad element.
 */
export function parseFlushTargets(raw: string | undefined): FlushTarget[] {
  const text = raw?.trim() ?? '';
  if (text === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new FlushTargetsError('CACHE_FLUSH_TARGETS is not JSON');
  }
  if (!Array.isArray(parsed)) throw new FlushTargetsError('CACHE_FLUSH_TARGETS must be a JSON array');
  if (parsed.length > MAX_FLUSH_TARGETS) {
    throw new FlushTargetsError(`CACHE_FLUSH_TARGETS lists more than ${MAX_FLUSH_TARGETS} stages`);
  }
  const seen = new Set<string>();
  return parsed.map((item, i) => {
    const t = item as Partial<Record<string, unknown>> | null;
    if (t === null || typeof t !== 'object' || Array.isArray(t)) {
      throw new FlushTargetsError(`CACHE_FLUSH_TARGETS[${i}] is not an object`);
    }
    const extra = Object.keys(t).filter((k) => !['api', 'apiId', 'stage'].includes(k));
    if (extra.length > 0)
      throw new FlushTargetsError(`CACHE_FLUSH_TARGETS[${i}] has unknown keys: ${extra.join(', ')}`);
    if (t.api !== 'rest' && t.api !== 'http')
      throw new FlushTargetsError(`CACHE_FLUSH_TARGETS[${i}].api must be "rest" or "http"`);
    if (typeof t.apiId !== 'string' || !API_ID.test(t.apiId)) {
      throw new FlushTargetsError(`CACHE_FLUSH_TARGETS[${i}].apiId is not an API id`);
    }
    if (typeof t.stage !== 'string' || !STAGE.test(t.stage)) {
      throw new FlushTargetsError(`CACHE_FLUSH_TARGETS[${i}].stage is not a stage name`);
    }
    const target: FlushTarget = { api: t.api, apiId: t.apiId, stage: t.stage };
    const name = targetName(target);
    if (seen.has(name)) throw new FlushTargetsError(`CACHE_FLUSH_TARGETS lists ${name} twice`);
    seen.add(name);
    return target;
  });
}

/** The request path of a flush, as sent on the wire. */
export function flushPath(target: FlushTarget): string {
  const api = encodeURIComponent(target.apiId);
  const stage = encodeURIComponent(target.stage);
  return target.api === 'rest'
    ? `/restapis/${api}/stages/${stage}/cache/authorizers`
    : `/v2/apis/${api}/stages/${stage}/cache/authorizers`;
}

export interface AuthorizerCacheFlusher {
  /**
   * Flushes one stage; rejects with a `FlushError` whose message says why (status, API Gateway's message) and
   * whether another attempt could succeed.
   */
  flush(target: FlushTarget, signal?: AbortSignal): Promise<void>;
  destroy(): void;
}

export interface SignedFlusherOptions {
  readonly region: string;
  readonly endpoint: URL;
  readonly credentials: AwsCredentials;
  /** Deadline per attempt (default 3000 ms). */
  readonly timeoutMs?: number;
  /** Attempts on throttling / 5xx / network errors (default 2). */
  readonly maxAttempts?: number;
  readonly now?: () => Date;
}

export class FlushConfigError extends Error {
  override readonly name = 'FlushConfigError';
}

const API_GATEWAY = {
  label: 'API Gateway',
  hostPrefix: 'apigateway',
  endpointVariable: 'AWS_ENDPOINT_URL_API_GATEWAY',
} as const;

/** Region, endpoint and credentials from the Lambda runtime's variables; throws `FlushConfigError`. */
export function flusherOptionsFromEnv(env: NodeJS.ProcessEnv): SignedFlusherOptions {
  return awsTargetFromEnv(env, API_GATEWAY, (message) => new FlushConfigError(message));
}

/** Why one flush call failed; `retryable` for throttling (429), 5xx, timeouts and network errors. */
export class FlushError extends Error {
  override readonly name = 'FlushError';
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function createSignedFlusher(options: SignedFlusherOptions): AuthorizerCacheFlusher {
  const { endpoint, region, credentials } = options;
  const timeoutMs = options.timeoutMs ?? 3000;
  const maxAttempts = Math.max(1, options.maxAttempts ?? 2);
  const now = options.now ?? (() => new Date());
  const secure = endpoint.protocol === 'https:';
  const agent = secure ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
  const send = secure ? httpsRequest : httpRequest;
  const host = endpoint.host;
  const base = endpoint.pathname.replace(/\/$/, '');

  function once(target: FlushTarget, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(new FlushError('deadline passed before the flush', false));
      const path = `${base}${flushPath(target)}`;
      const headers = signHeaders(
        { method: 'DELETE', path, headers: { host }, body: '' },
        { region, service: 'apigateway', credentials, date: now() },
      );
      let settled = false;
      const finish = (error?: FlushError) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (error) reject(error);
        else resolve();
      };
      const req = send(
        {
          protocol: endpoint.protocol,
          hostname: endpoint.hostname,
          port: endpoint.port || (secure ? 443 : 80),
          method: 'DELETE',
          path,
          agent,
          headers,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => {
            if (chunks.length < 16) chunks.push(c);
          });
          res.on('error', (e) => finish(new FlushError(e.message, true)));
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) return finish();
            let message = '';
            try {
              const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
                message?: unknown;
                Message?: unknown;
              };
              const m = body.message ?? body.Message;
              if (typeof m === 'string') message = `: ${m.slice(0, 200)}`;
            } catch {
              // not JSON
            }
            finish(new FlushError(`HTTP ${status}${message}`, status === 429 || status >= 500));
          });
        },
      );
      const onAbort = () => {
        req.destroy();
        finish(new FlushError(`no answer within ${timeoutMs} ms`, !signal?.aborted));
      };
      const timer = setTimeout(onAbort, timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      req.on('error', (e: NodeJS.ErrnoException) => finish(new FlushError(e.code ?? e.message, true)));
      req.end();
    });
  }

  return {
    async flush(target, signal) {
      for (let attempt = 1; ; attempt++) {
        try {
          return await once(target, signal);
        } catch (error) {
          const e = error as FlushError;
          if (!e.retryable || attempt >= maxAttempts || signal?.aborted) throw e;
          await sleep(100 * attempt);
        }
      }
    },
    destroy: () => agent.destroy(),
  };
}

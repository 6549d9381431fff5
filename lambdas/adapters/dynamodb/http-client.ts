/**
 * A lean DynamoDB JSON-protocol client: SigV4 over node:https (node:http for a loopback emulator), keep-alive,
 * one request per `call`, aborted by its timer or the caller's `AbortSignal`. Only what the authorizer needs; the
 * other Lambdas keep the AWS SDK. Why not the SDK here: it more than doubles the authorizer's cold start (figures
 * in docs/authorizer.md).
 *
 * Configuration is the Lambda runtime's (adapters/aws/endpoint.ts): the endpoint from the SDK's standard
 * AWS_ENDPOINT_URL_DYNAMODB, then AWS_ENDPOINT_URL, then `https://dynamodb.<region>.amazonaws.com`.
 */
import { type ClientRequest, Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { StoreError, type StoreErrorKind } from '../../core/ports.js';
import { awsTargetFromEnv } from '../aws/endpoint.js';
import { type AwsCredentials, signHeaders } from '../aws/sigv4.js';

export interface DynamoHttpClientOptions {
  readonly region: string;
  readonly endpoint: URL;
  /**
   * Static credentials (the Lambda runtime's), or a function answering the current ones at signing time — the
   * library's refreshing holder (lambdas/library/credentials.ts), which keeps the request path synchronous.
   */
  readonly credentials: AwsCredentials | (() => AwsCredentials);
  /** Injected clock for signing (tests); defaults to the system clock. */
  readonly now?: () => Date;
}

export interface DynamoHttpClient {
  /**
   * Sends one DynamoDB operation (e.g. `GetItem`) and resolves with its JSON answer; rejects with `StoreError`
   * (`timeout` when `signal` aborts or `timeoutMs` passes first — a plain timer, cheaper than an AbortSignal per
   * request on the hot path).
   */
  call<T = unknown>(operation: string, input: unknown, signal?: AbortSignal, timeoutMs?: number): Promise<T>;
  /** Closes idle keep-alive sockets. */
  destroy(): void;
  readonly endpoint: URL;
}

let crcTable: Uint32Array | undefined;

/**
 * CRC-32 (IEEE) of DynamoDB's `x-amz-crc32` header. In JS rather than `node:zlib`: answers are a few hundred
 * bytes, and not loading zlib saves ~1 ms of cold start.
 */
export function crc32(data: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++)
    crc = (crcTable[(crc ^ (data[i] as number)) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

export class StoreConfigError extends Error {
  override readonly name = 'StoreConfigError';
}

const DYNAMODB = {
  label: 'DynamoDB',
  hostPrefix: 'dynamodb',
  endpointVariable: 'AWS_ENDPOINT_URL_DYNAMODB',
} as const;

/** Reads region, endpoint and credentials from the Lambda runtime's variables; throws `StoreConfigError`. */
export function dynamoOptionsFromEnv(env: NodeJS.ProcessEnv): DynamoHttpClientOptions {
  return awsTargetFromEnv(env, DYNAMODB, (message) => new StoreConfigError(message));
}

const RETRYABLE_TYPES: Record<string, StoreErrorKind> = {
  ProvisionedThroughputExceededException: 'throttled',
  ThrottlingException: 'throttled',
  RequestLimitExceeded: 'throttled',
  LimitExceededException: 'throttled',
  InternalServerError: 'unavailable',
  ServiceUnavailable: 'unavailable',
};
const DENIED_TYPES = new Set([
  'AccessDeniedException',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'MissingAuthenticationTokenException',
  'ExpiredTokenException',
  'IncompleteSignatureException',
]);

/** Kinds worth another attempt within the deadline. */
export function isRetryable(error: unknown): boolean {
  return error instanceof StoreError && (error.kind === 'throttled' || error.kind === 'unavailable');
}

function errorFor(status: number, body: string): StoreError {
  let type = '';
  let message = '';
  try {
    const parsed = JSON.parse(body) as { __type?: unknown; message?: unknown; Message?: unknown };
    type = typeof parsed.__type === 'string' ? (parsed.__type.split('#').pop() ?? '') : '';
    const m = parsed.message ?? parsed.Message;
    message = typeof m === 'string' ? m.slice(0, 200) : '';
  } catch {
    // not JSON: keep the status
  }
  const text = `DynamoDB ${type || `HTTP ${status}`}${message ? `: ${message}` : ''}`;
  const retryable = RETRYABLE_TYPES[type];
  if (retryable) return new StoreError(retryable, text);
  if (DENIED_TYPES.has(type) || status === 403) return new StoreError('denied', text);
  if (status >= 500 || status === 429)
    return new StoreError(status === 429 ? 'throttled' : 'unavailable', text);
  return new StoreError('unknown', text);
}

/** Reads: resending one that never arrived changes nothing. */
const SAFE_TO_RESEND: ReadonlySet<string> = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan']);
/** Each pooled socket may have been closed by the server; a fresh one is opened after these. */
const STALE_SOCKET_RETRIES = 2;
const isStaleSocket = (e: NodeJS.ErrnoException) => e.code === 'ECONNRESET' || e.code === 'EPIPE';

/** Longest answer accepted (a Query page is at most 1 MB; a user's `rev#` range is usually under 4 KB). */
const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

export function createDynamoHttpClient(options: DynamoHttpClientOptions): DynamoHttpClient {
  const { endpoint, region, credentials } = options;
  const now = options.now ?? (() => new Date());
  const secure = endpoint.protocol === 'https:';
  const agent = secure
    ? new HttpsAgent({ keepAlive: true, maxSockets: 50 })
    : new HttpAgent({ keepAlive: true, maxSockets: 50 });
  const send = secure ? httpsRequest : httpRequest;
  const host = endpoint.host;
  const path = endpoint.pathname || '/';

  function call<T>(operation: string, input: unknown, signal?: AbortSignal, timeoutMs?: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (signal?.aborted) {
        reject(new StoreError('timeout', `DynamoDB ${operation} aborted before it was sent`));
        return;
      }
      const body = JSON.stringify(input);
      const headers = signHeaders(
        {
          method: 'POST',
          path,
          headers: {
            host,
            'content-type': 'application/x-amz-json-1.0',
            'x-amz-target': `DynamoDB_20120810.${operation}`,
          },
          body,
        },
        {
          region,
          service: 'dynamodb',
          credentials: typeof credentials === 'function' ? credentials() : credentials,
          date: now(),
        },
      );
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      let req: ClientRequest;
      const finish = (error: StoreError | undefined, value?: T) => {
        if (settled) return;
        settled = true;
        if (timer !== undefined) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (error) reject(error);
        else resolve(value as T);
      };
      const attempt = (retriesLeft: number) => {
        let answered = false;
        req = send(
          {
            protocol: endpoint.protocol,
            hostname: endpoint.hostname,
            port: endpoint.port || (secure ? 443 : 80),
            method: 'POST',
            path,
            agent,
            headers: { ...headers, 'content-length': Buffer.byteLength(body) },
          },
          (res) => {
            answered = true;
            const chunks: Buffer[] = [];
            let size = 0;
            res.on('data', (chunk: Buffer) => {
              size += chunk.length;
              if (size > MAX_RESPONSE_BYTES) {
                req.destroy();
                finish(new StoreError('malformed', `DynamoDB ${operation} answer is larger than expected`));
                return;
              }
              chunks.push(chunk);
            });
            res.on('error', (e) =>
              finish(new StoreError('unavailable', `DynamoDB ${operation}: ${e.message}`)),
            );
            res.on('end', () => {
              const raw = Buffer.concat(chunks);
              const status = res.statusCode ?? 0;
              const expectedCrc = res.headers['x-amz-crc32'];
              if (typeof expectedCrc === 'string' && String(crc32(raw)) !== expectedCrc) {
                finish(new StoreError('unavailable', `DynamoDB ${operation} answer failed its CRC32 check`));
                return;
              }
              const text = raw.toString('utf8');
              if (status !== 200) {
                finish(errorFor(status, text));
                return;
              }
              try {
                finish(undefined, JSON.parse(text) as T);
              } catch {
                finish(new StoreError('malformed', `DynamoDB ${operation} answer is not JSON`));
              }
            });
          },
        );
        const sent = req;
        sent.on('error', (e: NodeJS.ErrnoException) => {
          // A keep-alive socket the server closed while it sat in the pool: the request never reached DynamoDB, so a
          // read is sent again on a fresh socket (Node's documented remedy for `request.reusedSocket`), within the
          // same deadline. Writes are not resent: one that did arrive must not be applied twice.
          if (
            !settled &&
            !answered &&
            retriesLeft > 0 &&
            sent.reusedSocket &&
            isStaleSocket(e) &&
            SAFE_TO_RESEND.has(operation)
          ) {
            attempt(retriesLeft - 1);
            return;
          }
          finish(
            new StoreError('unavailable', `DynamoDB ${operation}: ${e.code ?? e.message}`, { cause: e }),
          );
        });
        sent.end(body);
      };
      const onAbort = () => {
        req.destroy();
        finish(new StoreError('timeout', `DynamoDB ${operation} timed out`));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      if (timeoutMs !== undefined) timer = setTimeout(onAbort, timeoutMs);
      attempt(STALE_SOCKET_RETRIES);
    });
  }

  return { call, destroy: () => agent.destroy(), endpoint };
}

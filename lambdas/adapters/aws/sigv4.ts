/**
 * AWS Signature Version 4 for request headers, with node:crypto only (no SDK: see docs/authorizer.md for why).
 * Implements the header-signing flavour used by JSON-protocol services like DynamoDB: canonical request →
 * string to sign → derived key → signature, and the `Authorization` header. Checked against AWS's published
 * SigV4 test vectors and the SDK's signer (test/adapters/aws/sigv4.test.ts).
 */
import { createHash, createHmac } from 'node:crypto';

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string | undefined;
}

export interface SignableRequest {
  readonly method: string;
  /** Absolute path, e.g. `/`. Already URI-encoded as sent on the wire; each segment is encoded once more (non-S3). */
  readonly path: string;
  /** Query parameters (decoded); empty for DynamoDB. */
  readonly query?: Readonly<Record<string, string>>;
  /** Headers to sign, names in any case. `host` must be present. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Buffer;
}

export interface SigningScope {
  readonly region: string;
  readonly service: string;
  readonly credentials: AwsCredentials;
  /** The signing instant. */
  readonly date: Date;
  /** Escape path segments a second time (true for every service except S3). */
  readonly doubleEncodePath?: boolean;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';

/** RFC 3986 encoding as SigV4 wants it: unreserved characters kept, everything else %XX (uppercase). */
export function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data).digest();

/** `20150830T123600Z` */
export function amzDate(date: Date): string {
  return date.toISOString().replace(/[:-]|\.\d{3}/g, '');
}

function canonicalPath(path: string, doubleEncode: boolean): string {
  if (!doubleEncode) return path || '/';
  const segments = (path || '/').split('/').map((s) => uriEncode(s));
  return segments.join('/') || '/';
}

function canonicalQuery(query: Readonly<Record<string, string>> = {}): string {
  return Object.entries(query)
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

export interface SigningResult {
  readonly canonicalRequest: string;
  readonly stringToSign: string;
  readonly signature: string;
  readonly signedHeaders: string;
  readonly authorization: string;
}

// Derived keys change once a day per (secret, region, service): keep the last one.
let keyCache: { id: string; key: Buffer } | undefined;

export function signingKey(secretAccessKey: string, day: string, region: string, service: string): Buffer {
  const id = `${secretAccessKey}\n${day}\n${region}\n${service}`;
  if (keyCache?.id === id) return keyCache.key;
  const key = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, day), region), service), 'aws4_request');
  keyCache = { id, key };
  return key;
}

/** Computes the signature of `request`; the caller must already have put `x-amz-date` (and the token) in the headers. */
export function signatureFor(request: SignableRequest, scope: SigningScope): SigningResult {
  const stamp = amzDate(scope.date);
  const day = stamp.slice(0, 8);
  const headers = new Map<string, string>();
  for (const [name, value] of Object.entries(request.headers)) {
    headers.set(name.toLowerCase(), value.trim().replace(/\s+/g, ' '));
  }
  const names = [...headers.keys()].sort();
  const signedHeaders = names.join(';');
  const canonicalRequest = [
    request.method.toUpperCase(),
    canonicalPath(request.path, scope.doubleEncodePath ?? true),
    canonicalQuery(request.query),
    names.map((n) => `${n}:${headers.get(n)}\n`).join(''),
    signedHeaders,
    sha256Hex(request.body),
  ].join('\n');
  const credentialScope = `${day}/${scope.region}/${scope.service}/aws4_request`;
  const stringToSign = [ALGORITHM, stamp, credentialScope, sha256Hex(canonicalRequest)].join('\n');
  const key = signingKey(scope.credentials.secretAccessKey, day, scope.region, scope.service);
  const signature = createHmac('sha256', key).update(stringToSign).digest('hex');
  const authorization = `${ALGORITHM} Credential=${scope.credentials.accessKeyId}/${credentialScope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return { canonicalRequest, stringToSign, signature, signedHeaders, authorization };
}

/**
 * Returns the headers to send: the given ones plus `x-amz-date`, `x-amz-security-token` (temporary credentials)
 * and `authorization`. All of the given headers are signed.
 */
export function signHeaders(
  request: Omit<SignableRequest, 'headers'> & { headers: Record<string, string> },
  scope: SigningScope,
): Record<string, string> {
  const headers: Record<string, string> = { ...request.headers, 'x-amz-date': amzDate(scope.date) };
  if (scope.credentials.sessionToken) headers['x-amz-security-token'] = scope.credentials.sessionToken;
  const { authorization } = signatureFor({ ...request, headers }, scope);
  headers.authorization = authorization;
  return headers;
}

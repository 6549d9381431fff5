/**
 * Bounded GETs of an upstream provider's public documents (its metadata, its JWKS): https, or plain http only on a
 * loopback host (local stacks, tests); a size cap and a timeout so a slow or huge answer cannot hold the function.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Fetcher } from 'aws-jwt-verify/https';
import { isLoopbackHost } from '../adapters/aws/endpoint.js';

const MAX_DOCUMENT_BYTES = 64 * 1024;
const TIMEOUT_MS = 3000;

/** Throws when `url` is not https (or http on a loopback host). */
export function checkedUrl(value: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${what} is not a URL: "${value}"`);
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return url;
  throw new Error(`${what} must be https (plain http only on a loopback host); got "${url.origin}"`);
}

export function getBytes(target: string): Promise<ArrayBuffer> {
  const url = checkedUrl(target, 'upstream document URL');
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<ArrayBuffer>((resolve, reject) => {
    const req = send(
      url,
      { method: 'GET', timeout: TIMEOUT_MS, headers: { accept: 'application/json' } },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_DOCUMENT_BYTES)
            req.destroy(new Error(`fetch ${url.origin}${url.pathname}: answer too large`));
          else chunks.push(chunk);
        });
        res.on('error', reject);
        res.on('end', () => {
          if (res.statusCode !== 200) {
            reject(new Error(`fetch ${url.origin}${url.pathname}: HTTP ${res.statusCode}`));
            return;
          }
          const body = Buffer.concat(chunks);
          resolve(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer);
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`fetch ${url.origin}${url.pathname}: timed out`)));
    req.on('error', reject);
    req.end();
  });
}

export async function getJson(target: string): Promise<Record<string, unknown>> {
  const text = Buffer.from(await getBytes(target)).toString('utf8');
  const value = JSON.parse(text) as unknown;
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new Error('fetch: answer is not a JSON object');
  return value as Record<string, unknown>;
}

/** aws-jwt-verify's fetcher over `getBytes` (its default speaks https only). */
export const boundedFetcher: Fetcher = { fetch: (uri: string) => getBytes(uri) };

/**
 * Serves a JWKS over plain HTTP on a loopback port, the way Cognito serves `/.well-known/jwks.json`.
 *
 * Exported API:
 * - `startJwksServer(options?)` → `Promise<JwksServer>`; options `{ jwks?, host? = '127.0.0.1', port? = 0 }`
 *   (`jwks` defaults to `testJwks()` from ./tokens.ts).
 * - `JwksServer`:
 *   - `uri`: `http://<host>:<port>/<TEST_USER_POOL_ID>/.well-known/jwks.json` (any GET path answers the JWKS);
 *   - `port`, `host`;
 *   - `requests`: how many HTTP requests were served so far (getter);
 *   - `setJwks(jwks)`: serve a different key set from now on (key rotation tests);
 *   - `setStatus(code)`: answer every request with that status (e.g. 500) until set back to 200;
 *   - `stop()`: closes the server and its sockets.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TEST_USER_POOL_ID, testJwks } from './tokens.js';

export interface JwksServer {
  readonly uri: string;
  readonly host: string;
  readonly port: number;
  readonly requests: number;
  setJwks(jwks: unknown): void;
  setStatus(code: number): void;
  stop(): Promise<void>;
}

export async function startJwksServer(
  options: { jwks?: unknown; host?: string; port?: number } = {},
): Promise<JwksServer> {
  const host = options.host ?? '127.0.0.1';
  let body = JSON.stringify(options.jwks ?? testJwks());
  let status = 200;
  let requests = 0;
  const server = createServer((req, res) => {
    requests++;
    if (req.method !== 'GET') {
      res.writeHead(405).end();
      return;
    }
    if (status !== 200) {
      res.writeHead(status, { 'content-type': 'text/plain' }).end('unavailable');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    uri: `http://${host}:${port}/${TEST_USER_POOL_ID}/.well-known/jwks.json`,
    host,
    port,
    get requests() {
      return requests;
    },
    setJwks(jwks) {
      body = JSON.stringify(jwks);
    },
    setStatus(code) {
      status = code;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

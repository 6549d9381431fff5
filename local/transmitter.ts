/**
 * A stand-in for an upstream identity provider, for the tests and the demo (a Shared Signals transmitter, a Global Token Revocation caller) that
 * signs with `jose` — a JOSE library independent of this project's code and of aws-jwt-verify, so a test that passes
 * proves the receiver verifies what a real signer produces, not what our own code expects. It serves its metadata
 * (`/.well-known/ssf-configuration`, `/.well-known/oauth-authorization-server`) and JWKS on a loopback port.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';

export interface Transmitter {
  /** `http://127.0.0.1:<port>` — the `iss` of everything it signs. */
  readonly issuer: string;
  /** How many times its metadata and JWKS were fetched. */
  readonly fetches: { metadata: number; jwks: number };
  /** Signs `payload` as a SET (`typ: secevent+jwt`) with the published key, unless told otherwise. */
  signSet(payload: Record<string, unknown>, options?: SignOptions): Promise<string>;
  /** Signs an access token (`typ: at+jwt`) for the Global Token Revocation endpoint. */
  signBearer(payload: Record<string, unknown>, options?: SignOptions): Promise<string>;
  stop(): Promise<void>;
}

export interface SignOptions {
  /** Sign with a key the transmitter does not publish (same `kid`): the signature must not verify. */
  readonly foreignKey?: boolean;
  readonly typ?: string;
  readonly alg?: 'RS256' | 'ES256';
}

type Key = Awaited<ReturnType<typeof generateKeyPair>>;

export async function startTransmitter(): Promise<Transmitter> {
  const keys: Record<'RS256' | 'ES256', Key> = {
    RS256: await generateKeyPair('RS256'),
    ES256: await generateKeyPair('ES256'),
  };
  const foreign: Record<'RS256' | 'ES256', Key> = {
    RS256: await generateKeyPair('RS256'),
    ES256: await generateKeyPair('ES256'),
  };
  const jwks: JWK[] = [];
  for (const alg of ['RS256', 'ES256'] as const)
    jwks.push({ ...(await exportJWK(keys[alg].publicKey)), kid: `stand-in-${alg}`, alg, use: 'sig' });
  const fetches = { metadata: 0, jwks: 0 };
  let issuer = '';
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    const json = (body: unknown) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (path === '/.well-known/ssf-configuration' || path === '/.well-known/oauth-authorization-server') {
      fetches.metadata += 1;
      json({
        issuer,
        jwks_uri: `${issuer}/jwks`,
        delivery_methods_supported: ['urn:ietf:rfc:8935'],
        spec_version: '1_0',
      });
    } else if (path === '/jwks') {
      fetches.jwks += 1;
      json({ keys: jwks });
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  async function sign(payload: Record<string, unknown>, typ: string, options: SignOptions = {}) {
    const alg = options.alg ?? 'RS256';
    const key = (options.foreignKey ? foreign : keys)[alg].privateKey;
    return new SignJWT(payload)
      .setProtectedHeader({ alg, kid: `stand-in-${alg}`, typ: options.typ ?? typ })
      .sign(key);
  }

  return {
    issuer,
    fetches,
    signSet: (payload, options) => sign(payload, 'secevent+jwt', options),
    signBearer: (payload, options) => sign(payload, 'at+jwt', options),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * The BUILT library's adapters in the real frameworks (Express and Fastify, dev dependencies only) against dynalite:
 * a valid token reaches the route with `auth`, a revoked one gets 401, a store that does not answer 503 (closed
 * mode). The ALB helper verifies an ES256 `x-amzn-oidc-data` signed the way an ALB signs it, with aws-jwt-verify's
 * AlbJwtVerifier and the ALB key served on loopback, and the access token's revocation.
 */
import { createSign, generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalDynamo, startDynalite } from '../../local/dynalite.js';
import { type JwksServer, startJwksServer } from '../fixtures/jwks.js';
import { startBlackhole } from '../fixtures/network.js';
import { nowSeconds, signAccessToken, TEST_CLIENT_ID, TEST_ISSUER } from '../fixtures/tokens.js';
import { type LibraryModule, loadLibrary, revoke, TABLE, verifierOptions } from './support.js';

let lib: LibraryModule;
let dynamo: LocalDynamo;
let jwks: JwksServer;
let n = 0;
const freshSub = () => `22222222-3333-4444-5555-${String(++n).padStart(12, '0')}`;

beforeAll(async () => {
  lib = loadLibrary();
  dynamo = await startDynalite();
  await dynamo.createTable(TABLE);
  jwks = await startJwksServer();
});

afterAll(async () => {
  await dynamo.stop();
  await jwks.stop();
});

async function listen(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('Express middleware', () => {
  it('valid → the route with req.auth; revoked → 401 invalid_token; no token → 401; store down → 503', async () => {
    // Arrange
    const verifier = lib.createRevocationVerifier(verifierOptions(dynamo, jwks.uri));
    const hole = await startBlackhole();
    const down = lib.createRevocationVerifier(
      verifierOptions(dynamo, jwks.uri, {
        endpoint: hole.endpoint,
        storeTimeoutMs: 100,
        storeMaxAttempts: 1,
      }),
    );
    const app = express();
    app.get('/down', lib.expressRevocation(down) as express.RequestHandler, (_req, res) => {
      res.json({ reached: true });
    });
    app.use(lib.expressRevocation(verifier) as express.RequestHandler);
    app.get('/me', (req, res) => {
      res.json({ sub: (req as unknown as { auth: { sub: string } }).auth.sub });
    });
    const server = createServer(app);
    const base = await listen(server);
    const sub = freshSub();
    const token = signAccessToken({ sub, jti: 'express-jti' });
    const get = (path: string, auth?: string) =>
      fetch(`${base}${path}`, { headers: auth ? { authorization: auth } : {} });
    // Act
    const ok = await get('/me', `Bearer ${token}`);
    const okBody = await ok.json();
    await revoke(dynamo, { sub, scope: 'token', id: 'express-jti' });
    const revoked = await get('/me', `Bearer ${token}`);
    const missing = await get('/me');
    const unavailable = await get('/down', `Bearer ${signAccessToken({ sub: freshSub() })}`);
    // Assert
    expect(ok.status).toBe(200);
    expect(okBody).toEqual({ sub });
    expect(revoked.status).toBe(401);
    expect(revoked.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    expect((await revoked.json()).error).toBe('invalid_token');
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    expect(unavailable.status).toBe(503);
    expect((await unavailable.json()).error).toBe('temporarily_unavailable');
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await hole.stop();
    verifier.close();
    down.close();
  });
});

describe('Fastify plugin', () => {
  it('guards the scope it is registered in and decorates request.auth', async () => {
    // Arrange
    const verifier = lib.createRevocationVerifier(verifierOptions(dynamo, jwks.uri));
    const app = Fastify();
    app.get('/public', async () => ({ public: true }));
    await app.register(async (scope) => {
      await scope.register(lib.fastifyRevocation as never, { verifier });
      scope.get('/me', async (request) => ({
        sub: (request as unknown as { auth: { sub: string } }).auth.sub,
      }));
    });
    const sub = freshSub();
    const token = signAccessToken({ sub, jti: 'fastify-jti' });
    // Act
    const open = await app.inject({ method: 'GET', url: '/public' });
    const ok = await app.inject({ method: 'GET', url: '/me', headers: { authorization: `Bearer ${token}` } });
    await revoke(dynamo, { sub, scope: 'token', id: 'fastify-jti' });
    const revoked = await app.inject({
      method: 'GET',
      url: '/me',
      headers: { authorization: `Bearer ${token}` },
    });
    const forged = await app.inject({
      method: 'GET',
      url: '/me',
      headers: { authorization: 'Bearer a.b.c' },
    });
    // Assert
    expect(open.statusCode).toBe(200);
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ sub });
    expect(revoked.statusCode).toBe(401);
    expect(revoked.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    expect(forged.statusCode).toBe(401);
    await app.close();
    verifier.close();
  });
});

describe('ALB helper', () => {
  const ALB_ARN =
    'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/my-alb/1234567890abcdef';
  const kid = randomUUID();
  const albKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  let keys: Server;
  let keysUri: string;

  /** The claims header as an ALB signs it: ES256, `signer` / `client` / `iss` / `exp` in the header. */
  function albData(sub: string, signer = ALB_ARN): string {
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const exp = nowSeconds() + 60;
    const header = { alg: 'ES256', kid, signer, iss: TEST_ISSUER, client: TEST_CLIENT_ID, exp, typ: 'JWT' };
    const input = `${b64(header)}.${b64({ sub, username: 'alice', exp, iss: TEST_ISSUER })}`;
    const signature = createSign('SHA256')
      .update(input)
      .sign({ key: albKey.privateKey, dsaEncoding: 'ieee-p1363' });
    return `${input}.${signature.toString('base64url')}`;
  }

  beforeAll(async () => {
    const pem = albKey.publicKey.export({ type: 'spki', format: 'pem' }) as string;
    keys = createServer((req, res) => {
      if (req.url === `/keys/${kid}`) res.writeHead(200, { 'content-type': 'text/plain' }).end(pem);
      else res.writeHead(404).end();
    });
    keysUri = `${await listen(keys)}/keys`;
  });
  afterAll(async () => {
    keys.closeAllConnections();
    await new Promise((r) => keys.close(r));
  });

  it('accepts both headers of one user, refuses a revoked access token, a foreign ALB and a user mix-up', async () => {
    // Arrange
    const verifier = lib.createRevocationVerifier(verifierOptions(dynamo, jwks.uri, { tokenUse: 'access' }));
    const alb = lib.albAuthenticator({
      albArn: ALB_ARN,
      clientId: TEST_CLIENT_ID,
      userPoolId: 'us-east-1_TestPool1',
      verifier,
      albKeysUri: keysUri,
    });
    const app = express();
    app.use(lib.expressRevocation(alb) as express.RequestHandler);
    app.get('/me', (req, res) => {
      res.json({ sub: (req as unknown as { auth: { sub: string } }).auth.sub });
    });
    const server = createServer(app);
    const base = await listen(server);
    const sub = freshSub();
    const access = signAccessToken({ sub, jti: 'alb-jti' });
    const call = (headers: Record<string, string>) => fetch(`${base}/me`, { headers });
    const other =
      'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/other/fedcba0987654321';
    // Act
    const ok = await call({ 'x-amzn-oidc-data': albData(sub), 'x-amzn-oidc-accesstoken': access });
    const foreign = await call({
      'x-amzn-oidc-data': albData(sub, other),
      'x-amzn-oidc-accesstoken': access,
    });
    const mixed = await call({ 'x-amzn-oidc-data': albData(freshSub()), 'x-amzn-oidc-accesstoken': access });
    const noData = await call({ 'x-amzn-oidc-accesstoken': access });
    await revoke(dynamo, { sub, scope: 'token', id: 'alb-jti' });
    const revoked = await call({ 'x-amzn-oidc-data': albData(sub), 'x-amzn-oidc-accesstoken': access });
    // Assert
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ sub });
    expect(foreign.status).toBe(401);
    expect(mixed.status).toBe(401);
    expect(noData.status).toBe(401);
    expect(revoked.status).toBe(401);
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    verifier.close();
  });
});

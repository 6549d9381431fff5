/**
 * `npm run demo`: the problem and the fix in one command, on the local stack (no AWS account, loopback only).
 *
 * 1. Sign out everywhere: sign in → the API accepts the ID and the access token → revoke with the admin CLI →
 *    plain stateless verification (what API Gateway's Cognito authorizer does) still accepts both → the API,
 *    behind the revocation-aware authorizer, refuses both → sign in again (next second) → accepted.
 * 2. Per session: two sign-ins; revoke one session by the id in its ID token; the other keeps working.
 * 3. The cache bound: with an API Gateway authorizer result cache TTL, a cached allow outlives the revocation
 *    until the TTL ends.
 * Exits non-zero when any step deviates from what is expected.
 *
 * Exported API (used by test/e2e): `runDemo(options?) → Promise<DemoResult>` (starts a stack unless one is
 * given, runs all scenarios, stops what it started); the scenarios `signOutEverywhere(ctx)`,
 * `revokeOneSession(ctx)`, `cacheBound(ctx)`; `Transcript`, `DemoDeviation`, `runAdminCli(stack, args)`,
 * `CLI_PATH`.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import type { Tokens } from './cognito.js';
import { ROOT } from './lambda-endpoint.js';
import { DEMO_USER, type LocalStack, type StackOptions, startStack } from './stack.js';

export const CLI_PATH = join(ROOT, 'dist', 'cli', 'index.js');
const CACHE_TTL_SECONDS = 4;

export class DemoDeviation extends Error {
  override name = 'DemoDeviation';
}

/** Collects and prints the transcript. Every check either passes (✓) or throws a DemoDeviation (✗). */
export class Transcript {
  readonly lines: string[] = [];
  constructor(private readonly sink: (line: string) => void = (l) => process.stdout.write(`${l}\n`)) {}
  private emit(line: string): void {
    this.lines.push(line);
    this.sink(line);
  }
  heading(text: string): void {
    this.emit('');
    this.emit(text);
  }
  info(text: string): void {
    this.emit(`    ${text}`);
  }
  /** A known emulator gap, stated where it matters. */
  gap(text: string): void {
    this.emit(`    ! emulator gap: ${text}`);
  }
  check(condition: boolean, text: string, ms?: number, detail?: string): void {
    const timing = ms === undefined ? '' : `  (${ms.toFixed(0)} ms)`;
    if (!condition) {
      this.emit(`  ✗ ${text}${timing}`);
      if (detail) for (const line of detail.trim().split('\n').slice(0, 12)) this.emit(`      ${line}`);
      throw new DemoDeviation(text);
    }
    this.emit(`  ✓ ${text}${timing}`);
  }
}

export interface DemoContext {
  readonly stack: LocalStack;
  readonly t: Transcript;
  /** Sleeps; injectable so tests can observe the waits. */
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface DemoResult {
  readonly ok: boolean;
  readonly lines: readonly string[];
  readonly error?: string;
  readonly timings: Record<string, number>;
}

const sleepMs = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const claims = (jwt: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8'));

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const value = await fn();
  return [value, performance.now() - started];
}

interface ApiCall {
  readonly status: number;
  readonly body: string;
  readonly cache: string | null;
  readonly ms: number;
}

async function callApi(stack: LocalStack, token: string, path = '/hello'): Promise<ApiCall> {
  const [res, ms] = await timed(() =>
    fetch(`${stack.api.urls.restToken}${path}`, { headers: { Authorization: `Bearer ${token}` } }),
  );
  const body = await res.text();
  return { status: res.status, body, cache: res.headers.get('x-local-authorizer'), ms };
}

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly json: unknown;
  readonly ms: number;
}

/**
 * Runs the built admin CLI (`dist/cli/index.js`) against the stack's Lambda endpoint, with `--json`; `input` is
 * written to its stdin (e.g. a token for `check -`, which keeps it off the command line).
 */
export function runAdminCli(stack: LocalStack, args: readonly string[], input?: string): Promise<CliRun> {
  if (!existsSync(CLI_PATH)) {
    return Promise.reject(new Error('Missing build output dist/cli/index.js: run `npm run build` first.'));
  }
  const full = [
    CLI_PATH,
    '--endpoint-url',
    stack.lambda.endpoint,
    '--function',
    stack.functions.adminSignout,
    '--region',
    stack.cognito.region,
    '--json',
    ...args,
  ];
  const started = performance.now();
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      full,
      { env: stack.cliEnv(), timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        let json: unknown;
        try {
          json = JSON.parse(stdout);
        } catch {
          json = undefined;
        }
        resolve({ code, stdout, stderr, json, ms: performance.now() - started });
      },
    );
    child.stdin?.end(input ?? '');
  });
}

/** The verification API Gateway's Cognito User Pool authorizer does: signature, issuer, audience, expiry. */
async function statelessVerifier(stack: LocalStack) {
  const verifier = CognitoJwtVerifier.create({
    userPoolId: stack.cognito.userPoolId,
    clientId: stack.cognito.clientId,
    tokenUse: null,
  });
  const jwks = await (await fetch(stack.cognito.jwksUri)).json();
  verifier.cacheJwks(jwks as Parameters<typeof verifier.cacheJwks>[0]);
  return async (token: string): Promise<{ valid: boolean; expiresInMin: number }> => {
    try {
      const payload = await verifier.verify(token);
      return { valid: true, expiresInMin: Math.round((payload.exp - Date.now() / 1000) / 60) };
    } catch {
      return { valid: false, expiresInMin: 0 };
    }
  };
}

/** Waits until the wall clock is in a later second than `epochSeconds` (the watermark's granularity). */
async function untilAfterSecond(epochSeconds: number, sleep: (ms: number) => Promise<void>): Promise<number> {
  const started = Date.now();
  const target = (epochSeconds + 1) * 1000 + 50;
  if (Date.now() < target) await sleep(target - Date.now());
  return Date.now() - started;
}

async function signIn(ctx: DemoContext, label: string): Promise<Tokens> {
  const [tokens, ms] = await timed(() => ctx.stack.cognito.signIn(DEMO_USER.username, DEMO_USER.password));
  const sid = claims(tokens.idToken).revocation_sid;
  ctx.t.check(
    typeof sid === 'string' && sid.length > 0,
    `${label}: signed in as ${DEMO_USER.username}; the token trigger put session id ${String(sid)} in the ID token`,
    ms,
  );
  return tokens;
}

const refused = (status: number) =>
  status === 401 ? '401 Unauthorized' : `${status} (expected 401 Unauthorized)`;

async function expectApi(
  ctx: DemoContext,
  token: string,
  which: string,
  status: number,
  extra = '',
): Promise<ApiCall> {
  const call = await callApi(ctx.stack, token);
  const verdict = status === 200 ? '200 OK' : `${status} ${status === 401 ? 'Unauthorized' : ''}`.trim();
  ctx.t.check(
    call.status === status,
    `API with the ${which} → ${call.status === status ? verdict : `${call.status} (expected ${verdict})`}${extra}`,
    call.ms,
  );
  return call;
}

/** Scenario 1: sign out everywhere. Returns the measured timings. */
export async function signOutEverywhere(ctx: DemoContext): Promise<Record<string, number>> {
  const { stack, t } = ctx;
  const sleep = ctx.sleep ?? sleepMs;
  const timings: Record<string, number> = {};
  t.heading('1. Sign out everywhere — the user report: "I signed the user out, but their token still works"');
  const tokens = await signIn(ctx, 'sign-in');
  await expectApi(ctx, tokens.idToken, 'ID token', 200);
  await expectApi(ctx, tokens.accessToken, 'access token', 200);

  const cli = await runAdminCli(stack, [
    'signout',
    DEMO_USER.username,
    '--actor',
    'demo',
    '--reason',
    'lost laptop',
  ]);
  timings.revokeMs = cli.ms;
  const revokedAt = performance.now();
  const result = cli.json as
    | {
        watermark?: { written?: boolean; notBefore?: number };
        cognitoSignOut?: { done?: boolean; error?: string };
        sessions?: { outstanding?: number; revoked?: number };
      }
    | undefined;
  t.check(
    result?.watermark?.written === true &&
      typeof result.watermark.notBefore === 'number' &&
      (result.sessions?.revoked ?? 0) >= 1,
    `admin CLI signout ${DEMO_USER.username}: user watermark written (notBefore ${result?.watermark?.notBefore}), ${result?.sessions?.revoked ?? 0} of ${result?.sessions?.outstanding ?? 0} recorded sessions blocklisted, exit code ${cli.code}`,
    cli.ms,
    cli.stderr || cli.stdout,
  );
  if (result?.cognitoSignOut?.done === false) {
    t.gap(
      'cognito-local has no AdminUserGlobalSignOut, so the CLI reports Cognito’s own sign-out as failed (exit code ' +
        `${cli.code}); in AWS it revokes the refresh tokens too. The blocklist writes above do not depend on it.`,
    );
  }

  const verify = await statelessVerifier(stack);
  const id = await verify(tokens.idToken);
  const access = await verify(tokens.accessToken);
  t.check(
    id.valid,
    `plain stateless verification (aws-jwt-verify: signature, issuer, audience, expiry — what API Gateway’s Cognito authorizer does) still ACCEPTS the ID token (expires in ${id.expiresInMin} min)`,
  );
  t.check(
    access.valid,
    `plain stateless verification still ACCEPTS the access token (expires in ${access.expiresInMin} min)`,
  );

  const idAfter = await callApi(stack, tokens.idToken);
  const sinceRevokeId = performance.now() - revokedAt;
  t.check(
    idAfter.status === 401,
    `API with the ID token → ${refused(idAfter.status)}, ${sinceRevokeId.toFixed(0)} ms after the revocation returned`,
    idAfter.ms,
  );
  const accessAfter = await callApi(stack, tokens.accessToken);
  const sinceRevokeAccess = performance.now() - revokedAt;
  t.check(
    accessAfter.status === 401,
    `API with the access token → ${refused(accessAfter.status)}, ${sinceRevokeAccess.toFixed(0)} ms after the revocation returned`,
    accessAfter.ms,
  );
  timings.refusedAfterMs = sinceRevokeId;
  const check = await runAdminCli(stack, ['check', '-'], tokens.accessToken);
  const why = check.json as { revoked?: boolean; scope?: string; explanation?: string } | undefined;
  t.check(
    check.code === 0 && why?.revoked === true && why.scope === 'user',
    `admin CLI check (the access token on stdin; only its ids are sent): revoked — ${why?.explanation ?? '?'}`,
    check.ms,
    check.stderr || check.stdout,
  );

  const waited = await untilAfterSecond(result?.watermark?.notBefore ?? Math.floor(Date.now() / 1000), sleep);
  t.info(
    `signing in again in a later second than the sign-out (waited ${waited} ms): the watermark has one-second granularity, so a sign-in in the same second as the sign-out is refused too (the secure side)`,
  );
  const fresh = await signIn(ctx, 'sign in again');
  await expectApi(ctx, fresh.idToken, 'new ID token', 200);
  await expectApi(ctx, fresh.accessToken, 'new access token', 200);
  return timings;
}

/** Scenario 2: revoke one session; the user's other session keeps working. */
export async function revokeOneSession(ctx: DemoContext): Promise<Record<string, number>> {
  const { stack, t } = ctx;
  t.heading('2. Revoke one session — the other device keeps working');
  const laptop = await signIn(ctx, 'laptop');
  const phone = await signIn(ctx, 'phone');
  const sid = String(claims(laptop.idToken).revocation_sid);
  t.check(
    sid !== String(claims(phone.idToken).revocation_sid),
    'the two sign-ins are two sessions (different session ids)',
  );
  await expectApi(ctx, laptop.idToken, 'laptop ID token', 200);
  await expectApi(ctx, phone.idToken, 'phone ID token', 200);

  const cli = await runAdminCli(stack, [
    'revoke-session',
    '--user',
    String(claims(laptop.idToken).sub),
    '--actor',
    'demo',
    '--reason',
    'laptop stolen',
    // End the options first: ids are hex today, but an origin_jti or a foreign id must never parse as an option.
    '--',
    sid,
  ]);
  const result = cli.json as { written?: boolean; revocation?: { scope?: string; id?: string } } | undefined;
  t.check(
    cli.code === 0 && result?.written === true && result.revocation?.id === sid,
    `admin CLI revoke-session ${sid} (the laptop’s session id, from its ID token’s revocation_sid claim) → written`,
    cli.ms,
    cli.stderr || cli.stdout,
  );
  await expectApi(ctx, laptop.idToken, 'laptop ID token', 401);
  await expectApi(ctx, phone.idToken, 'phone ID token', 200, ' — the other session keeps working');
  await expectApi(ctx, phone.accessToken, 'phone access token', 200);
  const laptopAccess = await callApi(stack, laptop.accessToken);
  t.gap(
    `the laptop’s ACCESS token still gets ${laptopAccess.status}: cognito-local applies V1 trigger responses only (claims reach the ID ` +
      'token, not the access token) and issues no origin_jti. In AWS, V2/V3 trigger events put the session id in the access token ' +
      'too, so both are refused; with V1 events revoke the session by its origin_jti, which Cognito puts in both tokens.',
  );
  t.check(
    laptopAccess.status === 200,
    'laptop access token behaves as the emulator gap predicts (accepted locally)',
  );
  return { revokeSessionMs: cli.ms };
}

/** Scenario 3: with an authorizer result cache TTL, a cached allow outlives the revocation until the TTL ends. */
export async function cacheBound(
  ctx: DemoContext,
  ttlSeconds = CACHE_TTL_SECONDS,
): Promise<Record<string, number>> {
  const { stack, t } = ctx;
  const sleep = ctx.sleep ?? sleepMs;
  t.heading(
    `3. The cache bound — API Gateway authorizer result cache TTL ${ttlSeconds} s (the module's default is 0)`,
  );
  stack.api.setCacheTtl(ttlSeconds);
  try {
    const tokens = await signIn(ctx, 'sign-in');
    const first = await expectApi(ctx, tokens.idToken, 'ID token', 200);
    const cachedAt = performance.now();
    t.check(first.cache === 'invoked', 'the authorizer ran and API Gateway cached its allow for this token');
    const cli = await runAdminCli(stack, [
      'revoke-session',
      '--user',
      String(claims(tokens.idToken).sub),
      '--actor',
      'demo',
      '--reason',
      'cache demo',
      '--',
      String(claims(tokens.idToken).revocation_sid),
    ]);
    const revokedAt = performance.now();
    t.check(cli.code === 0, 'admin CLI revoke-session → written', cli.ms, cli.stderr || cli.stdout);
    const stale = await callApi(stack, tokens.idToken);
    t.check(
      stale.status === 200 && stale.cache === 'cache-hit',
      `API with the revoked ID token → ${stale.status} from API Gateway’s cache (stale allow; the authorizer was not asked)`,
      stale.ms,
    );
    let refusedAfter = -1;
    let cachedFor = -1;
    let staleCount = 1;
    while (performance.now() - revokedAt < (ttlSeconds + 2) * 1000) {
      await sleep(100);
      const call = await callApi(stack, tokens.idToken);
      if (call.status === 401) {
        refusedAfter = performance.now() - revokedAt;
        cachedFor = performance.now() - cachedAt;
        break;
      }
      staleCount++;
    }
    // The entry lives the full TTL from when it was cached (before the revocation), polled every 100 ms.
    t.check(
      refusedAfter > 0 && cachedFor >= ttlSeconds * 1000 - 50 && cachedFor <= ttlSeconds * 1000 + 1000,
      `the stale allow ended when the cache entry expired: 401 ${refusedAfter.toFixed(0)} ms after the revocation, ${cachedFor.toFixed(0)} ms after the allow was cached (${staleCount} stale allows; bound = TTL ${ttlSeconds} s)`,
    );
    t.info(
      'set the module’s authorizer_result_ttl_in_seconds to 0 (the default) for immediate revocation, or accept this bound.',
    );
    return { cacheRefusedAfterMs: refusedAfter, cachedForMs: cachedFor };
  } finally {
    stack.api.setCacheTtl(0);
  }
}

export interface DemoOptions {
  readonly stack?: LocalStack;
  /** Options for the stack the demo starts when none is given. */
  readonly stackOptions?: StackOptions;
  readonly sink?: (line: string) => void;
}

export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const t = new Transcript(options.sink);
  const timings: Record<string, number> = {};
  const started = performance.now();
  t.info(
    'cognito-revocation demo — all local: dynalite, cognito-local, a Lambda Invoke endpoint running the built',
  );
  t.info(
    'dist/ bundles, and an API Gateway stand-in (REST API, TOKEN authorizer). No AWS account, loopback only.',
  );
  let stack = options.stack;
  const owned = !stack;
  try {
    if (!stack) {
      let started: [LocalStack, number];
      try {
        started = await timed(() => startStack(options.stackOptions));
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        t.heading(`✗ could not start the local stack: ${message}`);
        return { ok: false, lines: t.lines, error: message, timings };
      }
      const [s, ms] = started;
      stack = s;
      timings.stackStartMs = ms;
      t.info(`stack up in ${ms.toFixed(0)} ms — pool ${s.cognito.userPoolId}, API ${s.api.endpoint}`);
    }
    const ctx: DemoContext = { stack, t };
    Object.assign(timings, await signOutEverywhere(ctx));
    Object.assign(timings, await revokeOneSession(ctx));
    Object.assign(timings, await cacheBound(ctx));
    timings.totalMs = performance.now() - started;
    t.heading(`All steps as expected (${(timings.totalMs / 1000).toFixed(1)} s).`);
    return { ok: true, lines: t.lines, timings };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (!(err instanceof DemoDeviation)) t.heading(`✗ ${message}`);
    t.heading('The demo deviated from the expected behaviour (see ✗ above).');
    return { ok: false, lines: t.lines, error: message, timings };
  } finally {
    if (owned) await stack?.stop();
  }
}

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const result = await runDemo();
  process.exitCode = result.ok ? 0 : 1;
}

if (process.argv[1] && /local[\\/]demo\.ts$/.test(process.argv[1])) {
  main().catch((err: unknown) => {
    process.stderr.write(`demo: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}

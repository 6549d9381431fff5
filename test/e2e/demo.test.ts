// The demo against the local stack built from dist/ (the shipped bundles and the built admin CLI): every step is a
// check inside the scenario (a deviation throws). `npm run demo` as a newcomer runs it (a child process) is run once;
// its transcript is checked whole against docs/ and scenario by scenario (timings included). In this process: the
// steps that need the stack's own handles (a session revoked by id, the result cache's TTL restored, every API
// kind, the recorded sessions and the functions' logs), the demo's own failure paths, and a clean stop.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cacheBound,
  stalenessMode,
  type DemoContext,
  refreshFamily,
  revokeOneSession,
  runAdminCli,
  runDemo,
  signOutEverywhere,
  Transcript,
} from '../../local/demo.js';
import { ROOT } from '../../local/lambda-endpoint.js';
import { DEMO_USER, type LocalStack, startStack } from '../../local/stack.js';
import { maskTranscript, TRANSCRIPT_HEADER, TRANSCRIPT_PATH } from '../../local/transcript.js';
import { portClosed, processGone } from './leftovers.js';

const claims = (jwt: string) =>
  JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8'));

describe('demo scenarios on the local stack', () => {
  let stack: LocalStack;
  const lines: string[] = [];
  let ctx: DemoContext;

  beforeAll(async () => {
    stack = await startStack();
    ctx = { stack, t: new Transcript((l) => lines.push(l)) };
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('2b. revoked session, asserted directly: its ID and access tokens get 401 from the API', async () => {
    // Arrange
    const tokens = await stack.cognito.signIn(DEMO_USER.username, DEMO_USER.password);
    const call = (token: string) =>
      fetch(`${stack.api.urls.restToken}/x`, { headers: { Authorization: `Bearer ${token}` } }).then(
        (r) => r.status,
      );
    const before = [await call(tokens.idToken), await call(tokens.accessToken)];
    // Act
    const cli = await runAdminCli(stack, [
      'revoke-session',
      '--user',
      DEMO_USER.username,
      '--reason',
      'e2e',
      '--',
      String(claims(tokens.idToken).revocation_sid),
    ]);
    // Assert
    expect(cli.code).toBe(0);
    expect(before).toEqual([200, 200]);
    expect([await call(tokens.idToken), await call(tokens.accessToken)]).toEqual([401, 401]);
  });

  it('4. caching that keeps revocation: 300 s cache, flushed by the revocation, refused at once, no stale allow', async () => {
    lines.length = 0;
    const timings = await cacheBound(ctx);
    const text = lines.join('\n');
    expect(text).toMatch(/✓ API with the ID token again → 200 from API Gateway’s cache/);
    expect(text).toMatch(
      /✓ the revocation flushed every stage's authorizer cache: rest:resttoken1\/local ok/,
    );
    expect(text).toMatch(
      /✓ API with the revoked ID token right after the revoke returned → 401 Unauthorized/,
    );
    expect(text).toMatch(/✓ stale allows in the 2 s after the revocation: 0/);
    expect(timings.cacheStaleAllows).toBe(0);
    // The TTL is back to 0: a fresh request is authorized by the authorizer, not the cache.
    const tokens = await stack.cognito.signIn(DEMO_USER.username, DEMO_USER.password);
    const res = await fetch(`${stack.api.urls.restToken}/x`, {
      headers: { Authorization: `Bearer ${tokens.idToken}` },
    });
    expect(res.headers.get('x-local-authorizer')).toBe('invoked');
  });

  it('a signed-out user’s tokens are refused by every API kind: REST TOKEN/REQUEST 401, HTTP API 403', async () => {
    // Arrange
    await new Promise((r) => setTimeout(r, 1100 - (Date.now() % 1000))); // a new second after earlier watermarks
    const tokens = await stack.cognito.signIn(DEMO_USER.username, DEMO_USER.password);
    const call = (url: string, token: string) =>
      fetch(`${url}/orders`, { headers: { Authorization: `Bearer ${token}` } }).then((r) => r.status);
    const urls = [stack.api.urls.restToken, stack.api.urls.restRequest, stack.api.urls.httpApi];
    const before = await Promise.all(
      urls.flatMap((u) => [call(u, tokens.idToken), call(u, tokens.accessToken)]),
    );
    // Act
    const cli = await runAdminCli(stack, ['signout', DEMO_USER.username, '--reason', 'e2e']);
    const after = await Promise.all(
      urls.flatMap((u) => [call(u, tokens.idToken), call(u, tokens.accessToken)]),
    );
    // Assert
    expect(before).toEqual([200, 200, 200, 200, 200, 200]);
    expect((cli.json as { watermark: { written: boolean } }).watermark.written).toBe(true);
    expect(after).toEqual([401, 401, 401, 401, 403, 403]);
  });

  it('the token trigger recorded each sign-in and no function logged a token', async () => {
    const tokens = await stack.cognito.signIn(DEMO_USER.username, DEMO_USER.password);
    const sid = claims(tokens.idToken).revocation_sid;
    const sessions = await runAdminCli(stack, ['sessions', DEMO_USER.username]);
    expect(sessions.code).toBe(0);
    expect(JSON.stringify(sessions.json)).toContain(sid);
    const allLogs = Object.values(stack.functions).flatMap((fn) => stack.lambda.logs(fn));
    expect(allLogs.length).toBeGreaterThan(10);
    expect(allLogs.join('\n')).not.toMatch(/eyJ[\w-]+\.[\w-]+\./);
    expect(allLogs.join('\n')).not.toContain(DEMO_USER.password);
  });

  it('stop() leaves nothing running: ports closed, cognito-local gone, temporary directory removed', async () => {
    // Arrange: cognito-local as `npm start` and the demo run it, a child process
    const own = await startStack({ cognitoHosting: 'child' });
    const ports = [own.dynamo.port, own.lambda.port, own.cognito.port, own.api.port];
    // Act
    await own.stop();
    // Assert
    for (const port of ports) expect(await portClosed(port)).toBe(true);
    expect(own.cognito.pid).toBeDefined();
    expect(processGone(own.cognito.pid!)).toBe(true);
    expect(existsSync(own.cognito.directory)).toBe(false);
  });
});

describe('the demo fails when the system misbehaves', () => {
  it('says in one line to build when dist/ has no bundles', async () => {
    // Arrange
    const emptyDist = mkdtempSync(join(tmpdir(), 'empty-dist-'));
    const lines: string[] = [];
    try {
      // Act
      const result = await runDemo({ stackOptions: { distDir: emptyDist }, sink: (l) => lines.push(l) });
      // Assert
      expect(result.ok).toBe(false);
      expect(lines.at(-1)).toBe(
        '✗ could not start the local stack: Missing build output dist/authorizer/index.js, dist/token-trigger/index.js, dist/admin-signout/index.js, dist/logout/index.js: run `npm run build` first.',
      );
    } finally {
      rmSync(emptyDist, { recursive: true, force: true });
    }
  });

  it('reports ✗ and ok=false when the API keeps accepting a revoked token (stateless authorizer swapped in)', async () => {
    // Arrange: the stack with a test-only authorizer that ignores revocation
    const stack = await startStack();
    stack.lambda.deploy({
      name: stack.functions.authorizer,
      bundle: join(ROOT, 'test', 'e2e', 'fixtures', 'stateless-authorizer.cjs'),
    });
    const lines: string[] = [];
    try {
      // Act
      const result = await runDemo({ stack, sink: (l) => lines.push(l) });
      // Assert
      expect(result.ok).toBe(false);
      expect(result.error).toMatch(/^API with the ID token → 200 \(expected 401 Unauthorized\)/);
      expect(lines.join('\n')).toMatch(/✗ API with the ID token → 200 \(expected 401 Unauthorized\)/);
      expect(lines.at(-1)).toBe('The demo deviated from the expected behaviour (see ✗ above).');
    } finally {
      await stack.stop();
    }
  });
});

describe('the shipped authorizer under API Gateway semantics', () => {
  it('HTTP API with IAM policy responses (HTTP_API_RESPONSE_MODE=iam): 200, then 403 after revocation', async () => {
    // Arrange
    const stack = await startStack({ authorizerEnv: { HTTP_API_RESPONSE_MODE: 'iam' } });
    try {
      const tokens = await stack.cognito.signIn(DEMO_USER.username, DEMO_USER.password);
      const call = () =>
        fetch(`${stack.api.urls.httpApi}/orders`, {
          headers: { Authorization: `Bearer ${tokens.accessToken}` },
        });
      const before = await call();
      const body = (await before.json()) as { authorizer: { lambda: Record<string, unknown> } };
      // Act
      await runAdminCli(stack, ['signout', DEMO_USER.username, '--reason', 'e2e']);
      const after = await call();
      // Assert
      expect(before.status).toBe(200);
      expect(body.authorizer.lambda).toMatchObject({ username: DEMO_USER.username, tokenUse: 'access' });
      expect(after.status).toBe(403);
    } finally {
      await stack.stop();
    }
  });

  it('a cached REST allow covers the other methods of the stage (stage-wide policy), until the TTL ends', async () => {
    // Arrange
    const stack = await startStack({ cacheTtlSeconds: 60 });
    try {
      const tokens = await stack.cognito.signIn(DEMO_USER.username, DEMO_USER.password);
      const call = (method: string, path: string) =>
        fetch(`${stack.api.urls.restRequest}${path}`, {
          method,
          headers: { Authorization: `Bearer ${tokens.idToken}` },
        });
      // Act
      const get = await call('GET', '/orders/1');
      const del = await call('DELETE', '/orders/2');
      stack.api.flushCache();
      const afterFlush = await call('POST', '/orders');
      // Assert
      expect([get.status, get.headers.get('x-local-authorizer')]).toEqual([200, 'invoked']);
      expect([del.status, del.headers.get('x-local-authorizer')]).toEqual([200, 'cache-hit']);
      expect([afterFlush.status, afterFlush.headers.get('x-local-authorizer')]).toEqual([200, 'invoked']);
      expect(stack.api.stats().authorizerInvocations).toBe(2);
    } finally {
      await stack.stop();
    }
  });

  it('refuses garbage and missing tokens: 401 from REST, 401 without a token on the HTTP API, never 200', async () => {
    const stack = await startStack();
    try {
      const statuses = await Promise.all(
        [
          [stack.api.urls.restToken, 'Bearer not-a-jwt'],
          [stack.api.urls.restRequest, 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.'],
          [stack.api.urls.httpApi, 'Basic dXNlcjpwYXNz'],
          [stack.api.urls.httpApi, ''],
        ].map(([url, auth]) =>
          fetch(`${url}/x`, { headers: auth ? { Authorization: auth } : {} }).then((r) => r.status),
        ),
      );
      expect(statuses).toEqual([401, 401, 403, 401]);
    } finally {
      await stack.stop();
    }
  });
});

/** Processes whose working directory is inside `dir` (Linux /proc); cognito-local runs with cwd in its temp dir. */
function processesIn(dir: string): number[] {
  if (!existsSync('/proc')) return [];
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readlinkSync(`/proc/${entry}/cwd`).startsWith(dir)) found.push(Number(entry));
    } catch {
      // gone or not ours to read
    }
  }
  return found;
}

function run(
  args: string[],
  env: Record<string, string>,
  timeoutMs: number,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      args,
      { cwd: ROOT, env: { ...process.env, ...env }, timeout: timeoutMs },
      (error, stdout, stderr) => {
        resolve({ code: error ? ((error.code as number | null) ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

describe('npm run demo as a newcomer runs it', () => {
  let tmp: string;
  /** One run of the demo as a child process, as `npm run demo` starts it (the build aside); its scenarios are
   * checked below from what it printed. */
  let out: { code: number | null; stdout: string; stderr: string };
  /** The lines of one scenario's section of the transcript, from its heading to the next. */
  const section = (heading: string) => {
    const from = out.stdout.indexOf(heading);
    expect(from, `no "${heading}" in:\n${out.stdout}`).toBeGreaterThanOrEqual(0);
    const next = out.stdout.slice(from + heading.length).search(/^\d+\. /m);
    return next === -1 ? out.stdout.slice(from) : out.stdout.slice(from, from + heading.length + next);
  };

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'demo-e2e-'));
    out = await run(['--import', 'tsx', 'local/demo.ts'], { TMPDIR: tmp }, 80_000);
  }, 90_000);
  afterAll(() => {
    rmSync(tmp, { recursive: true, force: true });
  });

  it('exits 0 with the full transcript (as checked into docs/) and leaves no process or temporary directory behind', async () => {
    // Assert
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('All steps as expected');
    expect(out.stdout).not.toContain('✗');
    expect(out.stdout).not.toContain('emulator gap');
    // The checked-in transcript is this run, masked (else: \`npm run demo:transcript\`).
    const checkedIn = readFileSync(TRANSCRIPT_PATH, 'utf8');
    const fresh = [...TRANSCRIPT_HEADER, ...maskTranscript(out.stdout.replace(/\n$/, '').split('\n'))].join(
      '\n',
    );
    expect(fresh, 'docs/demo-transcript.txt is stale: run `npm run demo:transcript`').toBe(
      checkedIn.replace(/\n$/, ''),
    );
    // tsx keeps its compile cache in TMPDIR (proof the child used it); cognito-local's directory must be gone.
    expect(readdirSync(tmp).filter((name) => name.startsWith('cognito-local-'))).toEqual([]);
    expect(processesIn(tmp)).toEqual([]);
    const apiPort = Number(/API http:\/\/127\.0\.0\.1:(\d+)/.exec(out.stdout)?.[1]);
    expect(await portClosed(apiPort)).toBe(true);
  });

  it('1. sign out everywhere: CLI exit 0, Cognito refuses the refresh token, stateless verification still accepts, the API refuses both tokens within 5 s, a later sign-in works', () => {
    const text = section('1. Sign out everywhere');
    expect(text).toMatch(/✓ API with the ID token → 200 OK/);
    expect(text).toMatch(
      /✓ admin CLI signout alice: user watermark written \(notBefore \d+\), 1 of 1 recorded sessions blocklisted/,
    );
    expect(text).toMatch(/, exit code 0 {2}\(\d+ ms\)/);
    expect(text).toMatch(/✓ Cognito’s global sign-out done \(AdminUserGlobalSignOut\), CLI exit code 0/);
    expect(text).toMatch(
      /✓ Cognito refuses the refresh token now \(REFRESH_TOKEN_AUTH → NotAuthorizedException\)/,
    );
    expect(text).toMatch(/still ACCEPTS the ID token/);
    expect(text).toMatch(/still ACCEPTS the access token/);
    expect(text).toMatch(
      /✓ API with the access token → 401 Unauthorized, \d+ ms after the revocation returned/,
    );
    expect(text).toMatch(
      /✓ admin CLI check \(the access token on stdin; only its ids are sent\): revoked — /,
    );
    expect(text).toMatch(/one-second granularity/);
    expect(text).toMatch(/✓ API with the new access token → 200 OK/);
    const refusedAfterMs = Number(
      /✓ API with the ID token → 401 Unauthorized, (\d+) ms after the revocation returned/.exec(text)?.[1],
    );
    expect(refusedAfterMs).toBeGreaterThan(0);
    expect(refusedAfterMs).toBeLessThan(5000);
  });

  it('2. revoke one session: that session’s ID AND access tokens get 401, the other session keeps working', () => {
    const text = section('2. Revoke one session');
    expect(text).toMatch(/✓ API with the laptop ID token → 401 Unauthorized/);
    expect(text).toMatch(/✓ API with the laptop access token → 401 Unauthorized/);
    expect(text).toMatch(/✓ API with the phone ID token → 200 OK — the other session keeps working/);
    expect(text).toMatch(/✓ API with the phone access token → 200 OK/);
  });

  it('3. refresh family: tokens before and after a refresh, and after a later refresh, all refused by origin_jti', () => {
    const text = section('3. A refresh-token family');
    expect(text).toMatch(
      /✓ tablet refreshes \(REFRESH_TOKEN_AUTH\): new tokens .* same origin_jti [0-9a-f-]{36} and auth_time/,
    );
    expect(text).toMatch(
      /✓ admin CLI revoke-session [0-9a-f-]{36} \(the tablet’s origin_jti\) → written, scope origin/,
    );
    for (const which of ['first ID', 'first access', 'refreshed ID', 'refreshed access']) {
      expect(text).toContain(`✓ API with the ${which} token → 401 Unauthorized`);
    }
    expect(text).toMatch(
      /✓ API with the access token of the later refresh → 401 Unauthorized — the family stays revoked/,
    );
    expect(text).toMatch(/✓ API with the phone access token → 200 OK — another sign-in, another family/);
  });

  it('4. caching that keeps revocation: refused right after the revoke, no stale allow', () => {
    const text = section('4. Caching that keeps revocation');
    expect(text).toMatch(/✓ API with the ID token again → 200 from API Gateway’s cache/);
    expect(text).toMatch(
      /✓ API with the revoked ID token right after the revoke returned → 401 Unauthorized/,
    );
    expect(text).toContain('✓ stale allows in the 2 s after the revocation: 0');
  });

  it('5. staleness mode: a few reads for 100 decisions, the revocation refused within S = 1 s of the revoke', () => {
    const text = section('5. Staleness mode');
    const perDecision = Number(
      /✓ 100 decisions, all allowed, with \d+ store reads \(([\d.]+) per decision/.exec(text)?.[1],
    );
    const lagMs = Number(/✓ refused (\d+) ms after the revoke returned \(bound S = 1 s/.exec(text)?.[1]);
    expect(perDecision).toBeLessThan(0.2);
    expect(lagMs).toBeGreaterThanOrEqual(0);
    expect(lagMs).toBeLessThanOrEqual(1000);
  });

  it('npm run demo -- --help prints the usage and starts nothing', { timeout: 60_000 }, async () => {
    const out = await new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile(
        'npm',
        ['run', '--silent', 'demo', '--', '--help'],
        { cwd: ROOT, env: { ...process.env, TMPDIR: tmp }, timeout: 50_000 },
        (error, stdout) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout }),
      );
    });
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^Usage: npm run demo/m);
    expect(out.stdout).toContain('docs/demo-transcript.txt');
    expect(readdirSync(tmp).filter((name) => name.startsWith('cognito-local-'))).toEqual([]);
  });
});

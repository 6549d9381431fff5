/**
 * cognito-local (v5.3.0, a Cognito user pool emulator) for the local stack and the end-to-end tests.
 *
 * Exported API:
 * - `startCognitoLocal(options?) → Promise<CognitoLocal>`; options (all optional):
 *   `port` (0/absent = pick a free one), `host` ('127.0.0.1'), `region` ('us-east-1'),
 *   `lambdaEndpoint` (URL of the Lambda Invoke endpoint its triggers call, e.g. `startLambdaEndpoint().endpoint`),
 *   `triggers` (`{ PreTokenGeneration: 'fn-name', PostAuthentication: 'fn-name', … }`),
 *   `usernameAttributes` ([] = plain usernames; `['email']` = email as username),
 *   `tokenValidity` (`{ idTokenMinutes: 60, accessTokenMinutes: 60, refreshTokenDays: 30 }`),
 *   `users` (`[{ username, password, attributes? }]`, created at start), `poolName`, `clientName`,
 *   `preTokenGenerationVersion` (`'V1_0' | 'V2_0' | 'V3_0'`, default `'V2_0'`: the event version of the
 *   PreTokenGeneration trigger, as a pool's `LambdaConfig.PreTokenGenerationConfig.LambdaVersion`).
 * - `CognitoLocal`: `endpoint`, `port`, `region`, `userPoolId` (AWS format, e.g. `us-east-1_AbC123xYz`),
 *   `clientId`, `issuer` (`https://cognito-idp.<region>.amazonaws.com/<poolId>`, the real AWS form, so the
 *   production verifier runs unchanged), `jwksUri` (`http://127.0.0.1:<port>/<poolId>/.well-known/jwks.json`),
 *   `directory` (its temp dir), `pid` (its child process), `client` (an SDK client for the emulator),
 *   `createUser(username, password, attributes?) → { username, sub }` (AdminCreateUser + permanent
 *   AdminSetUserPassword), `signIn(username, password) → Tokens` (InitiateAuth USER_PASSWORD_AUTH),
 *   `refresh(refreshToken) → Tokens` (REFRESH_TOKEN_AUTH), `logs()` (its warnings/errors), `stop()`.
 * - `assertPatched()`: throws a one-line error when node_modules/cognito-local lacks this project's patch.
 *
 * It runs as a child process in a fresh temporary directory (cognito-local keeps state, plain-text passwords and
 * every refresh token under `./.cognito`); `stop()` kills it and removes the directory. The child also exits
 * when its parent dies. `hosting: 'in-process'` (what the tests use, test/support/setup.ts) runs the same server in
 * this process instead, state in the same kind of directory: the emulator's code then loads once per process (about
 * 0.3 s of CPU) instead of once per start, and `pid` is undefined; `stop()` closes it and removes the directory.
 * `setCognitoLocalHosting()` sets the default; a process that must outlive nothing (`npm start`, the demo) keeps
 * the child. Pool ids: cognito-local's CreateUserPool mints `local_…` ids, so the pool file is
 * written up front under an AWS-format id, and the issuer domain is set to the AWS one in `.cognito/config.json`.
 *
 * cognito-local 5.3.0 runs with this project's patch (patches/cognito-local+5.3.0.patch, applied by `npm ci`'s
 * postinstall): AdminUserGlobalSignOut/GlobalSignOut, `origin_jti` + `jti` on both tokens (one origin_jti per
 * refresh family), `auth_time` kept across refreshes, V2/V3 trigger responses applied to the access token too.
 * What still differs from Cognito: docs/local-stack.md.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomInt } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { LOCAL_AWS } from './dynalite.js';
import { ROOT } from './lambda-endpoint.js';

const requireCjs = createRequire(import.meta.url);

export type TriggerName =
  | 'PreTokenGeneration'
  | 'PostAuthentication'
  | 'PreSignUp'
  | 'PostConfirmation'
  | 'UserMigration'
  | 'CustomMessage';

export interface LocalUser {
  readonly username: string;
  readonly password: string;
  readonly attributes?: Readonly<Record<string, string>>;
}

export interface CognitoLocalOptions {
  readonly port?: number;
  readonly host?: string;
  readonly region?: string;
  readonly lambdaEndpoint?: string;
  readonly triggers?: Partial<Record<TriggerName, string>>;
  readonly usernameAttributes?: readonly string[];
  readonly tokenValidity?: {
    readonly idTokenMinutes?: number;
    readonly accessTokenMinutes?: number;
    readonly refreshTokenDays?: number;
  };
  readonly users?: readonly LocalUser[];
  readonly poolName?: string;
  readonly clientName?: string;
  /** Event version of the PreTokenGeneration trigger; default V2_0 (claims reach the access token too). */
  readonly preTokenGenerationVersion?: 'V1_0' | 'V2_0' | 'V3_0';
  /** Milliseconds to wait for the emulator to listen; default 60 000. */
  readonly startTimeoutMs?: number;
  /** A child process (the default, see `setCognitoLocalHosting`) or this process. */
  readonly hosting?: CognitoLocalHosting;
}

/**
 * Where the emulator runs: `child`, a process of its own that removes its directory when this one dies; or
 * `in-process`, a server in this process (its code loaded once per process).
 */
export type CognitoLocalHosting = 'child' | 'in-process';

let defaultHosting: CognitoLocalHosting = 'child';

/** The hosting of every later start that does not choose one; the tests choose `in-process`. */
export function setCognitoLocalHosting(hosting: CognitoLocalHosting): void {
  defaultHosting = hosting;
}

export interface Tokens {
  readonly idToken: string;
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly expiresIn: number;
}

export interface CognitoLocal {
  readonly endpoint: string;
  readonly port: number;
  readonly region: string;
  readonly userPoolId: string;
  readonly clientId: string;
  readonly issuer: string;
  readonly jwksUri: string;
  readonly directory: string;
  /** Process id of the cognito-local child; undefined when it runs in this process. */
  readonly pid: number | undefined;
  readonly client: CognitoIdentityProviderClient;
  createUser(
    username: string,
    password: string,
    attributes?: Readonly<Record<string, string>>,
  ): Promise<{
    username: string;
    sub: string;
  }>;
  signIn(username: string, password: string): Promise<Tokens>;
  refresh(refreshToken: string): Promise<Omit<Tokens, 'refreshToken'> & { refreshToken?: string }>;
  logs(): readonly string[];
  stop(): Promise<void>;
}

export class EmulatorStartError extends Error {
  override name = 'EmulatorStartError';
}

const ALPHANUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A user pool id in the AWS format `<region>_<9 alphanumerics>`. */
export function awsFormatPoolId(region: string): string {
  let suffix = '';
  for (let i = 0; i < 9; i++) suffix += ALPHANUM[randomInt(ALPHANUM.length)];
  return `${region}_${suffix}`;
}

/** How long cognito-local may take to listen: generous, since a loaded machine starts a Node child slowly. */
const START_TIMEOUT_MS = 60_000;

/** A file only the current patch of cognito-local has (patches/cognito-local+5.3.0.patch): an older patch is refused too. */
const PATCH_MARKER = join(
  ROOT,
  'node_modules',
  'cognito-local',
  'lib',
  'targets',
  'getTokensFromRefreshToken.js',
);

export function assertPatched(): void {
  if (!existsSync(join(ROOT, 'node_modules', 'cognito-local', 'package.json'))) {
    throw new EmulatorStartError('cognito-local is not installed: run `npm ci` first.');
  }
  if (!existsSync(PATCH_MARKER)) {
    throw new EmulatorStartError(
      'cognito-local is not patched (npm ran without scripts?): run `npx patch-package` or `npm ci`.',
    );
  }
}

export async function startCognitoLocal(options: CognitoLocalOptions = {}): Promise<CognitoLocal> {
  assertPatched();
  const host = options.host ?? '127.0.0.1';
  const region = options.region ?? LOCAL_AWS.region;
  const userPoolId = awsFormatPoolId(region);
  const issuerDomain = `https://cognito-idp.${region}.amazonaws.com`;
  const directory = mkdtempSync(join(tmpdir(), 'cognito-local-'));
  const stderrLines: string[] = [];
  const keepLines = (chunk: string) => {
    for (const line of chunk.split('\n')) if (line.trim()) stderrLines.push(line);
    if (stderrLines.length > 500) stderrLines.splice(0, stderrLines.length - 500);
  };
  let child: ChildProcess | undefined;
  let server: Server | undefined;
  let client: CognitoIdentityProviderClient | undefined;

  const cleanup = async () => {
    client?.destroy();
    if (child) await killChild(child);
    if (server) await closeServer(server);
    rmSync(directory, { recursive: true, force: true });
  };

  try {
    const dataDir = join(directory, '.cognito', 'db');
    mkdirSync(dataDir, { recursive: true });
    const config = {
      LambdaClient: {
        ...(options.lambdaEndpoint ? { endpoint: options.lambdaEndpoint } : {}),
        region,
        credentials: LOCAL_AWS.credentials,
        maxRetries: 0,
      },
      TriggerFunctions: options.triggers ?? {},
      PreTokenGenerationConfig: { LambdaVersion: options.preTokenGenerationVersion ?? 'V2_0' },
      // Must be set here: cognito-local ignores UsernameAttributes on CreateUserPool.
      UserPoolDefaults: { UsernameAttributes: [...(options.usernameAttributes ?? [])] },
      TokenConfig: { IssuerDomain: issuerDomain },
      ServerConfig: { port: options.port ?? 0, hostname: host, https: false, development: false },
    };
    writeFileSync(join(directory, '.cognito', 'config.json'), JSON.stringify(config, null, 2));
    // An empty store: cognito-local fills it with its AWS defaults and this id at start-up.
    writeFileSync(join(dataDir, `${userPoolId}.json`), '{}');

    const hosting = options.hosting ?? defaultHosting;
    let port: number;
    if (hosting === 'in-process') {
      server = await startInProcess(directory, options, { write: keepLines });
      port = (server.address() as AddressInfo).port;
    } else {
      const started = startChild(directory);
      child = started;
      started.stderr?.setEncoding('utf8');
      started.stderr?.on('data', keepLines);
      port = await childPort(started, options, stderrLines);
    }

    const endpoint = `http://${host}:${port}`;
    const sdk = new CognitoIdentityProviderClient({ ...LOCAL_AWS, region, endpoint, maxAttempts: 1 });
    client = sdk;
    const validity = options.tokenValidity ?? {};
    const created = await sdk.send(
      new CreateUserPoolClientCommand({
        UserPoolId: userPoolId,
        ClientName: options.clientName ?? 'local-app',
        ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
        // Units explicit: cognito-local's defaults differ from Cognito's.
        IdTokenValidity: validity.idTokenMinutes ?? 60,
        AccessTokenValidity: validity.accessTokenMinutes ?? 60,
        RefreshTokenValidity: validity.refreshTokenDays ?? 30,
        TokenValidityUnits: { IdToken: 'minutes', AccessToken: 'minutes', RefreshToken: 'days' },
      }),
    );
    const clientId = created.UserPoolClient?.ClientId;
    if (!clientId) throw new EmulatorStartError('cognito-local created no app client id');

    const createUser = async (
      username: string,
      password: string,
      attributes: Readonly<Record<string, string>> = {},
    ) => {
      const out = await sdk.send(
        new AdminCreateUserCommand({
          UserPoolId: userPoolId,
          Username: username,
          MessageAction: 'SUPPRESS',
          TemporaryPassword: password,
          UserAttributes: Object.entries(attributes).map(([Name, Value]) => ({ Name, Value })),
        }),
      );
      await sdk.send(
        new AdminSetUserPasswordCommand({
          UserPoolId: userPoolId,
          Username: username,
          Password: password,
          Permanent: true,
        }),
      );
      const sub = out.User?.Attributes?.find((a) => a.Name === 'sub')?.Value;
      if (!sub) throw new Error(`cognito-local returned no sub for ${username}`);
      return { username: out.User?.Username ?? username, sub };
    };

    for (const user of options.users ?? []) await createUser(user.username, user.password, user.attributes);

    const stop = async () => {
      await cleanup();
    };
    return {
      endpoint,
      port,
      region,
      userPoolId,
      clientId,
      issuer: `${issuerDomain}/${userPoolId}`,
      jwksUri: `${endpoint}/${userPoolId}/.well-known/jwks.json`,
      directory,
      pid: child?.pid,
      client: sdk,
      createUser,
      async signIn(username, password) {
        const out = await sdk.send(
          new InitiateAuthCommand({
            ClientId: clientId,
            AuthFlow: 'USER_PASSWORD_AUTH',
            AuthParameters: { USERNAME: username, PASSWORD: password },
          }),
        );
        const r = out.AuthenticationResult;
        if (!r?.IdToken || !r.AccessToken || !r.RefreshToken) {
          throw new Error(
            `sign-in of ${username} returned no tokens (challenge: ${out.ChallengeName ?? 'none'})`,
          );
        }
        return {
          idToken: r.IdToken,
          accessToken: r.AccessToken,
          refreshToken: r.RefreshToken,
          expiresIn: r.ExpiresIn ?? 0,
        };
      },
      async refresh(refreshToken) {
        const out = await sdk.send(
          new InitiateAuthCommand({
            ClientId: clientId,
            AuthFlow: 'REFRESH_TOKEN_AUTH',
            AuthParameters: { REFRESH_TOKEN: refreshToken },
          }),
        );
        const r = out.AuthenticationResult;
        if (!r?.IdToken || !r.AccessToken) throw new Error('refresh returned no tokens');
        return {
          idToken: r.IdToken,
          accessToken: r.AccessToken,
          ...(r.RefreshToken ? { refreshToken: r.RefreshToken } : {}),
          expiresIn: r.ExpiresIn ?? 0,
        };
      },
      logs: () => stderrLines,
      stop,
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

function killChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 2000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** The child process of `hosting: 'child'`, in `directory`, with no AWS profile or credentials of the user's. */
function startChild(directory: string): ChildProcess {
  const childEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith('AWS_')) childEnv[k] = v;
  }
  Object.assign(childEnv, {
    AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: '1',
    AWS_CONFIG_FILE: join(directory, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(directory, 'no-aws-credentials'),
    NODE_OPTIONS: '',
  });
  return fork(join(ROOT, 'local', 'cognito-process.cjs'), [], {
    cwd: directory,
    env: childEnv,
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    execArgv: [],
  });
}

/** The port the child reports once it listens; a one-line `EmulatorStartError` otherwise. */
function childPort(
  started: ChildProcess,
  options: CognitoLocalOptions,
  stderrLines: readonly string[],
): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(notStarted(options)), startTimeoutMs(options));
    started.once('message', (msg: { ready: boolean; port?: number; code?: string; message?: string }) => {
      clearTimeout(timer);
      started.removeAllListeners('exit');
      if (msg.ready && msg.port) resolve(msg.port);
      else if (msg.code === 'EADDRINUSE') reject(portInUse(options.port));
      else reject(new EmulatorStartError(`cognito-local failed to start: ${msg.message ?? 'unknown error'}`));
    });
    started.once('exit', (code) => {
      clearTimeout(timer);
      const last = stderrLines.at(-1) ?? '';
      reject(
        new EmulatorStartError(
          `cognito-local exited during start-up (code ${code})${last ? `: ${last.slice(0, 200)}` : ''} — run \`npm ci\` and retry.`,
        ),
      );
    });
  });
}

const startTimeoutMs = (options: CognitoLocalOptions) => options.startTimeoutMs ?? START_TIMEOUT_MS;

const notStarted = (options: CognitoLocalOptions) =>
  new EmulatorStartError(
    `cognito-local did not start within ${startTimeoutMs(options) / 1000} s: check \`npm ci\` completed (node_modules/cognito-local).`,
  );

const portInUse = (port: number | undefined) =>
  new EmulatorStartError(`Port ${port} is in use (cognito-local): free it or pick another port.`);

/** The server of `hosting: 'in-process'`; the same one-line errors as a child's start. */
async function startInProcess(
  directory: string,
  options: CognitoLocalOptions,
  destination: { write(line: string): unknown },
): Promise<Server> {
  const { startCognitoServer } = requireCjs('./cognito-server.cjs') as {
    startCognitoServer(directory: string, destination: { write(line: string): unknown }): Promise<Server>;
  };
  let timer: NodeJS.Timeout | undefined;
  const starting = startCognitoServer(directory, destination);
  try {
    return await Promise.race([
      starting,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(notStarted(options)), startTimeoutMs(options));
      }),
    ]);
  } catch (err) {
    // A start that ends after the deadline is waited for (it reads and writes the directory the caller removes
    // next), and a server that came up is closed.
    await starting.then(closeServer, () => {});
    if (err instanceof EmulatorStartError) throw err;
    if ((err as { code?: string }).code === 'EADDRINUSE') throw portInUse(options.port);
    throw new EmulatorStartError(`cognito-local failed to start: ${(err as Error).message ?? String(err)}`);
  } finally {
    clearTimeout(timer);
  }
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

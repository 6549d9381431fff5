/**
 * `npm start`: the local stack (see local/stack.ts) until Ctrl-C. Prints its endpoints and commands to paste, then
 * one short line per authorizer decision, sign-in and admin operation (raw JSON with --verbose, none with --quiet).
 *
 * Ports: picked freely unless given by flags or environment variables —
 *   --dynamo-port / LOCAL_DYNAMO_PORT, --lambda-port / LOCAL_LAMBDA_PORT, --cognito-port / LOCAL_COGNITO_PORT,
 *   --api-port / LOCAL_API_PORT; --cache-ttl <s> / LOCAL_CACHE_TTL sets the API Gateway authorizer result TTL
 *   (default 0).
 * SIGINT (Ctrl-C), SIGTERM or SIGHUP — sent to this process or to the `npm start` process in front of it (npm
 * forwards SIGINT/SIGTERM; the script `exec`s node so nothing sits in between) — or its parent going away stops
 * every part and removes cognito-local's temporary directory (it holds plain-text passwords and refresh tokens).
 */
import { parseArgs } from 'node:util';
import { formatLogLine } from './log-format.js';
import type { LocalUser } from './cognito.js';
import type { LocalStack } from './stack.js';

export const HELP = `Usage: npm start -- [options]

Runs the whole system on loopback until Ctrl-C: dynalite (DynamoDB), cognito-local (patched), a Lambda Invoke
endpoint with the built functions, and an API Gateway stand-in. No AWS account; nothing leaves this machine.

Options:
  --dynamo-port N    dynalite's port (env LOCAL_DYNAMO_PORT; default: a free one)
  --lambda-port N    the Lambda Invoke endpoint's port (env LOCAL_LAMBDA_PORT)
  --cognito-port N   cognito-local's port (env LOCAL_COGNITO_PORT)
  --api-port N       the API Gateway stand-in's port (env LOCAL_API_PORT)
  --cache-ttl S      API Gateway authorizer result cache TTL in seconds, 0-3600 (env LOCAL_CACHE_TTL; default 0)
  --verbose          print the functions' raw JSON log lines instead of one short line per decision
  --quiet            print no function log lines
  -h, --help         this text

Ctrl-C, SIGTERM or SIGHUP stops everything and removes the temporary files (cognito-local's plain-text
passwords and refresh tokens).`;

function port(flag: string, raw: string | undefined, envName: string): number | undefined {
  const value = raw ?? process.env[envName];
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new Error(`--${flag} / ${envName} must be a port number (0–65535), got "${value}"`);
  }
  return n;
}

export function commands(stack: LocalStack, user: LocalUser, logMode: LogMode = 'tidy'): string {
  const { cognito, lambda, api, dynamo, functions } = stack;
  const creds = `AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_REGION=${cognito.region}`;
  const cli = `${creds} npm run cli --`;
  const target = `--endpoint-url ${lambda.endpoint} --function ${functions.adminSignout}`;
  const initiateAuth = JSON.stringify({
    AuthFlow: 'USER_PASSWORD_AUTH',
    ClientId: cognito.clientId,
    AuthParameters: { USERNAME: user.username, PASSWORD: user.password },
  });
  const logs = {
    tidy: 'Function logs below: one short line per decision (`npm start -- --verbose` for the raw JSON lines).',
    verbose: 'Function logs below: the raw JSON lines, as CloudWatch would hold them.',
    quiet: 'Function logs are off (--quiet).',
  }[logMode];
  return [
    'cognito-revocation local stack is up — Ctrl-C stops it and removes its temporary files.',
    logs,
    '',
    `  dynalite (DynamoDB)      ${dynamo.endpoint}   table ${stack.tableName}`,
    `  cognito-local            ${cognito.endpoint}   pool ${cognito.userPoolId}, app client ${cognito.clientId}`,
    `                           issuer ${cognito.issuer}`,
    `                           JWKS   ${cognito.jwksUri}`,
    `  Lambda Invoke endpoint   ${lambda.endpoint}   ${Object.values(functions).join(', ')}`,
    `  API Gateway stand-in     ${api.urls.restToken}/…  (REST, TOKEN authorizer)`,
    `                           ${api.urls.restRequest}/…  (REST, REQUEST authorizer)`,
    `                           ${api.urls.httpApi}/…  (HTTP API, payload 2.0)`,
    '',
    `Demo user: ${user.username} / ${user.password}`,
    '',
    '# Sign in and keep the ID token (use .AccessToken for the access token):',
    `TOKEN=$(curl -s ${cognito.endpoint}/ -H 'Content-Type: application/x-amz-json-1.1' \\`,
    `  -H 'X-Amz-Target: AWSCognitoIdentityProviderService.InitiateAuth' \\`,
    `  -d '${initiateAuth}' \\`,
    `  | node -pe 'JSON.parse(require("fs").readFileSync(0)).AuthenticationResult.IdToken')`,
    '',
    '# Call the API through the revocation-aware authorizer:',
    `curl -i ${api.urls.restToken}/hello -H "Authorization: Bearer $TOKEN"`,
    '',
    '# Admin CLI against the local Lambda endpoint (dummy credentials; nothing leaves this machine):',
    `${cli} ${target} sessions ${user.username}`,
    `${cli} ${target} signout ${user.username} --reason test`,
    `printf '%s' "$TOKEN" | ${cli} ${target} check -   # the token via stdin, not argv`,
    '',
    '# Then call the API again: 401.',
    '',
    logs,
  ].join('\n');
}

export type LogMode = 'tidy' | 'verbose' | 'quiet';

/** The function log sink for a mode: one short line per decision, the raw JSON, or nothing. */
export function logSink(
  mode: LogMode,
  write: (text: string) => void,
): ((fn: string, line: string) => void) | undefined {
  if (mode === 'quiet') return undefined;
  if (mode === 'verbose') return (fn, line) => write(`[${fn.replace('cognito-revocation-', '')}] ${line}\n`);
  return (fn, line) => {
    const tidy = formatLogLine(fn, line);
    if (tidy) write(`${tidy}\n`);
  };
}

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const { values } = parseArgs({
    options: {
      'dynamo-port': { type: 'string' },
      'lambda-port': { type: 'string' },
      'cognito-port': { type: 'string' },
      'api-port': { type: 'string' },
      'cache-ttl': { type: 'string' },
      verbose: { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  if (values.verbose && values.quiet) throw new Error('give --verbose or --quiet, not both');
  const ttlRaw = values['cache-ttl'] ?? process.env.LOCAL_CACHE_TTL ?? '0';
  const cacheTtlSeconds = Number(ttlRaw);
  if (!Number.isInteger(cacheTtlSeconds) || cacheTtlSeconds < 0 || cacheTtlSeconds > 3600) {
    throw new Error(`--cache-ttl must be a whole number of seconds from 0 to 3600, got "${ttlRaw}"`);
  }
  const ports = {
    dynamo: port('dynamo-port', values['dynamo-port'], 'LOCAL_DYNAMO_PORT'),
    lambda: port('lambda-port', values['lambda-port'], 'LOCAL_LAMBDA_PORT'),
    cognito: port('cognito-port', values['cognito-port'], 'LOCAL_COGNITO_PORT'),
    api: port('api-port', values['api-port'], 'LOCAL_API_PORT'),
  };
  const logMode: LogMode = values.quiet ? 'quiet' : values.verbose ? 'verbose' : 'tidy';

  // Signals are handled from the start: one arriving while the stack starts stops it as soon as it is up.
  let stack: LocalStack | undefined;
  let stopping: string | undefined;
  let firstSignalAt = 0;
  const finish = (code: number) => {
    process.exit(code);
  };
  const shutdown = (why: string) => {
    if (stopping) {
      // Ctrl-C reaches both npm (which forwards it) and this process: a duplicate within a second is the same
      // request. A later one means "now": exit without waiting (cognito-local still removes its own directory
      // when this process goes away).
      if (Date.now() - firstSignalAt > 1000) {
        process.stderr.write(`${why} again: exiting without waiting for the stop\n`);
        finish(130);
      }
      return;
    }
    stopping = why;
    firstSignalAt = Date.now();
    if (!stack) return; // still starting: stopped right after start (below)
    process.stdout.write(`\n${why}: stopping the local stack…\n`);
    stack
      .stop()
      .then(() => {
        process.stdout.write('stopped; nothing left running.\n');
        finish(0);
      })
      .catch((err: unknown) => {
        process.stderr.write(`stop failed: ${err instanceof Error ? err.message : String(err)}\n`);
        finish(1);
      });
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => shutdown(signal));
  // `npm start` killed by a signal npm does not forward (SIGHUP, SIGKILL): this process is re-parented; stop.
  const parent = process.ppid;
  const watch = setInterval(() => {
    if (process.ppid !== parent) shutdown('parent process exited');
  }, 250);
  watch.unref();

  // Loaded only now: `--help` and a bad option answer at once, without loading the stack and the AWS SDK.
  const { DEMO_USER, startStack } = await import('./stack.js');
  stack = await startStack({
    ports: Object.fromEntries(Object.entries(ports).filter(([, v]) => v !== undefined)),
    cacheTtlSeconds,
    ...(logMode === 'quiet' ? {} : { onLog: logSink(logMode, (t) => process.stdout.write(t)) }),
  });
  if (stopping) {
    const why = stopping;
    stopping = undefined;
    shutdown(why);
    return;
  }
  process.stdout.write(`${commands(stack, DEMO_USER, logMode)}\n\n`);
}

if (process.argv[1] && /local[\\/]start\.ts$/.test(process.argv[1])) {
  main().catch((err: unknown) => {
    const unknownOption = (err as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION';
    const text = err instanceof Error ? err.message : String(err);
    // Node's parseArgs adds a paragraph about positionals to an unknown option: the first sentence is the news.
    const message = unknownOption ? (text.split('. ')[0] ?? text) : text;
    process.stderr.write(
      `npm start: ${message}${unknownOption ? ' (npm start -- --help lists the options)' : ''}\n`,
    );
    process.exit(1);
  });
}

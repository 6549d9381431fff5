/**
 * `npm start`: the local stack (see local/stack.ts) until Ctrl-C. Prints its endpoints and commands to paste.
 *
 * Ports: picked freely unless given by flags or environment variables —
 *   --dynamo-port / LOCAL_DYNAMO_PORT, --lambda-port / LOCAL_LAMBDA_PORT, --cognito-port / LOCAL_COGNITO_PORT,
 *   --api-port / LOCAL_API_PORT; --cache-ttl <s> / LOCAL_CACHE_TTL sets the API Gateway authorizer result TTL
 *   (default 0); --quiet hides the functions' log lines.
 * Ctrl-C (SIGINT) or SIGTERM stops every part and removes cognito-local's temporary directory.
 */
import { parseArgs } from 'node:util';
import { DEMO_USER, type LocalStack, startStack } from './stack.js';

const HELP = `Usage: npm start -- [--dynamo-port N] [--lambda-port N] [--cognito-port N] [--api-port N] [--cache-ttl S] [--quiet]`;

function port(flag: string, raw: string | undefined, envName: string): number | undefined {
  const value = raw ?? process.env[envName];
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new Error(`--${flag} / ${envName} must be a port number (0–65535), got "${value}"`);
  }
  return n;
}

export function commands(stack: LocalStack): string {
  const { cognito, lambda, api, dynamo, functions } = stack;
  const creds = `AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_REGION=${cognito.region}`;
  const cli = `${creds} npm run cli --`;
  const target = `--endpoint-url ${lambda.endpoint} --function ${functions.adminSignout}`;
  const initiateAuth = JSON.stringify({
    AuthFlow: 'USER_PASSWORD_AUTH',
    ClientId: cognito.clientId,
    AuthParameters: { USERNAME: DEMO_USER.username, PASSWORD: DEMO_USER.password },
  });
  return [
    'cognito-revocation local stack is up — Ctrl-C stops it and removes its temporary files.',
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
    `Demo user: ${DEMO_USER.username} / ${DEMO_USER.password}`,
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
    `${cli} ${target} sessions ${DEMO_USER.username}`,
    `${cli} ${target} signout ${DEMO_USER.username} --reason test`,
    `printf '%s' "$TOKEN" | ${cli} ${target} check -   # the token via stdin, not argv`,
    '',
    '# Then call the API again: 401.',
  ].join('\n');
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
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
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
  const stack = await startStack({
    ports: Object.fromEntries(Object.entries(ports).filter(([, v]) => v !== undefined)),
    cacheTtlSeconds,
    ...(values.quiet
      ? {}
      : {
          onLog: (fn: string, line: string) =>
            process.stdout.write(`[${fn.replace('cognito-revocation-', '')}] ${line}\n`),
        }),
  });
  process.stdout.write(`${commands(stack)}\n\n`);

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) {
      process.stderr.write('second signal: exiting without cleanup\n');
      process.exit(130);
    }
    stopping = true;
    process.stdout.write(`\n${signal}: stopping the local stack…\n`);
    stack
      .stop()
      .then(() => {
        process.stdout.write('stopped; nothing left running.\n');
        process.exit(0);
      })
      .catch((err: unknown) => {
        process.stderr.write(`stop failed: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exit(1);
      });
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

if (process.argv[1] && /local[\\/]start\.ts$/.test(process.argv[1])) {
  main().catch((err: unknown) => {
    process.stderr.write(`npm start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}

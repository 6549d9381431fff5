// A container-style service (ECS, EKS, EC2 or a laptop) that checks Cognito tokens AND their revocation in the
// application, with cognito-revocation as a library. Configuration from the environment, credentials from the
// AWS SDK's default chain (ECS task role, EKS Pod Identity / IRSA, EC2 instance profile, environment variables),
// graceful shutdown on SIGTERM. docs/library.md explains each setting.
//
//   USER_POOL_ID=eu-west-1_AbCdEf123 CLIENT_IDS=abc123 TABLE_NAME=cognito-revocation-blocklist node server.js
'use strict';
const { createServer } = require('node:http');
const express = require('express');
const { createRevocationVerifier, expressRevocation } = require('cognito-revocation');

const env = process.env;
const verifier = createRevocationVerifier({
  userPoolId: env.USER_POOL_ID,
  clientId: (env.CLIENT_IDS ?? '').split(','),
  tokenUse: 'access',
  tableName: env.TABLE_NAME,
  // Optional: the same settings as the authorizer's (docs/authorizer.md).
  ...(env.REVOCATION_STALENESS_SECONDS ? { stalenessSeconds: Number(env.REVOCATION_STALENESS_SECONDS) } : {}),
  ...(env.FAIL_MODE ? { failMode: env.FAIL_MODE } : {}),
  // Emulators only (the local stack): where the JWKS is downloaded from.
  ...(env.JWKS_URI ? { jwksUri: env.JWKS_URI } : {}),
});

const app = express();
app.get('/health', (_req, res) => {
  res.json({ ok: true });
});
// Everything below this line needs a valid, unrevoked access token.
app.use(expressRevocation(verifier));
app.get('/me', (req, res) => {
  const { sub, context } = req.auth;
  res.json({ sub, username: context.username, scopes: context.scopes });
});

const server = createServer(app);
server.listen(Number(env.PORT ?? 8080), env.HOST ?? '127.0.0.1', () => {
  // The port on its own line: the example's test (and a human) reads it.
  console.log(`listening on ${server.address().port}`);
});

process.on('SIGTERM', () => {
  server.close(() => {
    verifier.close();
    process.exit(0);
  });
  server.closeIdleConnections();
});

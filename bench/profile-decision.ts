/**
 * A CPU profile of the whole decision, for `node --cpu-prof` (not a benchmark: no figures, no baseline).
 * The authorizer built from its environment as the handler builds it, an in-process blocklist, decision lines
 * written to /dev/null by the shipped writer; N decisions after a warm-up.
 *
 * Run: node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/profile-decision.ts
 *      node bench/profile-summary.mjs /tmp/prof/<file>.cpuprofile
 */
import { openSync } from 'node:fs';
import { createAuthorizerFromEnvironment } from '../lambdas/authorizer/index.js';
import { stdoutLineWriter } from '../lambdas/authorizer/decision-record.js';
import { mintSessionId } from '../lambdas/token-trigger/trigger.js';
import { LOCAL_AWS } from '../local/dynalite.js';
import { memoryBlocklist, restTokenEvent } from '../test/fixtures/authorizer-events.js';
import { startJwksServer } from '../test/fixtures/jwks.js';
import { signAccessToken, TEST_CLIENT_ID, TEST_USER_POOL_ID } from '../test/fixtures/tokens.js';

const DECISIONS = Number(process.env.PROFILE_DECISIONS ?? 30_000);

async function main() {
  const jwks = await startJwksServer();
  const fd = openSync('/dev/null', 'w');
  const authorize = createAuthorizerFromEnvironment(
    {
      USER_POOL_ID: TEST_USER_POOL_ID,
      CLIENT_IDS: TEST_CLIENT_ID,
      TABLE_NAME: 'profile',
      JWKS_URI: jwks.uri,
      AWS_REGION: LOCAL_AWS.region,
      AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:9',
    },
    {
      reader: memoryBlocklist(),
      write: stdoutLineWriter(fd, () => ({ fd, write: () => true }) as never),
    },
  );
  const events = Array.from({ length: 100 }, (_, i) =>
    restTokenEvent(
      `Bearer ${signAccessToken({ jti: `jti-${i}`, origin_jti: `o-${i % 10}`, revocation_sid: mintSessionId(Date.now() + i) })}`,
    ),
  );
  for (let i = 0; i < DECISIONS; i++) await authorize(events[i % events.length]);
  await jwks.stop();
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
